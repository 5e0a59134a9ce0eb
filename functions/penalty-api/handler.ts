/**
 * The penalty workflow's HTTP routes (API Gateway HTTP API, payload v2), one function for all of
 * them. Commands are validated against the case (404 / 409) before a workflow execution starts, and
 * answered 202: the workflow applies them (at once locally, within seconds on Step Functions).
 *
 *   GET  /v1/penalties/approvals                                         viewer+   pending severe steps
 *   POST /v1/penalties/approvals/{approvalId}/decision                   approver  approve / reject a severe step
 *   GET  /v1/merchants/{merchantId}/penalties                            viewer+   the case and its audit trail
 *   POST /v1/merchants/{merchantId}/violations/{violationId}/investigation  analyst+  attribute / dismiss a held violation
 *   POST /v1/merchants/{merchantId}/appeals                              merchant  appeal a step
 *   POST /v1/merchants/{merchantId}/appeals/{appealId}/decision          approver  uphold / deny an appeal
 *   GET  /v1/merchants/{merchantId}/credit                               merchant or viewer+  level, blacklist, credit score
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { creditOf } from '../../shared/app/penalties/service';
import { stableId } from '../../shared/domain/ids';
import { precondition } from '../../shared/domain/penalties/machine';
import { DAY_MS } from '../../shared/domain/penalties/policy';
import { PenaltyEventSchema, initialState, type PenaltyEventInput } from '../../shared/domain/penalties/state';
import { ConflictError } from '../../shared/errors';
import { conflict, httpErrors, json, notFound, parseBody, pathParam, type ErrorLog } from '../../shared/http/errors';
import { requireMerchant, requireRole, type Authenticator, type Principal } from '../../shared/http/principal';
import type { ConfigSource } from '../../shared/ports';
import type { PenaltyApprovals, PenaltyAudit, PenaltyCases, PenaltyExecutions } from '../../shared/ports/penalties';

export interface PenaltyApiDeps {
  cases: PenaltyCases;
  audit: PenaltyAudit;
  approvals: PenaltyApprovals;
  executions: PenaltyExecutions;
  config: ConfigSource;
  authenticate: Authenticator;
  log?: ErrorLog;
}

export const PENALTY_ROUTE_KEYS = {
  approvals: 'GET /v1/penalties/approvals',
  decideApproval: 'POST /v1/penalties/approvals/{approvalId}/decision',
  merchantCase: 'GET /v1/merchants/{merchantId}/penalties',
  investigate: 'POST /v1/merchants/{merchantId}/violations/{violationId}/investigation',
  appeal: 'POST /v1/merchants/{merchantId}/appeals',
  decideAppeal: 'POST /v1/merchants/{merchantId}/appeals/{appealId}/decision',
  credit: 'GET /v1/merchants/{merchantId}/credit',
} as const;

const note = z.string().trim().min(1, 'a reason is required: it goes into the audit trail').max(2_000);
const ApprovalDecisionSchema = z.object({ decision: z.enum(['approve', 'reject']), note });
const InvestigationSchema = z.object({ attribute: z.boolean(), note });
const AppealSchema = z.object({ stepId: z.string().min(1).max(200), statement: z.string().trim().min(1).max(2_000) });
const AppealDecisionSchema = z.object({ upheld: z.boolean(), note });

type Route = (event: APIGatewayProxyEventV2, principal: Principal) => Promise<APIGatewayProxyStructuredResultV2>;

export function makePenaltyApiHandler(deps: PenaltyApiDeps) {
  const at = (event: APIGatewayProxyEventV2) => new Date(event.requestContext.timeEpoch).toISOString();

  async function loadCase(merchantId: string) {
    const stored = await deps.cases.load(merchantId);
    return { stored, state: stored?.state ?? initialState(merchantId) };
  }

  /** Checks the command against the case, then starts the workflow execution that applies it. */
  async function command(merchantId: string, event: PenaltyEventInput): Promise<void> {
    const parsed = PenaltyEventSchema.parse(event);
    const { state } = await loadCase(merchantId);
    const check = precondition(state, parsed, (await deps.config.current()).penalties);
    if (!check.ok) throw check.kind === 'not_found' ? notFound(check.message) : conflict(check.message);
    await deps.executions.start(merchantId, event);
  }

  const routes: Record<string, Route> = {
    [PENALTY_ROUTE_KEYS.approvals]: async (_event, principal) => {
      requireRole(principal, 'viewer');
      // Never the task token: it is a capability to move the workflow.
      const pending = (await deps.approvals.pending(100)).map(({ taskToken: _token, ...rest }) => rest);
      return json(200, { approvals: pending });
    },

    [PENALTY_ROUTE_KEYS.decideApproval]: async (event, principal) => {
      requireRole(principal, 'approver');
      const body = parseBody(event, ApprovalDecisionSchema);
      const approvalId = pathParam(event, 'approvalId');
      const approval = await deps.approvals.get(approvalId);
      if (approval === null) throw notFound(`no approval ${approvalId}`);
      if (approval.status !== 'pending') throw conflict(`approval ${approvalId} is already ${approval.status}`);
      const when = at(event);
      const decision: PenaltyEventInput =
        body.decision === 'approve'
          ? { type: 'ApprovalGranted', approvalId, by: principal.id, at: when, note: body.note }
          : { type: 'ApprovalRejected', approvalId, by: principal.id, at: when, note: body.note };
      try {
        await deps.executions.resume(approval.taskToken, decision);
      } catch (error) {
        if (error instanceof ConflictError) throw conflict(error.message);
        throw error;
      }
      const status = body.decision === 'approve' ? 'approved' : 'rejected';
      if (!(await deps.approvals.settle(approvalId, status, principal.id, when))) throw conflict(`approval ${approvalId} was decided meanwhile`);
      return json(202, { approvalId, merchantId: approval.merchantId, kind: approval.kind, status });
    },

    [PENALTY_ROUTE_KEYS.merchantCase]: async (event, principal) => {
      requireRole(principal, 'viewer');
      const merchantId = pathParam(event, 'merchantId');
      const { stored, state } = await loadCase(merchantId);
      if (stored === null) throw notFound(`no penalty case for merchant ${merchantId}`);
      const policy = (await deps.config.current()).penalties;
      return json(200, { case: state, version: stored.version, creditScore: creditOf(state, event.requestContext.timeEpoch, policy), audit: await deps.audit.list(merchantId) });
    },

    [PENALTY_ROUTE_KEYS.investigate]: async (event, principal) => {
      requireRole(principal, 'analyst');
      const body = parseBody(event, InvestigationSchema);
      const merchantId = pathParam(event, 'merchantId');
      const violationId = pathParam(event, 'violationId');
      await command(merchantId, { type: 'InvestigationResolved', violationId, attributed: body.attribute, by: principal.id, at: at(event), note: body.note });
      return json(202, { merchantId, violationId, status: body.attribute ? 'counted' : 'dismissed' });
    },

    [PENALTY_ROUTE_KEYS.appeal]: async (event, principal) => {
      const merchantId = pathParam(event, 'merchantId');
      requireMerchant(principal, merchantId);
      const body = parseBody(event, AppealSchema);
      // One appeal per step: the id derives from both, so a retried request is the same appeal.
      const appealId = stableId('appeal', merchantId, body.stepId);
      await command(merchantId, { type: 'AppealFiled', appealId, stepId: body.stepId, by: principal.id, at: at(event), statement: body.statement });
      return json(202, { merchantId, appealId, stepId: body.stepId, status: 'open' });
    },

    [PENALTY_ROUTE_KEYS.decideAppeal]: async (event, principal) => {
      requireRole(principal, 'approver');
      const body = parseBody(event, AppealDecisionSchema);
      const merchantId = pathParam(event, 'merchantId');
      const appealId = pathParam(event, 'appealId');
      await command(merchantId, { type: 'AppealDecided', appealId, upheld: body.upheld, by: principal.id, at: at(event), note: body.note });
      return json(202, { merchantId, appealId, status: body.upheld ? 'upheld' : 'denied' });
    },

    [PENALTY_ROUTE_KEYS.credit]: async (event, principal) => {
      const merchantId = pathParam(event, 'merchantId');
      requireMerchant(principal, merchantId, true);
      const { state } = await loadCase(merchantId);
      const policy = (await deps.config.current()).penalties;
      const now = event.requestContext.timeEpoch;
      // Merchant-facing: the standing and the steps it can appeal; held investigations are not shown.
      return json(200, {
        merchantId,
        asOf: new Date(now).toISOString(),
        level: state.level,
        blacklisted: state.blacklisted,
        creditScore: creditOf(state, now, policy),
        steps: state.steps.map((s) => ({
          stepId: s.stepId,
          kind: s.kind,
          status: s.status,
          appliedAt: s.appliedAt,
          reason: s.reason,
          appealableUntil: new Date(s.appliedAtMs + policy.appeal.windowDays * DAY_MS).toISOString(),
          appeal: s.appeal === undefined ? null : { appealId: s.appeal.appealId, status: s.appeal.status },
        })),
      });
    },
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      const route = routes[event.routeKey];
      if (route === undefined) throw notFound(`no route ${event.routeKey}`);
      return route(event, deps.authenticate(event));
    });
}
