/**
 * Buyer reports through their HTTP handler, on memory adapters and the embedded penalty workflow:
 * who may do what, bad input, the per-buyer limit, the queue, and an upheld report reaching the
 * merchant's penalty case while the buyer sees the outcome.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeReportsHandler, REPORT_ROUTE_KEYS as R } from '../../functions/reports/handler';
import { MemoryReportStore } from '../../shared/adapters/memory/reports';
import { MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { MemoryWarningStore } from '../../shared/adapters/memory/warnings';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { createEmbeddedPenalties } from '../../shared/app/penalties/embedded';
import { createReportService } from '../../shared/app/reports/service';
import { defaultThresholds } from '../../shared/config';
import { devBuyerAuthenticator, devBuyerToken } from '../../shared/http/buyerAuth';
import { devTokenAuthenticator } from '../../shared/http/principal';
import type { Decision } from '../../shared/domain/records';
import type { PenaltyWorkflow } from '../../shared/ports';
import { reportInput } from '../contract/reports.contract';

const SECRET = 'test-secret';
const T0 = Date.parse('2026-11-28T08:00:00.000Z');
const ANALYST = 'Bearer dev:analyst:bob';
const VIEWER = 'Bearer dev:viewer:vic';
/** The answers' fields these tests read. */
interface ReportJson {
  reportId: string;
  buyerId?: string;
  verifiedPurchase?: boolean;
  merchantId: string;
  status: string;
  escalated?: boolean;
  violationId?: string;
  outcome: { zh: string; en: string };
}
interface Answer {
  error?: string;
  issues?: { path: string }[];
  report: ReportJson;
  reports: ReportJson[];
  repeated?: boolean;
}
const buyer = (id: string) => `Bearer ${devBuyerToken(id, SECRET)}`;

function request(routeKey: string, o: { params?: Record<string, string>; body?: unknown; auth?: string; query?: Record<string, string>; atMs?: number } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: o.auth ? { authorization: o.auth } : {},
    ...(o.params ? { pathParameters: o.params } : {}),
    ...(o.query ? { queryStringParameters: o.query } : {}),
    ...(o.body === undefined ? {} : { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }),
    isBase64Encoded: false,
    requestContext: { timeEpoch: o.atMs ?? T0, http: { method: routeKey.split(' ')[0]! } } as APIGatewayProxyEventV2['requestContext'],
  };
}

function setup(options: { penalties?: (real: PenaltyWorkflow) => PenaltyWorkflow } = {}) {
  const thresholds = { ...defaultThresholds, reports: { ...defaultThresholds.reports, maxOpenPerBuyer: 2 } };
  const config = new StaticConfigSource(thresholds);
  const penalties = createEmbeddedPenalties({ config });
  const violations = new MemoryViolationLedger();
  const store = new MemoryReportStore();
  const notices = new MemoryWarningStore();
  const warnings = createWarningService({ store: notices, config });
  const handler = makeReportsHandler({
    authenticate: devTokenAuthenticator,
    authenticateBuyer: devBuyerAuthenticator(SECRET),
    reports: createReportService({
      store,
      config,
      violations,
      penalties: options.penalties ? options.penalties(penalties.workflow) : penalties.workflow,
      warnings,
      // The decision log knows one order: b-1's with m-1.
      orders: { byOrder: async (orderId) => (orderId === 'o-of-b1' ? [{ orderId, buyerId: 'b-1', merchantId: 'm-1' } as Decision] : []) },
    }),
  });
  const call = async (...args: Parameters<typeof request>) => {
    const response = (await handler(request(...args), {} as Context)) as APIGatewayProxyStructuredResultV2;
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') as Answer };
  };
  const file = (buyerId: string, body: unknown = reportInput(), atMs = T0) => call(R.file, { params: { buyerId }, body, auth: buyer(buyerId), atMs });
  /** The buyer's notices (warnings) as the buyer's app lists them. */
  const noticesOf = async (buyerId: string) => (await warnings.list(buyerId, { limit: 20, nowMs: T0 + 86_400_000 })).items;
  return { call, file, penalties, violations, store, noticesOf };
}

describe('filing a report', () => {
  it('answers 201 with the buyer\'s view, then 200 with the same report when the request is retried', async () => {
    const { file } = setup();

    const first = await file('b-1');
    const again = await file('b-1', reportInput(), T0 + 60_000);

    expect(first.status).toBe(201);
    expect(first.body.report).toMatchObject({ merchantId: 'm-1', category: 'price_gouging', status: 'open', filedAt: '2026-11-28T08:00:00.000Z' });
    expect(first.body.report.outcome.zh).toContain('已收到');
    expect(again).toEqual({ status: 200, body: first.body });
  });

  it('files the same report again after its decision as a new report (new evidence), and a retry of that finds it', async () => {
    const { call, file } = setup();
    const first = (await file('b-1')).body.report.reportId;
    await call(R.decide, { params: { reportId: first }, body: { upheld: false, note: 'no evidence yet' }, auth: ANALYST });

    const again = await file('b-1', reportInput({ statement: 'Here is the receipt.' }), T0 + 3_600_000);
    const retried = await file('b-1', reportInput({ statement: 'Here is the receipt.' }), T0 + 3_660_000);

    expect(again.status).toBe(201);
    expect(again.body.report.reportId).not.toBe(first);
    expect(again.body.report.status).toBe('open');
    expect(retried).toMatchObject({ status: 200, body: { report: { reportId: again.body.report.reportId } } });
    const mine = await call(R.mine, { params: { buyerId: 'b-1' }, auth: buyer('b-1') });
    expect(mine.body.reports.map((r) => r.status)).toEqual(['open', 'dismissed']);
  });

  it('answers 401 without a buyer token, 403 for another buyer\'s path, 400 naming each bad field', async () => {
    const { call } = setup();
    const body = reportInput();

    expect((await call(R.file, { params: { buyerId: 'b-1' }, body })).status).toBe(401);
    expect((await call(R.file, { params: { buyerId: 'b-1' }, body, auth: buyer('b-2') })).status).toBe(403);
    // An analyst token is not a buyer token.
    expect((await call(R.file, { params: { buyerId: 'b-1' }, body, auth: ANALYST })).status).toBe(401);
    const bad = await call(R.file, { params: { buyerId: 'b-1' }, body: { merchantId: '', category: 'rude', statement: 'x'.repeat(2_001) }, auth: buyer('b-1') });
    expect(bad.status).toBe(400);
    expect(bad.body.issues!.map((i) => i.path).sort()).toEqual(['category', 'merchantId', 'statement']);
    expect((await call(R.file, { params: { buyerId: 'b-1' }, body: '{not json', auth: buyer('b-1') })).status).toBe(400);
  });

  it('refuses a new report past the buyer\'s open-report limit with 429, but still answers a retried one', async () => {
    const { file } = setup();
    await file('b-1', reportInput({ merchantId: 'm-1' }));
    await file('b-1', reportInput({ merchantId: 'm-2' }));

    const third = await file('b-1', reportInput({ merchantId: 'm-3' }));
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ error: 'too_many_open_reports' });
    expect((await file('b-1', reportInput({ merchantId: 'm-1' }))).status).toBe(200);
    expect((await file('b-2', reportInput({ merchantId: 'm-3' }))).status).toBe(201);
  });
});

describe('verified purchases', () => {
  it('marks a report naming the reporter\'s own order with that shop verified, another order not, and no order neither', async () => {
    const { call, file } = setup();
    await file('b-1', reportInput({ merchantId: 'm-1', orderId: 'o-of-b1' }));
    await file('b-2', reportInput({ merchantId: 'm-1', orderId: 'o-of-b1' })); // someone else's order
    await file('b-3', reportInput({ merchantId: 'm-1' }));

    const { body } = await call(R.queue, { auth: VIEWER, atMs: T0 + 60_000 });
    const byBuyer = Object.fromEntries(body.reports.map((r) => [r.buyerId, r.verifiedPurchase]));
    expect(byBuyer).toEqual({ 'b-1': true, 'b-2': false, 'b-3': undefined });
    // Internal: the buyer's own view does not say.
    const mine = await call(R.mine, { params: { buyerId: 'b-1' }, auth: buyer('b-1') });
    expect(mine.body.reports[0]).not.toHaveProperty('verifiedPurchase');
  });
});

describe('handling reports', () => {
  it('lets viewers read the queue, escalated merchants first, and only analysts decide', async () => {
    const { call, file } = setup();
    await file('b-calm', reportInput({ merchantId: 'm-calm' }), T0);
    for (const [n, b] of ['b-1', 'b-2', 'b-3'].entries()) await file(b, reportInput({ merchantId: 'm-hot' }), T0 + (n + 1) * 60_000);

    const queue = await call(R.queue, { auth: VIEWER, atMs: T0 + 3_600_000 });
    expect(queue.status).toBe(200);
    expect(queue.body.reports.map((r) => `${r.merchantId}:${r.escalated}`)).toEqual([
      'm-hot:true',
      'm-hot:true',
      'm-hot:true',
      'm-calm:false',
    ]);
    const merchant = await call(R.queue, { auth: VIEWER, query: { merchantId: 'm-hot' }, atMs: T0 + 3_600_000 });
    expect(merchant.body).toMatchObject({ merchantId: 'm-hot', reportingBuyers: 3, escalated: true });
    expect(merchant.body.reports).toHaveLength(3);

    const reportId = queue.body.reports[0]!.reportId;
    expect((await call(R.one, { params: { reportId }, auth: VIEWER, atMs: T0 + 3_600_000 })).body).toMatchObject({ report: { reportId }, merchant: { reportingBuyers: 3, escalated: true } });
    expect((await call(R.decide, { params: { reportId }, body: { upheld: true, note: 'checked' }, auth: VIEWER })).status).toBe(403);
    expect((await call(R.queue, { auth: buyer('b-1') })).status).toBe(401);
    expect((await call(R.queue, { auth: VIEWER, query: { limit: '0' } })).status).toBe(400);
    expect((await call(R.decide, { params: { reportId: 'report-nope' }, body: { upheld: true, note: 'checked' }, auth: ANALYST })).status).toBe(404);
    expect((await call(R.decide, { params: { reportId }, body: { upheld: true }, auth: ANALYST })).status).toBe(400);
  });

  it('an upheld report puts a violation on the merchant\'s penalty case, and the buyer sees the outcome', async () => {
    const { call, file, penalties, violations, noticesOf } = setup();
    const { body } = await file('b-1', reportInput({ merchantId: 'm-9', category: 'fake_orders', orderId: 'o-1' }));
    const reportId = body.report.reportId;

    const decided = await call(R.decide, { params: { reportId }, body: { upheld: true, note: 'the order was never shipped; ring of accounts' }, auth: ANALYST, atMs: T0 + 3_600_000 });

    expect(decided.status).toBe(200);
    expect(decided.body.report).toMatchObject({ status: 'upheld', decidedBy: 'bob' });
    const violationId = decided.body.report.violationId!;
    expect(violations.byId.get(violationId)).toMatchObject({ merchantId: 'm-9', type: 'fake_orders' });
    const { state } = (await penalties.cases.load('m-9'))!;
    // Counted on the analyst's decision: a fake-orders strike with no link to the merchant's own
    // accounts would otherwise wait under investigation (the reverse-brushing guard).
    expect(state.violations.map((v) => [v.violationId, v.type, v.status, v.basis, v.analyst?.by])).toEqual([[violationId, 'fake_orders', 'counted', 'analyst', 'bob']]);
    expect(state.level).toBe('warning');
    expect((await call(R.queue, { auth: VIEWER })).body.reports).toEqual([]);

    const mine = await call(R.mine, { params: { buyerId: 'b-1' }, auth: buyer('b-1') });
    expect(mine.status).toBe(200);
    expect(mine.body.reports).toHaveLength(1);
    expect(mine.body.reports[0]).toMatchObject({ reportId, status: 'upheld', decidedAt: '2026-11-28T09:00:00.000Z' });
    expect(mine.body.reports[0]!.outcome.en).toContain('upheld');
    expect(JSON.stringify(mine.body)).not.toContain('bob');
    expect((await call(R.mine, { params: { buyerId: 'b-1' }, auth: buyer('b-2') })).status).toBe(403);
    // The outcome also reaches the buyer's app, as a notice among their warnings.
    const notices = await noticesOf('b-1');
    expect(notices.map((n) => [n.type, n.severity, n.merchantId, n.orderId])).toEqual([['report_outcome', 'info', 'm-9', 'o-1']]);
    expect(notices[0]!.message.zh).toContain('刷单');
    expect(notices[0]!.message.en).toBe(mine.body.reports[0]!.outcome.en);
  });

  it('a dismissed report records nothing; deciding it the other way afterwards is a conflict', async () => {
    const { call, file, penalties, violations, noticesOf } = setup();
    const reportId = (await file('b-1')).body.report.reportId;

    expect((await call(R.decide, { params: { reportId }, body: { upheld: false, note: 'price within the usual range' }, auth: ANALYST })).status).toBe(200);
    expect((await noticesOf('b-1')).map((n) => n.message.en)).toEqual([expect.stringContaining('found no violation')]);
    const flip = await call(R.decide, { params: { reportId }, body: { upheld: true, note: 'changed my mind' }, auth: ANALYST });

    expect(flip.status).toBe(409);
    expect(violations.byId.size).toBe(0);
    expect(await penalties.cases.load('m-1')).toBeNull();
  });

  it('when the penalty workflow fails, the decision stays and the same decision sent again delivers the violation', async () => {
    let down = true;
    const { call, file, penalties } = setup({
      penalties: (real) => ({
        onViolations: async (v) => {
          if (down) throw new Error('Step Functions unavailable');
          return real.onViolations(v);
        },
      }),
    });
    const reportId = (await file('b-1')).body.report.reportId;
    const decide = () => call(R.decide, { params: { reportId }, body: { upheld: true, note: 'five times the usual price' }, auth: ANALYST });

    expect((await decide()).status).toBe(500);
    expect(await penalties.cases.load('m-1')).toBeNull();
    down = false;
    const retried = await decide();

    expect(retried).toMatchObject({ status: 200, body: { repeated: true, report: { status: 'upheld' } } });
    expect((await penalties.cases.load('m-1'))!.state.violations.map((v) => v.type)).toEqual(['price_gouging']);
  });
});
