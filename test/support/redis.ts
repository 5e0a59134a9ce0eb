/**
 * Tests that need a Redis server use the one at REDIS_URL or 127.0.0.1:6379. On a machine without
 * one they skip with a one-line reason; under CI=true a missing server fails instead.
 */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env.CI === 'true';

export async function probeRedis(url = REDIS_URL): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Redis server answers at ${url} (${(error as Error).message})` };
  } finally {
    client.disconnect();
  }
}

/** Resolves to true when Redis is there; logs the skip reason, or throws under CI. */
export async function redisOrSkip(suite: string): Promise<boolean> {
  const probe = await probeRedis();
  if (probe.ok) return true;
  if (IN_CI) throw new Error(`${suite}: ${probe.reason}, and CI=true requires it`);
  console.warn(`skipping ${suite}: ${probe.reason}`);
  return false;
}

/** Deletes every key under a test prefix. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
