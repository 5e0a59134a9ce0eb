/** The penalty API's answers, above all its 4xx: who may do what, bad bodies, unknown and stale targets. */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makePenaltyApiHandler, PENALTY_ROUTE_KEYS as R } from '../../functions/penalty-api/handler';
import { ConflictError } from '../../shared/errors';
import { devTokenAuthenticator } from '../../shared/http/principal';
import type { PenaltyExecutions } from '../../shared/ports/penalties';
import { apiRequest, at, brushingViolation, penaltyHarness } from '../support/penalties';

const APPROVER = 'dev:approver:alice';
const ANALYST = 'dev:analyst:bob';
const VIEWER = 'dev:viewer:vic';
const MERCHANT = 'dev:merchant:m-1';

/** m-1: warning, restricted, suspended applied; blacklisting waits for approval. m-2: one held violation. */
async function arrange(executions?: (h: ReturnType<typeof penaltyHarness>) => PenaltyExecutions) {
  const h = penaltyHarness({ merchants: { 'm-1': { deviceIds: ['dev-owner'] } } });
  await h.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
  await h.workflow.onViolations([0, 2, 4].map((d) => brushingViolation('m-1', d, ['b-ring'])));
  await h.workflow.onViolations([brushingViolation('m-2', 1, ['b-stranger'])]);
  const api = makePenaltyApiHandler({
    cases: h.cases,
    audit: h.audit,
    approvals: h.approvals,
    executions: executions?.(h) ?? h.workflow,
    config: h.config,
    authenticate: devTokenAuthenticator,
  });
  const call = async (...args: Parameters<typeof apiRequest>) => {
    const response = (await api(apiRequest(...args), {} as Context)) as APIGatewayProxyStructuredResultV2;
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
  };
  const [approval] = await h.approvals.pending(10);
  const steps = (await h.state('m-1')).steps;
  const held = (await h.state('m-2')).violations[0]!;
  return { h, call, approvalId: approval!.approvalId, steps, held };
}

describe('penalty API: who may do what', () => {
  it('answers 401 without a token', async () => {
    const { call } = await arrange();

    const response = await call(R.approvals);

    expect(response.status).toBe(401);
    expect(response.body.error).toBe('unauthorized');
  });

  it.each([
    ['a viewer approving a step', R.decideApproval, VIEWER],
    ['an analyst approving a step', R.decideApproval, ANALYST],
    ['a merchant approving a step', R.decideApproval, MERCHANT],
    ['a merchant deciding its own appeal', R.decideAppeal, MERCHANT],
    ['a viewer resolving an investigation', R.investigate, VIEWER],
    ['a merchant reading the approvals', R.approvals, MERCHANT],
    ['an analyst filing a merchant appeal', R.appeal, ANALYST],
  ])('answers 403 to %s', async (_what, route, token) => {
    const { call, approvalId } = await arrange();

    const response = await call(route, {
      params: { approvalId, merchantId: 'm-1', appealId: 'a-1', violationId: 'v-1' },
      body: { decision: 'approve', upheld: true, attribute: true, note: 'x', stepId: 's', statement: 'x' },
      token,
    });

    expect(response.status).toBe(403);
  });

  it("answers 403 to a merchant reading another merchant's credit, 200 to its own", async () => {
    const { call } = await arrange();

    const other = await call(R.credit, { params: { merchantId: 'm-2' }, token: MERCHANT });
    const own = await call(R.credit, { params: { merchantId: 'm-1' }, token: MERCHANT, atIso: at(5) });

    expect(other.status).toBe(403);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ merchantId: 'm-1', level: 'trading_suspended', blacklisted: false, asOf: at(5) });
    expect(own.body.creditScore).toBeGreaterThanOrEqual(0);
    expect(own.body.creditScore).toBeLessThan(100);
  });
});

describe('penalty API: bad requests', () => {
  it('answers 400 naming the field when the decision has no reason', async () => {
    const { call, approvalId } = await arrange();

    const response = await call(R.decideApproval, { params: { approvalId }, body: { decision: 'approve' }, token: APPROVER });

    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'note' })]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const { call, held } = await arrange();

    const response = await call(R.investigate, { params: { merchantId: 'm-2', violationId: held.violationId }, body: '{not json', token: ANALYST });

    expect(response.status).toBe(400);
    expect(String(response.body.message)).toContain('not JSON');
  });

  it('answers 400 to an unknown decision', async () => {
    const { call, approvalId } = await arrange();

    const response = await call(R.decideApproval, { params: { approvalId }, body: { decision: 'maybe', note: 'x' }, token: APPROVER });

    expect(response.status).toBe(400);
  });
});

describe('penalty API: unknown and stale targets', () => {
  it('answers 404 for an unknown approval, 409 for one already decided', async () => {
    const { call, approvalId } = await arrange();

    const unknown = await call(R.decideApproval, { params: { approvalId: 'appr-nope' }, body: { decision: 'approve', note: 'x' }, token: APPROVER });
    const first = await call(R.decideApproval, { params: { approvalId }, body: { decision: 'approve', note: 'ok' }, token: APPROVER, atIso: at(5) });
    const again = await call(R.decideApproval, { params: { approvalId }, body: { decision: 'reject', note: 'no' }, token: APPROVER, atIso: at(5) });

    expect(unknown.status).toBe(404);
    expect(first).toMatchObject({ status: 202, body: { status: 'approved', kind: 'blacklisted' } });
    expect(again.status).toBe(409);
  });

  it('answers 409 when the workflow no longer waits on the approval', async () => {
    const { call, approvalId } = await arrange((h) => ({
      start: (m, e) => h.workflow.start(m, e),
      awaitApproval: (a) => h.workflow.awaitApproval(a),
      resume: async () => {
        throw new ConflictError('the workflow no longer waits on this approval (TaskTimedOut)');
      },
    }));

    const response = await call(R.decideApproval, { params: { approvalId }, body: { decision: 'approve', note: 'late' }, token: APPROVER });

    expect(response.status).toBe(409);
    expect(String(response.body.message)).toContain('TaskTimedOut');
  });

  it('answers 404 to an appeal of an unknown step, 409 to a second appeal of the same step', async () => {
    const { call, steps } = await arrange();

    const unknown = await call(R.appeal, { params: { merchantId: 'm-1' }, body: { stepId: 'step-nope', statement: 'x' }, token: MERCHANT, atIso: at(5) });
    const first = await call(R.appeal, { params: { merchantId: 'm-1' }, body: { stepId: steps[2]!.stepId, statement: 'not us' }, token: MERCHANT, atIso: at(5) });
    const second = await call(R.appeal, { params: { merchantId: 'm-1' }, body: { stepId: steps[2]!.stepId, statement: 'again' }, token: MERCHANT, atIso: at(5) });

    expect(unknown.status).toBe(404);
    expect(first.status).toBe(202);
    expect(second.status).toBe(409);
  });

  it('answers 409 to an appeal after the appeal window closed', async () => {
    const { call, steps } = await arrange();

    const response = await call(R.appeal, { params: { merchantId: 'm-1' }, body: { stepId: steps[0]!.stepId, statement: 'late' }, token: MERCHANT, atIso: at(40) });

    expect(response.status).toBe(409);
    expect(String(response.body.message)).toContain('15-day appeal window');
  });

  it('answers 404 to a decision on an unknown appeal', async () => {
    const { call } = await arrange();

    const response = await call(R.decideAppeal, { params: { merchantId: 'm-1', appealId: 'appeal-nope' }, body: { upheld: true, note: 'x' }, token: APPROVER });

    expect(response.status).toBe(404);
  });

  it('answers 409 to resolving a violation that is not under investigation, 202 to one that is', async () => {
    const { h, call, held } = await arrange();
    const counted = (await h.state('m-1')).violations[0]!;

    const stale = await call(R.investigate, { params: { merchantId: 'm-1', violationId: counted.violationId }, body: { attribute: false, note: 'x' }, token: ANALYST });
    const ok = await call(R.investigate, { params: { merchantId: 'm-2', violationId: held.violationId }, body: { attribute: false, note: 'rival' }, token: ANALYST, atIso: at(6) });

    expect(stale.status).toBe(409);
    expect(ok.status).toBe(202);
    expect((await h.state('m-2')).violations[0]!.status).toBe('dismissed');
  });

  it('answers 404 for a merchant without a case on the analyst view', async () => {
    const { call } = await arrange();

    const response = await call(R.merchantCase, { params: { merchantId: 'm-none' }, token: VIEWER });

    expect(response.status).toBe(404);
  });

  it('answers 404 for a route it does not serve', async () => {
    const { call } = await arrange();

    const response = await call('DELETE /v1/merchants/{merchantId}/penalties', { params: { merchantId: 'm-1' }, token: APPROVER });

    expect(response.status).toBe(404);
  });

  it('never shows task tokens in the approvals list', async () => {
    const { call } = await arrange();

    const response = await call(R.approvals, { token: VIEWER });

    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toContain('local-task');
    expect((response.body.approvals as unknown[]).length).toBe(1);
  });
});
