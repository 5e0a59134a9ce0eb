import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeRiskScoreHandler } from '../../functions/risk-score/handler';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryIdempotencyStore } from '../../shared/adapters/memory/idempotency';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { makeRiskScorer } from '../../shared/app/riskScore';
import { defaultThresholds } from '../../shared/config';
import type { RiskScoreResponse } from '../../shared/contracts/riskScore';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import type { FeatureStore } from '../../shared/ports';
import { lambdaContext } from '../support/kinesis';
import { orderEvent } from '../support/orders';

const NOW = Date.parse('2026-11-28T08:00:00Z');
const DAY = 86_400_000;

function request(body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /v1/risk-score',
    rawPath: '/v1/risk-score',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/v1/risk-score' } } as APIGatewayProxyEventV2['requestContext'],
  };
}

function candidate(overrides: Record<string, unknown> = {}) {
  return {
    orderId: 'o-checkout',
    merchantId: 'm-1',
    buyer: { id: 'b-1', accountCreatedAt: new Date(NOW - 300 * DAY).toISOString() },
    amount: 12_950,
    currency: 'CNY',
    payment: { method: 'card', instrumentId: 'pi-1' },
    ...overrides,
  };
}

function setup(options: { features?: FeatureStore; config?: Thresholds } = {}) {
  const features = options.features ?? createMemoryFeatureStore();
  const decisions = new MemoryDecisionLog();
  const config = new StaticConfigSource(options.config ?? defaultThresholds);
  const handler = makeRiskScoreHandler({
    score: makeRiskScorer({ features, config, decisions, now: () => NOW }),
    idempotency: new MemoryIdempotencyStore(() => NOW),
    idempotencyTtlSeconds: 60,
  });
  const call = async (event: APIGatewayProxyEventV2) => {
    const result = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(String(result.body)) as RiskScoreResponse & Record<string, unknown> };
  };
  return { call, features, decisions, config };
}

/** A store whose reads never answer (Redis hung) or fail (Redis down). */
function brokenStore(mode: 'hang' | 'fail'): FeatureStore {
  const inner = createMemoryFeatureStore();
  const broken = () => (mode === 'hang' ? new Promise<never>(() => {}) : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')));
  return { ...inner, sets: { run: broken }, prices: { add: broken, read: broken } };
}

describe('POST /v1/risk-score', () => {
  it('scores an ordinary candidate order: allow, with the config version that decided', async () => {
    const { call, decisions } = setup();

    const { status, body } = await call(request(candidate()));

    expect(status).toBe(200);
    expect(body).toMatchObject({ score: 0, decision: 'allow', reasons: [], warnings: [], configVersion: defaultThresholds.version, degraded: false });
    expect([...decisions.byEventId.values()]).toEqual([expect.objectContaining({ eventType: 'risk_score', decision: 'allow' })]);
  });

  it('answers 400 naming every bad field', async () => {
    const { call } = setup();

    const { status, body } = await call(request(candidate({ amount: -1, buyer: {}, currency: 'yuan' })));

    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect((body.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['amount', 'buyer.id', 'currency']);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { call } = setup();

    const { status, body } = await call(request('{"orderId": '));

    expect(status).toBe(400);
    expect(body.message).toMatch(/not JSON/);
  });

  it('reads the features the order stream keeps: a large order after a run of small declines is blocked', async () => {
    const { call, features, config } = setup();
    const pipeline = createOrderPipeline({ features, decisions: new MemoryDecisionLog(), violations: new MemoryViolationLedger(), config });
    for (const minute of [1, 2, 3]) {
      const declined = orderEvent({ type: 'order.payment_failed', amount: 100, at: new Date(NOW - (10 - minute) * 60_000).toISOString(), payment: { method: 'card', instrumentId: 'pi-stolen', status: 'declined' } });
      await pipeline([{ event: declined, occurredAtMs: Date.parse(declined.occurredAt) }]);
    }

    const { body } = await call(request(candidate({ amount: 480_000, payment: { method: 'card', instrumentId: 'pi-stolen' } })));

    expect(body.decision).toBe('block');
    expect(body.reasons.map((r) => r.code)).toContain('CARD_TESTING_CASHOUT');
  });

  it('warns the buyer, in Chinese and English, about a gouged price', async () => {
    const { call, features } = setup();
    const day = Math.floor(NOW / DAY);
    for (let d = day - 10; d < day - 1; d++) {
      await features.prices.add([{ key: `sku:CNY:sku-mask:${d}`, observationId: `h-${d}`, unitPrice: 1_000, units: 10, ttlMs: 60 * DAY }]);
    }

    const { body } = await call(request(candidate({ items: [{ skuId: 'sku-mask', category: 'health.masks', quantity: 1, unitPrice: 3_400 }] })));

    expect(body.decision).toBe('review');
    expect(body.warnings).toEqual([
      {
        type: 'price_gouging',
        severity: 'warning',
        skuId: 'sku-mask',
        message: { zh: expect.stringContaining('3.4 倍'), en: expect.stringMatching(/^This price is 3\.4 times what this item usually sells for/) },
      },
    ]);
  });

  it('gives a retried request (same Idempotency-Key and body) the same answer, and refuses the key with another body', async () => {
    const { call } = setup();
    const headers = { 'idempotency-key': 'checkout-7f3a' };

    const first = await call(request(candidate(), headers));
    const retry = await call(request(candidate(), headers));
    const reused = await call(request(candidate({ amount: 99 }), headers));

    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(reused.status).toBe(422);
    expect(reused.body.error).toBe('idempotency_key_reused');
  });

  it.each(['hang', 'fail'] as const)('answers degraded, never 500, when Redis does not answer (%s): fail-open for a small order', async (mode) => {
    const { call } = setup({ features: brokenStore(mode), config: { ...defaultThresholds, riskScore: { ...defaultThresholds.riskScore, featureBudgetMs: 5 } } });

    const { status, body } = await call(request(candidate({ amount: 5_000 })));

    expect(status).toBe(200);
    expect(body).toMatchObject({ degraded: true, decision: 'allow' });
    expect(body.degradedReasons).toEqual([expect.stringMatching(mode === 'hang' ? /^payment velocity: no answer within 5 ms/ : /^payment velocity: connect ECONNREFUSED/)]);
  });

  it('says the budget was spent before the features were read (a slow cold config read), not a negative wait', async () => {
    let clock = NOW;
    const slowConfig = {
      current: async () => {
        clock += defaultThresholds.riskScore.featureBudgetMs + 20;
        return defaultThresholds;
      },
    };
    const score = makeRiskScorer({ features: brokenStore('hang'), config: slowConfig as unknown as StaticConfigSource, decisions: new MemoryDecisionLog(), now: () => clock });

    const answer = await score({ ...candidate(), schemaVersion: 1, kind: 'order', type: 'order.placed' } as never, 'd-1');

    expect(answer.degraded).toBe(true);
    expect(answer.degradedReasons).toEqual(['payment velocity: no time left in the budget']);
  });

  it('fails closed for an order at or above the configured amount, saying so in the reasons', async () => {
    const { call } = setup({ features: brokenStore('fail') });

    const { body } = await call(request(candidate({ amount: defaultThresholds.riskScore.onDegraded.closedFromAmount! })));

    expect(body).toMatchObject({ degraded: true, decision: 'review' });
    expect(body.reasons.map((r) => r.code)).toEqual(['DEGRADED_FAIL_CLOSED']);
  });
});
