/** In-memory WindowedSets and PriceHistograms, the twins of the Redis ones (same contract suite). */
import type { PriceHistograms, PriceObservation, SetAnswer, SetQuery, WindowedSets } from '../../ports';
import { lowerBound } from './sortedArray';

interface Entry {
  member: string;
  score: number;
}

class ScoredSet {
  readonly scores = new Map<string, number>();
  /** Sorted by score. */
  readonly sorted: Entry[] = [];

  addLatest(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old >= score) return;
      const from = lowerBound(this.sorted, old, (e) => e.score);
      for (let i = from; i < this.sorted.length && this.sorted[i]!.score === old; i++) {
        if (this.sorted[i]!.member === member) {
          this.sorted.splice(i, 1);
          break;
        }
      }
    }
    this.scores.set(member, score);
    const at = lowerBound(this.sorted, score, (e) => e.score);
    this.sorted.splice(at, 0, { member, score });
  }

  trimBefore(minScore: number): void {
    const cut = lowerBound(this.sorted, minScore, (e) => e.score);
    if (cut === 0) return;
    for (const e of this.sorted.splice(0, cut)) this.scores.delete(e.member);
  }

  countSince(minScore: number): number {
    return this.sorted.length - lowerBound(this.sorted, minScore, (e) => e.score);
  }
}

export class MemoryWindowedSets implements WindowedSets {
  private readonly sets = new Map<string, ScoredSet>();

  async run(queries: readonly SetQuery[]): Promise<SetAnswer[]> {
    return queries.map((q) => ({
      probes: q.probes.map((p) => {
        let set = this.sets.get(p.key);
        const known = p.checkKnown === true && (set?.scores.has(p.member) ?? false);
        if (q.record && p.add) {
          if (!set) {
            set = new ScoredSet();
            this.sets.set(p.key, set);
          }
          set.addLatest(p.member, q.atMs);
          if (p.trim !== false) set.trimBefore(q.atMs - (p.ttlMs ?? q.ttlMs));
        }
        return { known, counts: p.countSince.map((since) => set?.countSince(since) ?? 0) };
      }),
    }));
  }
}

export class MemoryPriceHistograms implements PriceHistograms {
  private readonly histograms = new Map<string, Map<number, number>>();
  private readonly seen = new Map<string, Set<string>>();

  async add(observations: readonly PriceObservation[]): Promise<void> {
    for (const o of observations) {
      const seen = this.seen.get(o.key) ?? new Set<string>();
      this.seen.set(o.key, seen);
      if (seen.has(o.observationId)) continue;
      seen.add(o.observationId);
      const h = this.histograms.get(o.key) ?? new Map<number, number>();
      this.histograms.set(o.key, h);
      h.set(o.unitPrice, (h.get(o.unitPrice) ?? 0) + o.units);
    }
  }

  async read(keys: readonly string[]): Promise<Map<number, number>[]> {
    return keys.map((k) => new Map(this.histograms.get(k) ?? []));
  }
}
