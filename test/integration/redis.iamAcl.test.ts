/**
 * The functions sign in to the feature store as one ACL user (in AWS an ElastiCache IAM user, whose
 * password is a 15-minute token). On a real server: the order pipeline, the checkout's risk score and
 * its idempotency store work under exactly the ACL the CDK app gives that user, and a client whose
 * token is refreshed keeps working across a password rotation and a dropped connection.
 */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { RedisIdempotencyStore } from '../../shared/adapters/redis/idempotency';
import { RedisTokenRefresher } from '../../shared/adapters/redis/iamAuth';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { makeRiskScorer } from '../../shared/app/riskScore';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { CandidateOrderSchema } from '../../shared/contracts/riskScore';
import { featureStoreAccessString } from '../../shared/resources';
import { kinesisEvent, lambdaContext } from '../support/kinesis';
import { orderEvent } from '../support/orders';
import { REDIS_URL, redisOrSkip, suiteRedis } from '../support/redis';

const available = await redisOrSkip('Redis ACL and token refresh');

/** Placed and paid orders with every field the detectors keep features for. */
function orders(n: number, tag: string): OrderEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const base = {
      orderId: `o-${tag}-${i}`,
      merchantId: `m-${i % 3}`,
      buyer: { id: `b-${i % 5}`, accountCreatedAt: '2025-01-01T00:00:00Z' },
      amount: 2_000,
      items: [{ skuId: `sku-${i % 4}`, category: 'health.masks', quantity: 1, unitPrice: 2_000 }],
      device: { id: `d-${i % 5}`, ip: '10.0.0.1', ipCountry: 'CN' },
      shipping: { addressId: `a-${i % 5}`, country: 'CN', fee: 0 },
    };
    const at = (min: number) => new Date(Date.parse('2026-11-28T08:00:00Z') + (i * 2 + min) * 60_000).toISOString();
    return [
      orderEvent({ ...base, eventId: `e-${tag}-${i}-p`, type: 'order.placed', at: at(0) }),
      orderEvent({ ...base, eventId: `e-${tag}-${i}-y`, type: 'order.paid', at: at(1), payment: { method: 'card', instrumentId: `pi-${i % 5}`, status: 'captured' } }),
    ];
  }).flat();
}

describe.skipIf(!available)('the functions’ Redis user (real server)', () => {
  const { redis: admin, newPrefix } = suiteRedis(available);
  const prefix = newPrefix();
  const user = `rltest-user-${randomUUID()}`;
  let token = 'token-1';
  let now = 0;
  const clients: Redis[] = [];

  const setPassword = (password: string) => admin.call('ACL', 'SETUSER', user, 'reset', `>${password}`, ...featureStoreAccessString(prefix).split(' '));
  /** A client as the functions build it: lazy, the user name set, the password from the refresher. */
  function functionClient() {
    const redis = new Redis(REDIS_URL, { username: user, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    clients.push(redis);
    return { redis, refresher: new RedisTokenRefresher(redis, { token: async () => token, refreshAfterMs: 5 * 60_000, now: () => now }) };
  }
  function consumer(redis: Redis) {
    const pipeline = createOrderPipeline({
      features: createRedisFeatureStore(redis, { prefix }),
      decisions: new MemoryDecisionLog(),
      violations: new MemoryViolationLedger(),
      config: new StaticConfigSource(defaultThresholds),
    });
    return makeOrderStreamHandler({ pipeline, quarantine: new MemoryQuarantine() });
  }

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    if (available) await admin.call('ACL', 'DELUSER', user);
  });

  it('runs the order pipeline, the risk score and its idempotency store under the ACL, and nothing outside it', async () => {
    await setPassword(token);
    const { redis, refresher } = functionClient();
    await refresher.fresh();
    const handler = consumer(redis);

    const events = orders(30, 'a');
    const first = (await handler(kinesisEvent(events), lambdaContext)) as KinesisStreamBatchResponse;
    expect(first.batchItemFailures).toEqual([]);
    expect((await admin.keys(`${prefix}:*`)).length).toBeGreaterThan(20);

    const decisions = new MemoryDecisionLog();
    const score = makeRiskScorer({ features: createRedisFeatureStore(redis, { prefix }), config: new StaticConfigSource(defaultThresholds), decisions, now: () => Date.parse('2026-11-29T08:00:00Z') });
    const { eventId: _eventId, label: _label, ...paid } = events[1]!;
    const answer = await score(CandidateOrderSchema.parse({ ...paid, orderId: 'o-checkout', type: 'order.placed' }), 'decision-1');
    expect(answer.degraded).toBe(false);

    const idempotency = new RedisIdempotencyStore(redis, prefix);
    expect(await idempotency.putIfAbsent('k1', { fingerprint: 'f', response: '{}' }, 60)).toBeTruthy();

    await expect(redis.get('elsewhere:key')).rejects.toThrow(/NOPERM/);
    await expect(redis.flushall()).rejects.toThrow(/NOPERM/);
    await expect(redis.keys('*')).rejects.toThrow(/NOPERM/);
  });

  it('reconnects with a fresh token after the password rotates and the connection drops; a stale token is refused', async () => {
    token = 'token-2';
    await setPassword(token);
    const { redis, refresher } = functionClient();
    await refresher.fresh();
    const stale = functionClient();
    const staleErrors: Error[] = [];
    stale.redis.on('error', (error: Error) => staleErrors.push(error));
    await stale.refresher.fresh();
    expect(await redis.ping()).toBe('PONG');
    expect(await stale.redis.ping()).toBe('PONG');

    // The token expires: the server now wants a newer one, and drops the user's connections.
    token = 'token-3';
    await setPassword(token);
    await admin.call('CLIENT', 'KILL', 'USER', user);

    now += 5 * 60_000; // the functions' client refreshes before its next invocation; the stale one never does
    await refresher.fresh();
    const second = (await consumer(redis)(kinesisEvent(orders(10, 'b')), lambdaContext)) as KinesisStreamBatchResponse;
    expect(second.batchItemFailures).toEqual([]);
    expect(redis.options.password).toBe('token-3');

    await expect(stale.redis.ping()).rejects.toThrow();
    expect(staleErrors.map((e) => e.message)).toContainEqual(expect.stringMatching(/^WRONGPASS/));
  });
});
