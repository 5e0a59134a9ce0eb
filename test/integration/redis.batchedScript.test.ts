import { describe, expect, it } from 'vitest';
import { BatchedScript } from '../../shared/adapters/redis/batchedScript';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { evictionWarning } from '../../shared/adapters/redis/admin';
import { redisOrSkip, suiteRedis } from '../support/redis';

const available = await redisOrSkip('Redis batched scripts');

describe.skipIf(!available)('BatchedScript (real server)', () => {
  const { redis, newPrefix } = suiteRedis(available);
  const prefix = newPrefix();

  // Appends ARGV[1] to the list at KEYS[1] and returns the list so far: order-sensitive, so a
  // reordered or skipped call shows in the answers.
  const APPEND = `
redis.call('RPUSH', KEYS[1], ARGV[1])
expire(KEYS[1], ARGV[2])
if ARGV[1] == 'nil' then return nil end
return redis.call('LRANGE', KEYS[1], 0, -1)
`;

  it('runs every call in order across chunks, one answer per call, nil answers kept in place', async () => {
    const script = new BatchedScript<string[] | null>(redis, 'rlTestAppend', APPEND, 3);
    const key = `${prefix}:list`;
    const values = ['a', 'b', 'nil', 'c', 'd', 'e', 'f'];
    const answers = await script.run(values.map((v) => ({ keys: [key], args: [v, '60000'] })));
    expect(answers).toEqual([['a'], ['a', 'b'], null, ['a', 'b', 'nil', 'c'], ['a', 'b', 'nil', 'c', 'd'], ['a', 'b', 'nil', 'c', 'd', 'e'], ['a', 'b', 'nil', 'c', 'd', 'e', 'f']]);
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
  });

  it('refreshes a key once per chunk per TTL, but a different TTL for the same key still applies', async () => {
    const script = new BatchedScript<string[] | null>(redis, 'rlTestAppend', APPEND, 10);
    const key = `${prefix}:ttl`;
    await script.run([
      { keys: [key], args: ['x', '60000'] },
      { keys: [key], args: ['y', '60000'] },
      { keys: [key], args: ['z', '5000'] },
    ]);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });

  it('answers an empty list of calls without a round trip', async () => {
    const script = new BatchedScript<unknown>(redis, 'rlTestAppend', APPEND);
    expect(await script.run([])).toEqual([]);
  });
});

describe.skipIf(!available)('Redis processed events, one set per day (real server)', () => {
  const { redis, newPrefix } = suiteRedis(available);
  const prefix = newPrefix();

  it('remembers an eventId across days for the TTL, and only for the TTL', async () => {
    const DAY = 86_400_000;
    // Today, 23:00 UTC: the sets' expiry is wall-clock time in Redis, so the clock starts at today.
    let now = Math.floor(Date.now() / DAY) * DAY + 23 * 3_600_000;
    const store = createRedisFeatureStore(redis, { prefix, processedTtlMs: 2 * DAY, now: () => now });
    await store.processed.markProcessed(['e1', 'e2']);
    expect([...(await store.processed.unprocessed(['e1', 'e2', 'e3']))]).toEqual(['e3']);

    now += 2 * DAY; // two days later: still within the TTL
    expect([...(await store.processed.unprocessed(['e1', 'e3']))]).toEqual(['e3']);
    await store.processed.markProcessed(['e3']);

    now += DAY; // three days after e1: past its TTL, e3 is still remembered
    expect([...(await store.processed.unprocessed(['e1', 'e3']))]).toEqual(['e1']);
  });

  it('checks and marks more ids than Lua can unpack at once', async () => {
    const store = createRedisFeatureStore(redis, { prefix: `${prefix}:many` });
    const ids = Array.from({ length: 2_500 }, (_, n) => `m${n}`);
    await store.processed.markProcessed(ids.slice(0, 1_700));
    const unseen = await store.processed.unprocessed(ids);
    expect(unseen.size).toBe(800);
    expect(unseen.has('m1699')).toBe(false);
    expect(unseen.has('m1700')).toBe(true);
  });
});

describe.skipIf(!available)('Redis eviction policy check (real server)', () => {
  const { redis } = suiteRedis(available);

  it('warns when the server may evict, and is silent under noeviction', async () => {
    const [, original] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    try {
      // maxmemory is 0 on the test server, so the policy is never applied while the test runs.
      await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await evictionWarning(redis)).toMatch(/maxmemory-policy is allkeys-lru: .*set it to noeviction/);
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
      expect(await evictionWarning(redis)).toBeNull();
    } finally {
      await redis.config('SET', 'maxmemory-policy', original);
    }
  });
});
