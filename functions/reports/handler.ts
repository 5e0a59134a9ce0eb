/**
 * Buyer reports (投诉与举报), API Gateway HTTP API (payload v2), one function for the buyers' and
 * the analysts' routes:
 *
 *   POST /v1/buyers/{buyerId}/reports          the buyer      file a report (201; the same open report again: 200;
 *                                                             again after its decision: a new report, 201)
 *   GET  /v1/buyers/{buyerId}/reports          the buyer      their reports and each one's outcome, newest first
 *   GET  /v1/reports?merchantId=               viewer+        open reports, earliest due first (escalated ones due sooner);
 *                                                             with merchantId: that merchant's reports in the escalation window
 *   GET  /v1/reports/{reportId}                viewer+        one report, with its merchant's reporting-buyer count
 *   POST /v1/reports/{reportId}/decision       analyst+       uphold (a violation on the merchant's case) or dismiss
 *
 * Buyers authenticate as buyers (buyerAuth.ts), analysts as analysts (principal.ts). Errors go through
 * the shared mapper; times come from the request (`requestContext.timeEpoch`) unless a clock is given.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import type { ReportService } from '../../shared/app/reports/service';
import { buyerReportView, ReportDecisionSchema, ReportInputSchema } from '../../shared/domain/reports/report';
import { requireBuyer, type BuyerAuthenticator } from '../../shared/http/buyerAuth';
import { conflict, httpErrors, json, notFound, parseBody, parseQuery, pathParam, tooManyRequests, type ErrorLog } from '../../shared/http/errors';
import { requireRole, type Authenticator } from '../../shared/http/principal';

export const REPORT_ROUTE_KEYS = {
  file: 'POST /v1/buyers/{buyerId}/reports',
  mine: 'GET /v1/buyers/{buyerId}/reports',
  queue: 'GET /v1/reports',
  one: 'GET /v1/reports/{reportId}',
  decide: 'POST /v1/reports/{reportId}/decision',
} as const;

const QueueQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  merchantId: z.string().min(1).max(200).optional(),
});
const MineQuerySchema = z.strictObject({
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
});

export interface ReportsHandlerDeps {
  reports: ReportService;
  authenticateBuyer: BuyerAuthenticator;
  authenticate: Authenticator;
  /** "Now": the request's time (default); the local runtime may run in event time. */
  now?: (event: APIGatewayProxyEventV2) => number;
  log?: ErrorLog;
}

export function makeReportsHandler(deps: ReportsHandlerDeps) {
  const nowOf = (event: APIGatewayProxyEventV2) => (deps.now ? deps.now(event) : event.requestContext.timeEpoch);

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      switch (event.routeKey) {
        case REPORT_ROUTE_KEYS.file: {
          // Who first (401), then whose (403), then what (400).
          const buyerId = pathParam(event, 'buyerId');
          requireBuyer(deps.authenticateBuyer(event), buyerId);
          const input = parseBody(event, ReportInputSchema);
          const outcome = await deps.reports.file(buyerId, input, nowOf(event));
          if (outcome.kind === 'too_many') {
            throw tooManyRequests('too_many_open_reports', `buyer ${buyerId} has ${outcome.open} open reports (at most ${outcome.limit}); wait for their outcome`);
          }
          if (outcome.kind === 'refiled_too_often') {
            throw tooManyRequests('report_refiled_too_often', `this report was already decided ${outcome.times} times; contact customer service with new evidence`);
          }
          return json(outcome.kind === 'filed' ? 201 : 200, { report: buyerReportView(outcome.report) });
        }
        case REPORT_ROUTE_KEYS.mine: {
          const buyerId = pathParam(event, 'buyerId');
          requireBuyer(deps.authenticateBuyer(event), buyerId);
          const { limit } = parseQuery(event, MineQuerySchema);
          return json(200, { buyerId, reports: (await deps.reports.ofBuyer(buyerId, limit)).map(buyerReportView) });
        }
        case REPORT_ROUTE_KEYS.queue: {
          requireRole(deps.authenticate(event), 'viewer');
          const q = parseQuery(event, QueueQuerySchema);
          const atMs = nowOf(event);
          if (q.merchantId !== undefined) return json(200, { merchantId: q.merchantId, ...(await deps.reports.ofMerchant(q.merchantId, atMs)) });
          return json(200, { reports: await deps.reports.queue(atMs, q.limit) });
        }
        case REPORT_ROUTE_KEYS.one: {
          requireRole(deps.authenticate(event), 'viewer');
          const reportId = pathParam(event, 'reportId');
          const report = await deps.reports.get(reportId);
          if (report === null) throw notFound(`no report ${reportId}`);
          const { reportingBuyers, escalated } = await deps.reports.ofMerchant(report.merchantId, nowOf(event));
          return json(200, { report, merchant: { merchantId: report.merchantId, reportingBuyers, escalated } });
        }
        case REPORT_ROUTE_KEYS.decide: {
          const principal = deps.authenticate(event);
          requireRole(principal, 'analyst');
          const body = parseBody(event, ReportDecisionSchema);
          const reportId = pathParam(event, 'reportId');
          const outcome = await deps.reports.decide(reportId, body, principal.id, nowOf(event));
          if (outcome.kind === 'not_found') throw notFound(`no report ${reportId}`);
          if (outcome.kind === 'conflict') throw conflict(outcome.message);
          return json(200, { report: outcome.report, repeated: outcome.repeated });
        }
        default:
          throw notFound(`no route ${event.routeKey}`);
      }
    });
}
