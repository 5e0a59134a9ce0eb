/**
 * Per-entity suppressions: one rule (a reason code) silenced for one merchant or one buyer until an
 * expiry, with the reason an analyst gave. A suppressed signal adds nothing to the score and is
 * listed in the decision's reasons as suppressed, so the decision still says the rule fired.
 * Expiry is judged at event time, like everything the pipeline decides. Pure.
 */
import { z } from 'zod';
import type { Reason } from '../records';
import { REASONS, type ReasonCode } from '../reasons';
import type { Signal } from '../scoring/score';

const REASON_CODES = Object.keys(REASONS) as [ReasonCode, ...ReasonCode[]];

export const SuppressionInputSchema = z.object({
  scope: z.enum(['merchant', 'buyer']),
  entityId: z.string().trim().min(1).max(200),
  code: z.enum(REASON_CODES),
  until: z.iso.datetime({ offset: true }),
  reason: z.string().trim().min(1, 'a reason is required: it goes into the audit log').max(1_000),
});
export type SuppressionInput = z.infer<typeof SuppressionInputSchema>;

export interface Suppression extends SuppressionInput {
  suppressionId: string;
  createdBy: string;
  createdAt: string;
  liftedBy?: string;
  liftedAt?: string;
}

/** Longest a suppression may run: a silenced rule must come back up for review. */
export const MAX_SUPPRESSION_DAYS = 180;

export function isActive(s: Suppression, atMs: number): boolean {
  return s.liftedAt === undefined && atMs < Date.parse(s.until);
}

/** Why a new suppression cannot be accepted at `nowMs`, or null. */
export function suppressionProblem(input: SuppressionInput, nowMs: number): string | null {
  const until = Date.parse(input.until);
  if (until <= nowMs) return 'until: must be in the future';
  if (until - nowMs > MAX_SUPPRESSION_DAYS * 86_400_000) return `until: at most ${MAX_SUPPRESSION_DAYS} days ahead`;
  return null;
}

export interface Subject {
  merchantId: string;
  buyerId: string;
  atMs: number;
}

export interface Suppressed {
  signal: Signal;
  suppression: Suppression;
}

/** Splits an event's signals into those that count and those an active suppression silences. */
export function applySuppressions(
  signals: readonly Signal[],
  subject: Subject,
  suppressions: readonly Suppression[],
): { kept: Signal[]; suppressed: Suppressed[] } {
  if (suppressions.length === 0) return { kept: [...signals], suppressed: [] };
  const kept: Signal[] = [];
  const suppressed: Suppressed[] = [];
  for (const signal of signals) {
    const match = suppressions.find(
      (s) =>
        s.code === signal.code &&
        isActive(s, subject.atMs) &&
        ((s.scope === 'merchant' && s.entityId === subject.merchantId) || (s.scope === 'buyer' && s.entityId === subject.buyerId)),
    );
    if (match) suppressed.push({ signal, suppression: match });
    else kept.push(signal);
  }
  return { kept, suppressed };
}

export function suppressedReason({ signal, suppression: s }: Suppressed): Reason {
  return {
    code: signal.code,
    detail: `suppressed for ${s.scope} ${s.entityId} until ${s.until} by ${s.createdBy} (${s.reason}): ${signal.detail}`,
    suppressed: true,
  };
}
