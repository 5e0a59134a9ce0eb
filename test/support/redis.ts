/**
 * Tests that need a Redis server use the one at REDIS_URL or 127.0.0.1:6379. On a machine without
 * one they skip with a one-line reason; under CI=true a missing server fails instead.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { dropPrefix, probeRedis } from '../../shared/adapters/redis/admin';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env.CI === 'true';

/** Resolves to true when Redis is there; logs the skip reason, or throws under CI. */
export async function redisOrSkip(suite: string): Promise<boolean> {
  const probe = await probeRedis(REDIS_URL);
  if (probe.ok) return true;
  if (IN_CI) throw new Error(`${suite}: ${probe.reason}, and CI=true requires it`);
  console.warn(`skipping ${suite}: ${probe.reason}`);
  return false;
}

export { dropPrefix };

/**
 * One connection for a suite (call it in the suite's describe): `newPrefix()` hands out fresh key
 * prefixes, and after the suite every key under them is dropped and the connection closed.
 */
export function suiteRedis(available: boolean): { redis: Redis; newPrefix(): string } {
  const redis = available ? new Redis(REDIS_URL) : (undefined as unknown as Redis);
  const prefixes: string[] = [];
  afterAll(async () => {
    if (!available) return;
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    redis.disconnect();
  });
  return {
    redis,
    newPrefix: () => {
      const prefix = `rltest-${randomUUID()}`;
      prefixes.push(prefix);
      return prefix;
    },
  };
}
