import { describe } from 'vitest';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { describeFeatureStoreContract } from '../contract/featureStore.contract';
import { redisOrSkip, suiteRedis } from '../support/redis';

const available = await redisOrSkip('Redis FeatureStore contract');

describe.skipIf(!available)('Redis adapter (real server)', () => {
  const { redis, newPrefix } = suiteRedis(available);
  describeFeatureStoreContract('redis', async () => createRedisFeatureStore(redis, { prefix: newPrefix() }));
});
