/**
 * The merchant credit score (商家信用评价体系), 0..100, published to merchants and read by the risk
 * score. 100 is a clean record. Each counted violation costs `pointsPerStrike` times its type's
 * weight, decaying with the same half-life as the ladder (old strikes cost less); the level in force
 * costs its deduction on top; a blacklisted merchant is capped. Violations held under investigation or
 * dismissed cost nothing: a merchant hit by reverse brushing keeps its score.
 */
import type { PenaltyLevel, PenaltyPolicy } from './policy';
import { weightedCounts, type Strike } from './weights';

export interface CreditInput {
  /** Counted violations only. */
  counted: readonly Strike[];
  level: PenaltyLevel | null;
  blacklisted: boolean;
}

export function creditScore(input: CreditInput, nowMs: number, policy: PenaltyPolicy): number {
  const strikes = weightedCounts(input.counted, nowMs, policy).total;
  let score = 100 - policy.credit.pointsPerStrike * strikes - (input.level === null ? 0 : (policy.credit.levelDeductions[input.level] ?? 0));
  if (input.blacklisted) score = Math.min(score, policy.credit.blacklistCap);
  return Math.max(0, Math.min(100, Math.round(score)));
}
