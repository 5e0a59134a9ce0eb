import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { RedisOpenOrders } from '../../shared/adapters/redis/openOrders';
import { describeOpenOrdersContract } from '../contract/openOrders.contract';
import { dropPrefix, REDIS_URL, redisOrSkip } from '../support/redis';

const available = await redisOrSkip('Redis OpenOrders contract');

describe.skipIf(!available)('Redis OpenOrders (real server)', () => {
  const redis = available ? new Redis(REDIS_URL) : (undefined as unknown as Redis);
  const prefixes: string[] = [];

  afterAll(async () => {
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    redis.disconnect();
  });

  describeOpenOrdersContract('redis', async () => {
    const prefix = `rltest-${randomUUID()}`;
    prefixes.push(prefix);
    return new RedisOpenOrders(redis, prefix);
  });
});
