import type { Redis } from 'ioredis';
import { asDependency } from '../../errors';
import type { IdempotencyStore } from '../../ports';

/** Redis IdempotencyStore: SET NX with a TTL, so the first answer for a key wins. */
export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'rl',
  ) {}

  private key(key: string) {
    return `${this.prefix}:idem:${key}`;
  }

  async get(key: string) {
    const raw = await asDependency('redis', () => this.redis.get(this.key(key)));
    return raw === null ? undefined : (JSON.parse(raw) as { fingerprint: string; response: string });
  }

  async putIfAbsent(key: string, value: { fingerprint: string; response: string }, ttlSeconds: number) {
    const stored = await asDependency('redis', () => this.redis.set(this.key(key), JSON.stringify(value), 'EX', ttlSeconds, 'NX'));
    if (stored === 'OK') return value;
    return (await this.get(key)) ?? value;
  }
}
