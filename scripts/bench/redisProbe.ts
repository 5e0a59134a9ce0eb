import { Redis } from 'ioredis';

/** Whether a Redis server answers at `url`, within a second. */
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
