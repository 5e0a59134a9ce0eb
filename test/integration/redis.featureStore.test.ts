import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { describeFeatureStoreContract } from '../contract/featureStore.contract';
import { dropPrefix, REDIS_URL, redisOrSkip } from '../support/redis';

const available = await redisOrSkip('Redis FeatureStore contract');

describe.skipIf(!available)('Redis adapter (real server)', () => {
  const redis = available ? new Redis(REDIS_URL) : (undefined as unknown as Redis);
  const prefixes: string[] = [];

  afterAll(async () => {
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  describeFeatureStoreContract('redis', async () => {
    const prefix = `rltest-${randomUUID()}`;
    prefixes.push(prefix);
    return createRedisFeatureStore(redis, { prefix });
  });
});
