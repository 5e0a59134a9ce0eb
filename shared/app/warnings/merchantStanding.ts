/**
 * MerchantStanding read from the penalty workflow's cases (PenaltyCases: DynamoDB in AWS), cached in
 * the process for a short while: the order stream asks about the same shops batch after batch, and a
 * suspension reaching buyers' warnings a minute late is fine (the penalty itself is not delayed).
 */
import { mapBounded } from '../../adapters/dynamodb/concurrency';
import type { MerchantRestriction } from '../../domain/warnings/policy';
import type { MerchantStanding, PenaltyCases } from '../../ports';

export interface PenaltyCaseStandingOptions {
  /** How long an answer is reused. Default 60 s. */
  ttlMs?: number;
  now?: () => number;
  /** Entries kept at most. Default 10,000. */
  maxEntries?: number;
}

export class PenaltyCaseStanding implements MerchantStanding {
  private readonly cache = new Map<string, { restriction: MerchantRestriction | null; atMs: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly cases: Pick<PenaltyCases, 'load'>,
    options: PenaltyCaseStandingOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async of(merchantIds: readonly string[]): Promise<Map<string, MerchantRestriction>> {
    const nowMs = this.now();
    const unique = [...new Set(merchantIds)];
    const stale = unique.filter((id) => {
      const hit = this.cache.get(id);
      return hit === undefined || nowMs - hit.atMs >= this.ttlMs;
    });
    const loaded = await mapBounded(stale, 16, (id) => this.cases.load(id));
    stale.forEach((id, n) => {
      const record = loaded[n];
      if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, { restriction: record ? { level: record.state.level, blacklisted: record.state.blacklisted } : null, atMs: nowMs });
    });
    const out = new Map<string, MerchantRestriction>();
    for (const id of unique) {
      const restriction = this.cache.get(id)?.restriction;
      if (restriction) out.set(id, restriction);
    }
    return out;
  }
}
