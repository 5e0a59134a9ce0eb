/** The review pipeline on the real Redis feature store: the ring is flagged, the viral product is not. */
import { describe, expect, it } from 'vitest';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { redisOrSkip, suiteRedis } from '../support/redis';
import { byTime, reviewRing, reviewWorld, viralProduct } from '../support/reviewWorld';

const available = await redisOrSkip('review pipeline on Redis');

describe.skipIf(!available)('review pipeline on Redis', () => {
  const { redis, newPrefix } = suiteRedis(available);
  const prefix = newPrefix();

  it('flags the ring and not the viral product, with the same weights as in memory', async () => {
    const ring = reviewRing({});
    const viral = viralProduct({ buyers: 60 });
    const traffic = byTime([...viral.events, ...ring.events]);
    const onRedis = reviewWorld({ features: createRedisFeatureStore(redis, { prefix }) });
    const inMemory = reviewWorld();

    const failed = await onRedis.deliver(traffic, 40);
    await inMemory.deliver(traffic, 40);

    expect(failed).toBe(0);
    expect(onRedis.fakeReviews().map((v) => v.merchantId)).toEqual([ring.merchantId]);
    expect(onRedis.fakeReviews()).toEqual(inMemory.fakeReviews());
    expect(await onRedis.trustOf([...ring.reviewIds, ...viral.reviewIds])).toEqual(await inMemory.trustOf([...ring.reviewIds, ...viral.reviewIds]));
  });
});
