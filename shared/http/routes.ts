/**
 * The HTTP API's routes, in API Gateway's routeKey form (`METHOD /path/{param}`, `{proxy+}` for the
 * rest of a path, `ANY` for any method). The local gateway (shared/local/httpGateway.ts) serves them
 * and the CDK stack is to build the HTTP API from the same table, so local and cloud cannot drift.
 * `functionId` names the Lambda: its code is `functions/<functionId>/` (handler.ts + index.ts).
 */
export interface HttpRoute {
  routeKey: string;
  functionId: string;
  /** What the route is for, for people reading the table or the API's description. */
  description: string;
  /**
   * Who may call it: `none` (public), `iam` (a platform service signing with SigV4, e.g. checkout),
   * `jwt` (a person: analyst, merchant or buyer, through the identity provider's tokens).
   */
  auth: 'none' | 'iam' | 'jwt';
}

export const HTTP_ROUTES = [
  { routeKey: 'GET /v1/health', functionId: 'health', description: 'liveness, and the dependencies the deployment checks', auth: 'none' },
  { routeKey: 'POST /v1/risk-score', functionId: 'risk-score', description: 'checkout: score a candidate order before taking payment', auth: 'iam' },
] as const satisfies readonly HttpRoute[];

export type FunctionId = (typeof HTTP_ROUTES)[number]['functionId'];
