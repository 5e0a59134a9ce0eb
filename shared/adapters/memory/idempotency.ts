import type { IdempotencyStore } from '../../ports';

/** In-memory IdempotencyStore; expiry follows the injected clock. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { value: { fingerprint: string; response: string }; expiresAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string) {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return entry.value;
  }

  async putIfAbsent(key: string, value: { fingerprint: string; response: string }, ttlSeconds: number) {
    const existing = await this.get(key);
    if (existing) return existing;
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return value;
  }
}
