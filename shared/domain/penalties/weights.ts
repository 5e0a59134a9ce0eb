/** Weighted, decayed violation counts: the numbers the ladder and the credit score are built on. */
import type { ViolationType } from '../records';
import { DAY_MS, VIOLATION_TYPES, type PenaltyPolicy } from './policy';

/** What the counts need of a violation. */
export interface Strike {
  type: ViolationType;
  atMs: number;
}

export interface WeightedCounts {
  total: number;
  byType: Record<ViolationType, number>;
  /** Violations inside the window (unweighted). */
  violations: number;
}

/** 1 for a fresh strike, 1/2 after one half-life, ...; a strike from the future weighs nothing. */
export function decayFactor(ageMs: number, halfLifeDays: number): number {
  if (ageMs < 0) return 0;
  return Math.pow(2, -ageMs / (halfLifeDays * DAY_MS));
}

/**
 * Each strike at most `windowDays` old (all, when omitted) at `nowMs` counts its type's weight,
 * decayed by its age: `typeWeight * 2^(-age / halfLife)`.
 */
export function weightedCounts(strikes: Iterable<Strike>, nowMs: number, policy: PenaltyPolicy, windowDays?: number): WeightedCounts {
  const byType = Object.fromEntries(VIOLATION_TYPES.map((t) => [t, 0])) as Record<ViolationType, number>;
  let total = 0;
  let violations = 0;
  for (const s of strikes) {
    const age = nowMs - s.atMs;
    if (age < 0 || (windowDays !== undefined && age > windowDays * DAY_MS)) continue;
    const w = (policy.typeWeights[s.type] ?? 0) * decayFactor(age, policy.halfLifeDays);
    byType[s.type] += w;
    total += w;
    violations++;
  }
  return { total, byType, violations };
}

/** A count for people: two decimals, no float noise. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
