/**
 * A review's trust weight: what a product page multiplies the review by (1 = an ordinary review of a
 * verified purchase, near 0 = part of a ring). It is the product of one factor per signal family,
 * each 1 when its signal is silent, so a weight can be read back into the signals that lowered it.
 *
 * Factors are merged two ways, so that the order in which judgements arrive does not matter:
 * - `purchase` and `timing` depend on the order's facts, which can arrive after the review or change
 *   (a refund). They carry the version of the facts they were judged on; the latest facts win.
 * - `burst`, `ring` and `text` only ever learn more (a ring found later lowers its earlier members):
 *   the lowest value wins.
 * Pure.
 */
import type { ReasonCode } from '../reasons';

export const TRUST_FACTORS = ['purchase', 'timing', 'burst', 'ring', 'text'] as const;
export type TrustFactorName = (typeof TRUST_FACTORS)[number];

/** Factors judged on the order's facts, replaced by a judgement on newer facts. */
export const VERSIONED_FACTORS: ReadonlySet<TrustFactorName> = new Set(['purchase', 'timing']);

export interface TrustFactor {
  name: TrustFactorName;
  /** 0..1; 1 when the signal is silent. */
  value: number;
  /** The reason code and its numbers, when the factor is below 1. */
  code: ReasonCode | null;
  detail: string | null;
}

/** The weight from the factors: their product, rounded to 4 decimals (the stores keep it so). */
export function combineTrust(values: Iterable<number>): number {
  let trust = 1;
  for (const v of values) trust *= Math.min(1, Math.max(0, v));
  return Number(trust.toFixed(4));
}

export function silent(name: TrustFactorName): TrustFactor {
  return { name, value: 1, code: null, detail: null };
}
