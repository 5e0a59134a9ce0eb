/**
 * Shadow mode's comparison: a candidate thresholds version scores the same events as the live one,
 * from the same features, without acting. What matters to an analyst is where they disagree: orders
 * whose decision would change, and violations that would or would not be recorded. Pure.
 */
import type { Decision, DecisionKind, Violation } from '../records';

export interface ScoredSide {
  decision: DecisionKind;
  score: number;
  /** Codes that counted (suppressed ones left out). */
  codes: string[];
}

export interface DecisionDisagreement {
  eventId: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
  occurredAt: string;
  amount: number;
  currency: string;
  live: ScoredSide;
  candidate: ScoredSide;
}

export interface ViolationDisagreement {
  violationId: string;
  merchantId: string;
  type: Violation['type'];
  occurredAt: string;
  /** `candidate_only`: the candidate would record it and live would not; `live_only`: the reverse. */
  side: 'candidate_only' | 'live_only';
}

export type Transition = `${DecisionKind}->${DecisionKind}`;

export interface ShadowBatch {
  liveVersion: string;
  candidateVersion: string;
  /** Decisions compared in this batch. */
  compared: number;
  /** Compared decisions per live -> candidate decision, agreements included (`allow->allow`). */
  transitions: Partial<Record<Transition, number>>;
  decisions: DecisionDisagreement[];
  violations: ViolationDisagreement[];
  /** Event time of the batch's latest compared event. */
  lastEventAt: string | null;
}

export interface ShadowSummary {
  candidateVersion: string;
  liveVersions: string[];
  compared: number;
  changed: number;
  transitions: Partial<Record<Transition, number>>;
  violationsCandidateOnly: number;
  violationsLiveOnly: number;
  /** Wall-clock time the summary was last updated, and event time of the latest compared event. */
  updatedAt: string | null;
  lastEventAt: string | null;
}

function side(d: Pick<Decision, 'decision' | 'score' | 'reasons'>): ScoredSide {
  return { decision: d.decision, score: d.score, codes: d.reasons.filter((r) => r.suppressed !== true).map((r) => r.code) };
}

/** Compares one batch's live decisions and violations with the candidate's. */
export function compareBatch(input: {
  liveVersion: string;
  candidateVersion: string;
  live: readonly Decision[];
  candidate: readonly Decision[];
  liveViolations: readonly Violation[];
  candidateViolations: readonly Violation[];
}): ShadowBatch {
  const candidateById = new Map(input.candidate.map((d) => [d.eventId, d]));
  const transitions: Partial<Record<Transition, number>> = {};
  const decisions: DecisionDisagreement[] = [];
  let compared = 0;
  let lastEventAt: string | null = null;
  for (const live of input.live) {
    const cand = candidateById.get(live.eventId);
    if (!cand) continue;
    compared++;
    if (lastEventAt === null || live.occurredAt > lastEventAt) lastEventAt = live.occurredAt;
    const t: Transition = `${live.decision}->${cand.decision}`;
    transitions[t] = (transitions[t] ?? 0) + 1;
    if (live.decision === cand.decision) continue;
    decisions.push({
      eventId: live.eventId,
      orderId: live.orderId,
      merchantId: live.merchantId,
      buyerId: live.buyerId,
      occurredAt: live.occurredAt,
      amount: live.amount,
      currency: live.currency,
      live: side(live),
      candidate: side(cand),
    });
  }
  const liveIds = new Set(input.liveViolations.map((v) => v.violationId));
  const candIds = new Set(input.candidateViolations.map((v) => v.violationId));
  const violations: ViolationDisagreement[] = [];
  const unique = (vs: readonly Violation[]) => [...new Map(vs.map((v) => [v.violationId, v])).values()];
  for (const v of unique(input.candidateViolations)) {
    if (!liveIds.has(v.violationId)) violations.push({ violationId: v.violationId, merchantId: v.merchantId, type: v.type, occurredAt: v.occurredAt, side: 'candidate_only' });
  }
  for (const v of unique(input.liveViolations)) {
    if (!candIds.has(v.violationId)) violations.push({ violationId: v.violationId, merchantId: v.merchantId, type: v.type, occurredAt: v.occurredAt, side: 'live_only' });
  }
  return { liveVersion: input.liveVersion, candidateVersion: input.candidateVersion, compared, transitions, decisions, violations, lastEventAt };
}

export function emptySummary(candidateVersion: string): ShadowSummary {
  return {
    candidateVersion,
    liveVersions: [],
    compared: 0,
    changed: 0,
    transitions: {},
    violationsCandidateOnly: 0,
    violationsLiveOnly: 0,
    updatedAt: null,
    lastEventAt: null,
  };
}

/**
 * Adds a batch to a summary. Violations count once each: `newViolations` are the batch's violation
 * disagreements not seen before (the same bucket can be re-evaluated by a later batch).
 */
export function addToSummary(summary: ShadowSummary, batch: ShadowBatch, newViolations: readonly ViolationDisagreement[], at: string): ShadowSummary {
  const transitions = { ...summary.transitions };
  for (const [t, n] of Object.entries(batch.transitions) as [Transition, number][]) transitions[t] = (transitions[t] ?? 0) + n;
  return {
    ...summary,
    liveVersions: summary.liveVersions.includes(batch.liveVersion) ? summary.liveVersions : [...summary.liveVersions, batch.liveVersion],
    compared: summary.compared + batch.compared,
    changed: summary.changed + batch.decisions.length,
    transitions,
    violationsCandidateOnly: summary.violationsCandidateOnly + newViolations.filter((v) => v.side === 'candidate_only').length,
    violationsLiveOnly: summary.violationsLiveOnly + newViolations.filter((v) => v.side === 'live_only').length,
    updatedAt: at,
    lastEventAt: batch.lastEventAt !== null && (summary.lastEventAt === null || batch.lastEventAt > summary.lastEventAt) ? batch.lastEventAt : summary.lastEventAt,
  };
}
