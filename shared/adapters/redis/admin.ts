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

/** Deletes every key under a prefix (a run's, a test's or a benchmark's), with SCAN (never KEYS) and UNLINK (freed off the main thread). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * A warning when the server may evict keys under memory pressure. Every feature-store key has a TTL,
 * so any policy but `noeviction` can silently drop live state (processed eventIds, brushing history).
 * Null when the policy is `noeviction`, or when the server does not say (managed services disable
 * CONFIG: there the infrastructure sets the policy, as the CDK stack does).
 */
export async function evictionWarning(redis: Redis): Promise<string | null> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    return null;
  }
  if (policy === undefined || policy === 'noeviction') return null;
  return `maxmemory-policy is ${policy}: under memory pressure this server would evict live feature state; set it to noeviction`;
}
