/**
 * Which feature store the local runtime uses: the Redis server at REDIS_URL when it is set and
 * answers, otherwise the in-memory one, and a sentence saying which and why (the first line
 * `npm start` prints). A Redis run keeps its keys under a prefix of its own and removes them at the end,
 * so runs never see each other's state (the same seed replays the same event ids).
 */
import { Redis } from 'ioredis';
import { createMemoryFeatureStore } from '../adapters/memory/featureStore';
import { MemoryIdempotencyStore } from '../adapters/memory/idempotency';
import { dropPrefix, evictionWarning } from '../adapters/redis/admin';
import { createRedisFeatureStore } from '../adapters/redis/featureStore';
import { RedisIdempotencyStore } from '../adapters/redis/idempotency';
import type { FeatureStore, IdempotencyStore } from '../ports';

export interface FeatureStoreChoice {
  kind: 'redis' | 'memory';
  store: FeatureStore;
  idempotency: IdempotencyStore;
  /** e.g. "feature store: in-memory (REDIS_URL is not set; ...)" */
  why: string;
  /** Removes the run's keys (Redis) and closes connections. */
  close(): Promise<void>;
}

export interface ChooseOptions {
  /** Usually process.env.REDIS_URL. */
  redisUrl: string | undefined;
  /** Key prefix for this run. */
  prefix: string;
  connectTimeoutMs?: number;
}

export async function chooseFeatureStore(options: ChooseOptions): Promise<FeatureStoreChoice> {
  const url = options.redisUrl?.trim();
  if (!url) {
    return memory('REDIS_URL is not set; run `REDIS_URL=redis://127.0.0.1:6379 npm start` to use a Redis server');
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 1_500,
    commandTimeout: 5_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    return memory(`REDIS_URL=${redact(url)} is set but no server answers there (${(error as Error).message || (error as Error).name})`);
  }
  // Connected: from now on a dropped connection is retried (the consumers retry their batches meanwhile).
  redis.options.retryStrategy = (times) => Math.min(100 * times, 2_000);
  const store = createRedisFeatureStore(redis, { prefix: options.prefix });
  const warning = await evictionWarning(redis);
  return {
    kind: 'redis',
    store,
    idempotency: new RedisIdempotencyStore(redis, options.prefix),
    why: `feature store: Redis at ${redact(url)} (REDIS_URL is set; this run's keys live under ${options.prefix}:* and are removed at exit)${warning ? `; WARNING: ${warning}` : ''}`,
    close: async () => {
      try {
        await dropPrefix(redis, options.prefix);
      } finally {
        await store.close();
        redis.disconnect();
      }
    },
  };
}

function memory(reason: string): FeatureStoreChoice {
  const store = createMemoryFeatureStore();
  return {
    kind: 'memory',
    store,
    idempotency: new MemoryIdempotencyStore(),
    why: `feature store: in-memory (${reason})`,
    close: () => store.close(),
  };
}

/** The URL without its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
