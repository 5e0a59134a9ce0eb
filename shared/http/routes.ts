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
  // Buyers' in-app risk warnings (functions/buyer-warnings/handler.ts: a buyer reads only their own).
  { routeKey: 'GET /v1/buyers/{buyerId}/warnings', functionId: 'buyer-warnings', description: 'buyers: their risk warnings, unread first, paginated', auth: 'jwt' },
  { routeKey: 'POST /v1/buyers/{buyerId}/warnings/{warningId}/ack', functionId: 'buyer-warnings', description: 'buyers: acknowledge a risk warning', auth: 'jwt' },
  // Buyer reports (投诉与举报): buyers file and follow theirs, analysts handle the queue (functions/reports/handler.ts).
  { routeKey: 'POST /v1/buyers/{buyerId}/reports', functionId: 'reports', description: 'buyers: report a merchant (fake orders, fake reviews, price gouging, payment fraud)', auth: 'jwt' },
  { routeKey: 'GET /v1/buyers/{buyerId}/reports', functionId: 'reports', description: 'buyers: their reports and the outcome of each', auth: 'jwt' },
  { routeKey: 'GET /v1/reports', functionId: 'reports', description: "analysts: open reports, earliest due first, or a merchant's reports", auth: 'jwt' },
  { routeKey: 'GET /v1/reports/{reportId}', functionId: 'reports', description: 'analysts: one report and how many buyers reported its merchant', auth: 'jwt' },
  { routeKey: 'POST /v1/reports/{reportId}/decision', functionId: 'reports', description: "analysts: uphold a report (a violation on the merchant's case) or dismiss it", auth: 'jwt' },
  // Trust-and-safety analysts: the thresholds lifecycle, suppressions, shadow mode, backtests, console reads (functions/analyst-api/handler.ts).
  { routeKey: 'GET /v1/console/config', functionId: 'analyst-api', description: 'the analysts console: how it signs people in (no secrets)', auth: 'none' },
  { routeKey: 'GET /v1/config/live', functionId: 'analyst-api', description: 'analysts: the live thresholds version', auth: 'jwt' },
  { routeKey: 'GET /v1/config/versions', functionId: 'analyst-api', description: 'analysts: every thresholds version and its status', auth: 'jwt' },
  { routeKey: 'GET /v1/config/versions/{version}', functionId: 'analyst-api', description: 'analysts: one thresholds version', auth: 'jwt' },
  { routeKey: 'POST /v1/config/validate', functionId: 'analyst-api', description: 'analysts: validate a thresholds document (field-level errors)', auth: 'jwt' },
  { routeKey: 'POST /v1/config/versions', functionId: 'analyst-api', description: 'analysts: draft a new thresholds version', auth: 'jwt' },
  { routeKey: 'PUT /v1/config/versions/{version}', functionId: 'analyst-api', description: 'analysts: edit a draft', auth: 'jwt' },
  { routeKey: 'POST /v1/config/versions/{version}/approve', functionId: 'analyst-api', description: 'approvers: approve a draft someone else wrote', auth: 'jwt' },
  { routeKey: 'POST /v1/config/versions/{version}/reject', functionId: 'analyst-api', description: 'approvers: reject a draft', auth: 'jwt' },
  { routeKey: 'POST /v1/config/versions/{version}/publish', functionId: 'analyst-api', description: 'approvers: make an approved version live', auth: 'jwt' },
  { routeKey: 'POST /v1/config/rollback', functionId: 'analyst-api', description: 'approvers: make an earlier live version live again', auth: 'jwt' },
  { routeKey: 'GET /v1/config/diff', functionId: 'analyst-api', description: 'analysts: JSON diff of two thresholds versions', auth: 'jwt' },
  { routeKey: 'GET /v1/config/audit', functionId: 'analyst-api', description: 'analysts: the audit log of configuration changes', auth: 'jwt' },
  { routeKey: 'GET /v1/config/suppressions', functionId: 'analyst-api', description: 'analysts: rule suppressions per merchant or buyer', auth: 'jwt' },
  { routeKey: 'POST /v1/config/suppressions', functionId: 'analyst-api', description: 'analysts: silence a rule for one merchant or buyer until an expiry', auth: 'jwt' },
  { routeKey: 'DELETE /v1/config/suppressions/{suppressionId}', functionId: 'analyst-api', description: 'analysts: lift a suppression', auth: 'jwt' },
  { routeKey: 'GET /v1/config/shadow', functionId: 'analyst-api', description: 'analysts: the shadow candidate, its summary and disagreements', auth: 'jwt' },
  { routeKey: 'PUT /v1/config/shadow', functionId: 'analyst-api', description: 'analysts: start shadow mode with a candidate version', auth: 'jwt' },
  { routeKey: 'DELETE /v1/config/shadow', functionId: 'analyst-api', description: 'analysts: stop shadow mode', auth: 'jwt' },
  { routeKey: 'GET /v1/backtests', functionId: 'analyst-api', description: 'analysts: backtest jobs', auth: 'jwt' },
  { routeKey: 'POST /v1/backtests', functionId: 'analyst-api', description: 'analysts: backtest a candidate against the live version on stored history', auth: 'jwt' },
  { routeKey: 'GET /v1/backtests/{backtestId}', functionId: 'analyst-api', description: 'analysts: a backtest and its report', auth: 'jwt' },
  { routeKey: 'GET /v1/decisions', functionId: 'analyst-api', description: 'analysts: recent review and block decisions with their reasons, or an order\'s', auth: 'jwt' },
  { routeKey: 'GET /v1/penalties/ladder', functionId: 'analyst-api', description: 'analysts: merchants on the penalty ladder', auth: 'jwt' },
  {
    routeKey: 'GET /v1/velocity/{entity}/{entityId}',
    functionId: 'analyst-api',
    description: 'analysts: payment velocity of an instrument, device, IP, buyer or address (1 h, 24 h, 7 d)',
    auth: 'jwt',
  },
] as const satisfies readonly HttpRoute[];

export type FunctionId = (typeof HTTP_ROUTES)[number]['functionId'];
