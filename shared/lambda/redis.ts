/**
 * The functions' Redis client, from the environment: `REDIS_URL`, and in AWS the ElastiCache user to
 * sign in as with IAM (`REDIS_IAM_USER`, `REDIS_CACHE_NAME`; the region is Lambda's `AWS_REGION`).
 * Without `REDIS_IAM_USER` (locally) the URL is used as it is.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { Redis, type RedisOptions } from 'ioredis';
import { elastiCacheIamRefresher, type RedisTokenRefresher } from '../adapters/redis/iamAuth';
import { FEATURE_STORE } from '../resources';
import type { Log } from './kinesisConsumer';

export interface FunctionRedis {
  redis: Redis;
  /**
   * Call before each invocation: makes sure a (re)connect would authenticate. Never throws. Waits at
   * most `maxWaitMs` for a new token: a token is refreshed at a third of its life, so the previous one
   * still serves while the signing finishes in the background.
   */
  beforeInvoke: (maxWaitMs?: number) => Promise<void>;
}

export function redisFromEnv(
  options: RedisOptions,
  log: Log,
  env: NodeJS.ProcessEnv = process.env,
  /** Who signs the tokens; default the function's own credentials (the default provider chain). */
  credentials?: AwsCredentialIdentityProvider,
): FunctionRedis {
  const url = env[FEATURE_STORE.urlEnvVar];
  if (!url) throw new Error(`environment variable ${FEATURE_STORE.urlEnvVar} is required`);
  const userId = env[FEATURE_STORE.iamUserEnvVar];
  if (!userId) return { redis: new Redis(url, options), beforeInvoke: async () => {} };

  const cacheName = env[FEATURE_STORE.cacheNameEnvVar];
  const region = env.AWS_REGION;
  if (!cacheName || !region) throw new Error(`${FEATURE_STORE.iamUserEnvVar} is set: ${FEATURE_STORE.cacheNameEnvVar} and AWS_REGION are required too`);
  // Lazy: the first connect waits for the first token (beforeInvoke), instead of trying without one.
  const redis = new Redis(url, { ...options, username: userId, lazyConnect: true });
  const refresher: RedisTokenRefresher = elastiCacheIamRefresher(redis, { cacheName, userId, region, ...(credentials ? { credentials } : {}) });
  return {
    redis,
    beforeInvoke: async (maxWaitMs = Number.POSITIVE_INFINITY) => {
      const refreshed = refresher.fresh().catch((error: unknown) => {
        // The previous token (if any) is still sent; a connect that fails for it fails as any Redis
        // fault does: the consumers' batch is retried, the risk score answers degraded.
        log.error('could not sign a feature-store auth token', { error });
      });
      if (maxWaitMs === Number.POSITIVE_INFINITY) return refreshed;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)));
      try {
        await Promise.race([refreshed, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Wraps a Lambda handler so that every invocation first refreshes the store's auth token, waiting at
 * most `maxWaitMs` for it (the checkout's risk score must not spend its time budget on signing).
 */
export function withFreshRedisAuth<E, C, R>(
  redis: FunctionRedis,
  handler: (event: E, context: C) => Promise<R>,
  options: { maxWaitMs?: number } = {},
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    await redis.beforeInvoke(options.maxWaitMs);
    return handler(event, context);
  };
}
