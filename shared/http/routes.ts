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
  // The penalty workflow (functions/penalty-api/handler.ts checks each caller's role).
  { routeKey: 'GET /v1/penalties/approvals', functionId: 'penalty-api', description: 'analysts: severe penalty steps waiting for approval', auth: 'jwt' },
  { routeKey: 'POST /v1/penalties/approvals/{approvalId}/decision', functionId: 'penalty-api', description: 'approvers: approve or reject a severe penalty step', auth: 'jwt' },
  { routeKey: 'GET /v1/merchants/{merchantId}/penalties', functionId: 'penalty-api', description: "analysts: a merchant's penalty case and audit trail", auth: 'jwt' },
  {
    routeKey: 'POST /v1/merchants/{merchantId}/violations/{violationId}/investigation',
    functionId: 'penalty-api',
    description: 'analysts: attribute or dismiss a violation held for investigation',
    auth: 'jwt',
  },
  { routeKey: 'POST /v1/merchants/{merchantId}/appeals', functionId: 'penalty-api', description: 'merchants: appeal a penalty step', auth: 'jwt' },
  { routeKey: 'POST /v1/merchants/{merchantId}/appeals/{appealId}/decision', functionId: 'penalty-api', description: 'approvers: uphold or deny an appeal', auth: 'jwt' },
  { routeKey: 'GET /v1/merchants/{merchantId}/credit', functionId: 'penalty-api', description: 'merchants: penalty level, blacklist and credit score', auth: 'jwt' },
] as const satisfies readonly HttpRoute[];

export type FunctionId = (typeof HTTP_ROUTES)[number]['functionId'];
