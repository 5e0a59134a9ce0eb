/** In-memory WindowedSets and PriceHistograms, the twins of the Redis ones (same contract suite). */
import type { PriceHistograms, PriceObservation, SetAnswer, SetQuery, WindowedSets } from '../../ports';
import { lowerBound, upperBound } from './sortedArray';

/**
 * A set of members, each with its latest time, in time order. Kept compact because the replay holds
 * millions of them (every payment is in about ten): two parallel arrays sorted by time (times as
 * unboxed doubles), and a member index only once the set is big enough for a linear scan to cost
 * more than the index does. Most sets (one buyer's payments, one device's buyers) hold a few members.
 */
const INDEX_FROM = 16;

class ScoredSet {
  // Created holding its first member, as one-element arrays: an array grown by push from empty
  // reserves 16 slots, and most sets never get a second member.
  private members: string[];
  private times: number[];
  /** member -> time, built once the set holds INDEX_FROM members. */
  private index: Map<string, number> | undefined;

  constructor(member: string, time: number) {
    this.members = [member];
    this.times = [time];
  }

  get size(): number {
    return this.members.length;
  }

  timeOf(member: string): number | undefined {
    if (this.index) return this.index.get(member);
    for (let i = this.members.length - 1; i >= 0; i--) if (this.members[i] === member) return this.times[i];
    return undefined;
  }

  addLatest(member: string, time: number): void {
    const old = this.timeOf(member);
    if (old !== undefined) {
      if (old >= time) return;
      for (let i = this.firstAtOrAfter(old); i < this.members.length && this.times[i] === old; i++) {
        if (this.members[i] === member) {
          this.members.splice(i, 1);
          this.times.splice(i, 1);
          break;
        }
      }
    }
    this.index?.set(member, time);
    const n = this.times.length;
    // Events mostly arrive in time order: appending is the common case.
    if (n === 0 || this.times[n - 1]! <= time) {
      this.members.push(member);
      this.times.push(time);
    } else {
      const at = this.firstAfter(time);
      this.members.splice(at, 0, member);
      this.times.splice(at, 0, time);
    }
    if (!this.index && this.members.length >= INDEX_FROM) {
      this.index = new Map();
      for (let i = 0; i < this.members.length; i++) this.index.set(this.members[i]!, this.times[i]!);
    }
  }

  trimBefore(minTime: number): void {
    const cut = this.firstAtOrAfter(minTime);
    if (cut === 0) return;
    const dropped = this.members.splice(0, cut);
    this.times.splice(0, cut);
    if (this.index) for (const m of dropped) this.index.delete(m);
  }

  countSince(minTime: number): number {
    return this.times.length - this.firstAtOrAfter(minTime);
  }

  private firstAtOrAfter(time: number): number {
    return lowerBound(this.times, time, byValue);
  }

  private firstAfter(time: number): number {
    return upperBound(this.times, time, byValue);
  }
}

const byValue = (t: number) => t;

export class MemoryWindowedSets implements WindowedSets {
  private readonly sets = new Map<string, ScoredSet>();

  async run(queries: readonly SetQuery[]): Promise<SetAnswer[]> {
    return queries.map((q) => ({
      probes: q.probes.map((p) => {
        let set = this.sets.get(p.key);
        const known = p.checkKnown === true && set !== undefined && set.timeOf(p.member) !== undefined;
        if (q.record && p.add) {
          if (set) set.addLatest(p.member, q.atMs);
          else this.sets.set(p.key, (set = new ScoredSet(p.member, q.atMs)));
          if (p.trim !== false) {
            set.trimBefore(q.atMs - (p.ttlMs ?? q.ttlMs));
            if (set.size === 0) this.sets.delete(p.key); // as Redis drops an emptied key
          }
        }
        return { known, counts: p.countSince.map((since) => set?.countSince(since) ?? 0) };
      }),
    }));
  }
}

const EMPTY_HISTOGRAM: ReadonlyMap<number, number> = new Map();

export class MemoryPriceHistograms implements PriceHistograms {
  /** Per key: the histogram (unit price -> units) and the observation ids already counted in it. */
  private readonly byKey = new Map<string, { histogram: Map<number, number>; seen: Set<string> }>();

  async add(observations: readonly PriceObservation[]): Promise<void> {
    for (const o of observations) {
      let entry = this.byKey.get(o.key);
      if (!entry) this.byKey.set(o.key, (entry = { histogram: new Map(), seen: new Set() }));
      if (entry.seen.has(o.observationId)) continue;
      entry.seen.add(o.observationId);
      entry.histogram.set(o.unitPrice, (entry.histogram.get(o.unitPrice) ?? 0) + o.units);
    }
  }

  async read(keys: readonly string[]): Promise<ReadonlyMap<number, number>[]> {
    // Read-only views (no copy): the reader folds them into a median at once.
    return keys.map((k) => this.byKey.get(k)?.histogram ?? EMPTY_HISTOGRAM);
  }
}
