/** Small Redis administration helpers shared by the runtime, the benchmark and the tests. */
import { Redis } from 'ioredis';

/** Whether a Redis server answers at `url` within a second; never throws. */
export async function probeRedis(url: string): Promise<{ ok: true } | { ok: false; reason: string }> {
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

/** Deletes every key under a prefix (a test run's or a benchmark's), with SCAN, never KEYS. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
