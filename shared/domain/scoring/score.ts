/** Combining fired signals into a score and a decision. Pure. */
import type { Thresholds } from '../config/thresholds';
import type { DecisionKind, Reason } from '../records';
import type { ReasonCode } from '../reasons';

export interface Signal {
  code: ReasonCode;
  /** Contribution to the 0..100 score, from the thresholds document. */
  weight: number;
  detail: string;
}

export interface Scored {
  score: number;
  decision: DecisionKind;
  reasons: Reason[];
}

/**
 * The score is the sum of the weights that fired, capped at 100: additive, so an analyst can read a
 * score back into the rules that made it. Reasons are listed heaviest first.
 */
export function scoreSignals(signals: readonly Signal[], scoring: Thresholds['scoring']): Scored {
  const fired = signals.filter((s) => s.weight > 0).sort((a, b) => b.weight - a.weight);
  const score = Math.min(100, Math.round(fired.reduce((sum, s) => sum + s.weight, 0)));
  const decision: DecisionKind = score >= scoring.blockAt ? 'block' : score >= scoring.reviewAt ? 'review' : 'allow';
  return { score, decision, reasons: fired.map((s) => ({ code: s.code, detail: s.detail })) };
}
