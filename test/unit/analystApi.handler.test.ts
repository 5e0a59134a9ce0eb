/** The analyst API's handler on in-memory adapters, with development tokens for the three roles. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ANALYST_ROUTE_KEYS as R, makeAnalystApiHandler } from '../../functions/analyst-api/handler';
import { MemoryBacktestJobs, MemoryConfigAuditLog, MemoryConfigStore, MemoryShadowResults } from '../../shared/adapters/memory/config';
import { createConfigService } from '../../shared/app/config/service';
import { defaultThresholds } from '../../shared/config';
import type { BacktestJob } from '../../shared/domain/backtest/compare';
import { devTokenAuthenticator } from '../../shared/http/principal';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const ALICE = 'dev:analyst:alice';
const BOB = 'dev:approver:bob';
const DANA = 'dev:approver:dana';
const CAROL = 'dev:viewer:carol';

interface Call {
  token?: string;
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  at?: number;
}

function setup() {
  const store = new MemoryConfigStore();
  const audit = new MemoryConfigAuditLog();
  const launched: BacktestJob[] = [];
  const backtests = new MemoryBacktestJobs();
  const handler = makeAnalystApiHandler({
    config: createConfigService({ store, audit, seed: defaultThresholds }),
    shadow: new MemoryShadowResults(),
    backtests,
    launcher: { launch: async (job) => void launched.push(job) },
    decisions: { recent: async () => [], byOrder: async () => [] },
    ladder: { merchants: async () => [] },
    authenticate: devTokenAuthenticator,
    consoleAuth: { mode: 'dev', users: [] },
    newBacktestId: () => `bt-${launched.length + 1}`,
    backtestWorkerLimitMs: 16 * 60_000,
  });
  const call = async (routeKey: string, c: Call = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey,
      rawPath: '/',
      rawQueryString: '',
      headers: { ...(c.token ? { authorization: `Bearer ${c.token}` } : {}), ...c.headers },
      ...(c.path ? { pathParameters: c.path } : {}),
      ...(c.query ? { queryStringParameters: c.query } : {}),
      ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
      isBase64Encoded: false,
      requestContext: { timeEpoch: c.at ?? NOW, http: { method: routeKey.split(' ')[0]! } } as APIGatewayProxyEventV2['requestContext'],
    };
    const result = (await handler(event, {} as never)) as APIGatewayProxyStructuredResultV2;
    return { status: result.statusCode!, body: JSON.parse(result.body as string) as Record<string, unknown> };
  };
  return { call, store, audit, launched, backtests };
}

const stricter = { ...defaultThresholds, scoring: { reviewAt: 30, blockAt: 70 } };

describe('analyst API: roles', () => {
  it('answers 401 without a token and 403 below the route\'s role', async () => {
    const { call } = setup();

    const anonymous = await call(R.live);
    const viewerDrafts = await call(R.createDraft, { token: CAROL, body: stricter });
    const analystApproves = await call(R.approve, { token: ALICE, path: { version: 'v1' } });

    expect([anonymous.status, viewerDrafts.status, analystApproves.status]).toEqual([401, 403, 403]);
    expect(analystApproves.body.message).toBe('this needs the approver role');
  });

  it('tells anyone how the console signs in', async () => {
    const { call } = setup();

    expect(await call(R.consoleConfig)).toEqual({ status: 200, body: { mode: 'dev', users: [] } });
  });
});

describe('analyst API: the thresholds lifecycle', () => {
  it('validates a document with field-level errors, and shows the diff of a valid one', async () => {
    const { call } = setup();

    const bad = await call(R.validate, { token: ALICE, body: { ...defaultThresholds, scoring: { reviewAt: 90, blockAt: 150 } } });
    const good = await call(R.validate, { token: ALICE, body: stricter });

    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'scoring.blockAt', message: expect.stringContaining('100') }]);
    expect(good).toMatchObject({ status: 200, body: { valid: true, against: defaultThresholds.version, diff: [expect.objectContaining({ path: 'scoring.reviewAt' }), expect.objectContaining({ path: 'scoring.blockAt' })] } });
  });

  it('drafts, lets a second person approve and publish, and keeps every step in the audit log', async () => {
    const { call, store } = setup();

    const minute = (n: number) => NOW + n * 60_000;
    const draft = await call(R.createDraft, { token: ALICE, body: stricter, at: minute(1) });
    const ownApproval = await call(R.approve, { token: 'dev:approver:alice', path: { version: 'v1' }, at: minute(2) });
    const approval = await call(R.approve, { token: BOB, path: { version: 'v1' }, body: { note: 'backtest looks fine' }, at: minute(3) });
    const published = await call(R.publish, { token: DANA, path: { version: 'v1' }, at: minute(4) });
    const live = await call(R.live, { token: CAROL });
    const log = await call(R.audit, { token: CAROL });

    expect(draft).toMatchObject({ status: 201, body: { version: 'v1', effectiveStatus: 'draft', contributors: ['alice'] } });
    expect(ownApproval).toMatchObject({ status: 403, body: { message: 'alice wrote part of version v1: a second analyst must approve it' } });
    expect(approval).toMatchObject({ status: 200, body: { effectiveStatus: 'approved', approvedBy: 'bob' } });
    expect(published).toMatchObject({ status: 200, body: { live: { version: 'v1', seq: 2, by: 'dana' } } });
    expect(live.body).toMatchObject({ version: 'v1', effectiveStatus: 'live', document: { version: 'v1', scoring: { reviewAt: 30, blockAt: 70 } } });
    expect((log.body.entries as { action: string; who: string }[]).map((e) => `${e.action} ${e.who}`)).toEqual(['publish dana', 'approve bob', 'draft.create alice', 'seed system']);
    expect((await store.live())?.version).toBe('v1');
  });

  it('edits a draft only at the revision it was read at', async () => {
    const { call } = setup();
    await call(R.createDraft, { token: ALICE, body: stricter });

    const edited = await call(R.editDraft, { token: 'dev:analyst:erin', path: { version: 'v1' }, headers: { 'if-match': '1' }, body: { ...stricter, description: 'tuned' } });
    const stale = await call(R.editDraft, { token: ALICE, path: { version: 'v1' }, headers: { 'if-match': '1' }, body: stricter });

    expect(edited).toMatchObject({ status: 200, body: { revision: 2, contributors: ['alice', 'erin'] } });
    expect(stale.status).toBe(409);
  });

  it('rolls back to an earlier live version, and refuses a version that never was live', async () => {
    const { call } = setup();
    await call(R.createDraft, { token: ALICE, body: stricter });
    await call(R.approve, { token: BOB, path: { version: 'v1' } });
    await call(R.publish, { token: BOB, path: { version: 'v1' } });
    await call(R.createDraft, { token: ALICE, body: defaultThresholds });

    const noReason = await call(R.rollback, { token: BOB, body: { version: defaultThresholds.version } });
    const neverLive = await call(R.rollback, { token: BOB, body: { version: 'v2', note: 'try' } });
    const back = await call(R.rollback, { token: BOB, body: { version: defaultThresholds.version, note: 'v1 floods the review queue' } });
    const diff = await call(R.diff, { token: CAROL, query: { from: 'v1', to: 'live' } });

    expect(noReason.status).toBe(400);
    expect(neverLive.status).toBe(409);
    expect(back).toMatchObject({ status: 200, body: { live: { version: defaultThresholds.version, seq: 3 }, audit: { action: 'rollback', previous: 'v1' } } });
    expect(diff.body.diff).toEqual([
      { path: 'scoring.reviewAt', op: 'changed', before: 30, after: 40 },
      { path: 'scoring.blockAt', op: 'changed', before: 70, after: 80 },
    ]);
  });
});

describe('analyst API: suppressions, shadow mode, backtests', () => {
  it('suppresses a rule for a merchant until an expiry, and refuses an unknown rule or a past expiry', async () => {
    const { call } = setup();
    const input = { scope: 'merchant', entityId: 'm-7', code: 'PRICE_GOUGING', until: '2026-12-05T00:00:00Z', reason: 'bundle priced per pack' };

    const unknownRule = await call(R.suppress, { token: ALICE, body: { ...input, code: 'NOT_A_RULE' } });
    const past = await call(R.suppress, { token: ALICE, body: { ...input, until: '2026-11-01T00:00:00Z' } });
    const created = await call(R.suppress, { token: ALICE, body: input });
    const lifted = await call(R.lift, { token: ALICE, path: { suppressionId: created.body.suppressionId as string } });
    const liftedTwice = await call(R.lift, { token: ALICE, path: { suppressionId: created.body.suppressionId as string } });

    expect(unknownRule).toMatchObject({ status: 400, body: { issues: [{ path: 'code' }] } });
    expect(past).toMatchObject({ status: 409, body: { message: 'until: must be in the future' } });
    expect(created).toMatchObject({ status: 201, body: { ...input, createdBy: 'alice' } });
    expect(lifted.status).toBe(200);
    expect(liftedTwice.status).toBe(404);
  });

  it('starts shadow mode with a candidate but never with the live version', async () => {
    const { call } = setup();
    await call(R.createDraft, { token: ALICE, body: stricter });

    const live = await call(R.startShadow, { token: ALICE, body: { version: defaultThresholds.version } });
    const started = await call(R.startShadow, { token: ALICE, body: { version: 'v1' } });
    const shown = await call(R.shadow, { token: CAROL });

    expect(live.status).toBe(409);
    expect(started).toMatchObject({ status: 200, body: { shadow: { version: 'v1', by: 'alice' } } });
    expect(shown.body).toMatchObject({ shadow: { version: 'v1' }, summary: null, decisions: [], violations: [] });
  });

  it('queues a backtest of a candidate against live and launches it', async () => {
    const { call, launched } = setup();
    await call(R.createDraft, { token: ALICE, body: stricter });

    const missing = await call(R.startBacktest, { token: ALICE, body: { candidate: 'v9' } });
    const queued = await call(R.startBacktest, { token: ALICE, body: { candidate: 'v1' } });
    const read = await call(R.backtest, { token: CAROL, path: { backtestId: 'bt-1' } });

    expect(missing.status).toBe(404);
    expect(queued).toMatchObject({ status: 202, body: { backtestId: 'bt-1', status: 'queued', candidate: 'v1', baseline: defaultThresholds.version, requestedBy: 'alice' } });
    expect(launched.map((j) => j.backtestId)).toEqual(['bt-1']);
    expect(read.body).toMatchObject({ backtestId: 'bt-1', status: 'queued' });
  });

  it('shows a job still running after the worker\'s time limit as failed: its worker died without saying so', async () => {
    const { call, backtests } = setup();
    const job = { requestedBy: 'alice', requestedAt: '2026-11-28T09:00:00Z', candidate: 'v1', baseline: 'v0' };
    await backtests.submit({ ...job, backtestId: 'bt-dead', status: 'running', startedAt: '2026-11-28T09:40:00Z' });
    await backtests.submit({ ...job, backtestId: 'bt-busy', status: 'running', startedAt: '2026-11-28T09:50:00Z' });

    const dead = await call(R.backtest, { token: CAROL, path: { backtestId: 'bt-dead' } });
    const list = await call(R.backtests, { token: CAROL });

    expect(dead.body).toMatchObject({ status: 'failed', finishedAt: '2026-11-28T09:56:00.000Z', error: expect.stringMatching(/^the worker stopped without recording the end/) });
    expect((list.body.backtests as BacktestJob[]).map((j) => [j.backtestId, j.status]).sort()).toEqual([
      ['bt-busy', 'running'],
      ['bt-dead', 'failed'],
    ]);
    expect((await backtests.get('bt-dead'))?.status).toBe('running'); // shown, not rewritten
  });
});
