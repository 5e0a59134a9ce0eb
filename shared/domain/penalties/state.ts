/**
 * One merchant's penalty case: the schemas of its state, of the events that move it and of the
 * effects a move has. The state is stored as it is (DynamoDB item, memory) and validated on load.
 */
import { z } from 'zod';
import { ATTRIBUTION_BASES, ATTRIBUTION_STATUSES, LinkEvidenceSchema } from './attribution';
import { PenaltyLevelSchema, ViolationTypeSchema, type PenaltyLevel } from './policy';

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: 'must be an ISO 8601 time' });
const id = z.string().min(1).max(200);
const note = z.string().max(2_000);

/** A step is a ladder level or the blacklist (黑名单制度). */
export const StepKindSchema = z.union([PenaltyLevelSchema, z.literal('blacklisted')]);
export type StepKind = z.infer<typeof StepKindSchema>;

export const TrackedViolationSchema = z.object({
  violationId: id,
  type: ViolationTypeSchema,
  occurredAt: z.string(),
  atMs: z.number(),
  links: z.array(LinkEvidenceSchema),
  /** A sentence for analysts and the audit trail (numbers from the evidence). */
  summary: z.string(),
  analyst: z.object({ attributed: z.boolean(), by: z.string(), at: z.string(), atMs: z.number(), note }).optional(),
  /** Set when an upheld appeal discounted it: the appeal's id. */
  dismissedByAppeal: z.string().optional(),
  status: z.enum(ATTRIBUTION_STATUSES),
  basis: z.enum(ATTRIBUTION_BASES),
  effectiveAtMs: z.number().nullable(),
});
export type TrackedViolation = z.infer<typeof TrackedViolationSchema>;

export const AppealSchema = z.object({
  appealId: id,
  filedBy: z.string(),
  filedAt: z.string(),
  statement: note,
  status: z.enum(['open', 'upheld', 'denied']),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  note: note.optional(),
});
export type Appeal = z.infer<typeof AppealSchema>;

export const AppliedStepSchema = z.object({
  stepId: id,
  kind: StepKindSchema,
  appliedAt: z.string(),
  appliedAtMs: z.number(),
  reasonCode: z.string(),
  reason: z.string(),
  triggerViolationIds: z.array(z.string()),
  /** Who applied it: the system for automatic steps, the approving analyst for severe ones. */
  appliedBy: z.string(),
  status: z.enum(['active', 'reversed']),
  reversedAt: z.string().optional(),
  reversedBy: z.string().optional(),
  appeal: AppealSchema.optional(),
});
export type AppliedStep = z.infer<typeof AppliedStepSchema>;

export const PendingApprovalSchema = z.object({
  approvalId: id,
  kind: StepKindSchema,
  requestedAt: z.string(),
  reasonCode: z.string(),
  reason: z.string(),
  triggerViolationIds: z.array(z.string()),
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/**
 * Two tracks move independently: the ladder (one level after another) and the blacklist. Each has at
 * most one approval pending and its own hold, so a blacklisting waiting for an analyst never blocks
 * the mild steps of the ladder (and the outcome does not depend on which became due first).
 */
export const TrackSchema = z.enum(['ladder', 'blacklist']);
export type Track = z.infer<typeof TrackSchema>;

export function trackOf(kind: StepKind): Track {
  return kind === 'blacklisted' ? 'blacklist' : 'ladder';
}

export const MerchantPenaltyStateSchema = z.object({
  merchantId: id,
  /** Audit entries written so far: the next entry's sequence number. */
  seq: z.number().int().min(0),
  /** Sorted by (atMs, violationId). */
  violations: z.array(TrackedViolationSchema),
  /** The level in force (null: none). */
  level: PenaltyLevelSchema.nullable(),
  blacklisted: z.boolean(),
  /** Every step ever applied, in the order applied. */
  steps: z.array(AppliedStepSchema),
  /** At most one per track. */
  pending: z.array(PendingApprovalSchema),
  /**
   * After an analyst declined a step or upheld an appeal, the track does not move again until new
   * evidence counts: the decision is not overridden by re-reading the same evidence.
   */
  holds: z.array(z.object({ track: TrackSchema, reason: z.enum(['approval_rejected', 'appeal_upheld']), at: z.string() })),
  /** Approvals requested so far per step kind (their ids derive from it). */
  approvalsRequested: z.record(z.string(), z.number().int().min(0)),
});
export type MerchantPenaltyState = z.infer<typeof MerchantPenaltyStateSchema>;

export function initialState(merchantId: string): MerchantPenaltyState {
  return { merchantId, seq: 0, violations: [], level: null, blacklisted: false, steps: [], pending: [], holds: [], approvalsRequested: {} };
}

// ---- events --------------------------------------------------------------------------------

export const ViolationInputSchema = z.object({
  violationId: id,
  merchantId: id,
  type: ViolationTypeSchema,
  occurredAt: isoTime,
  evidence: z.record(z.string(), z.unknown()).default({}),
  configVersion: z.string().optional(),
  /**
   * An analyst already established it (an upheld buyer report): it counts on that basis, as a
   * resolved investigation does, without needing links to the merchant's own accounts.
   */
  establishedBy: z.object({ by: id, at: isoTime, note: note }).optional(),
});

export const PenaltyEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ViolationRecorded'),
    violation: ViolationInputSchema,
    /** Filled by the workflow from the merchant registry and the buyers' identity links. */
    links: z.array(LinkEvidenceSchema).optional(),
  }),
  z.object({ type: z.literal('ApprovalGranted'), approvalId: id, by: id, at: isoTime, note: note.optional() }),
  z.object({ type: z.literal('ApprovalRejected'), approvalId: id, by: id, at: isoTime, note: note.optional() }),
  /** The approval task timed out in the workflow: treated as not approved. */
  z.object({ type: z.literal('ApprovalExpired'), approvalId: id, at: isoTime }),
  z.object({ type: z.literal('AppealFiled'), appealId: id, stepId: id, by: id, at: isoTime, statement: note.min(1) }),
  z.object({ type: z.literal('AppealDecided'), appealId: id, upheld: z.boolean(), by: id, at: isoTime, note: note.optional() }),
  z.object({ type: z.literal('InvestigationResolved'), violationId: id, attributed: z.boolean(), by: id, at: isoTime, note: note.optional() }),
]);
export type PenaltyEvent = z.infer<typeof PenaltyEventSchema>;
export type PenaltyEventInput = z.input<typeof PenaltyEventSchema>;

/** The idempotency key of an event: the same key twice changes nothing the second time. */
export function eventKey(event: PenaltyEventInput): string {
  switch (event.type) {
    case 'ViolationRecorded':
      return `violation:${event.violation.violationId}`;
    case 'ApprovalGranted':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
      return `approval:${event.approvalId}`;
    case 'AppealFiled':
      return `appeal-filed:${event.appealId}`;
    case 'AppealDecided':
      return `appeal-decided:${event.appealId}`;
    case 'InvestigationResolved':
      return `investigation:${event.violationId}`;
  }
}

// ---- effects -------------------------------------------------------------------------------

export interface AuditEntry {
  merchantId: string;
  seq: number;
  /** `system:penalty-ladder`, or the analyst / merchant principal. */
  who: string;
  when: string;
  action: string;
  why: string;
  /** What it is about: a violation, step, approval or appeal id. */
  ref?: string;
}

export interface Notice {
  noticeId: string;
  /** EventBridge detail-type, one per step kind and direction, e.g. `penalty.warning.applied`. */
  detailType: string;
  merchantId: string;
  at: string;
  detail: Record<string, unknown>;
}

export type PenaltyEffect =
  | { type: 'ViolationCounted'; violationId: string; basis: string; at: string }
  | { type: 'ViolationHeld'; violationId: string; at: string; reason: string }
  | { type: 'ViolationDismissed'; violationId: string; at: string; by: string }
  | { type: 'StepApplied'; merchantId: string; step: AppliedStep }
  | { type: 'ApprovalRequested'; merchantId: string; approval: PendingApproval }
  | { type: 'ApprovalCancelled'; merchantId: string; approvalId: string; at: string; reason: string }
  | { type: 'StepReversed'; merchantId: string; stepId: string; kind: StepKind; at: string; by: string; reason: string }
  | { type: 'NoticeEmitted'; notice: Notice }
  | { type: 'AuditEntry'; entry: AuditEntry };

/** The merchant's standing: what the ladder, blacklist and investigations say now. */
export interface Standing {
  level: PenaltyLevel | null;
  blacklisted: boolean;
  /** Pending approvals, by kind. */
  pending: { approvalId: string; kind: StepKind }[];
  violations: Record<string, TrackedViolation['status']>;
}

export function standing(state: MerchantPenaltyState): Standing {
  return {
    level: state.level,
    blacklisted: state.blacklisted,
    pending: state.pending.map((p) => ({ approvalId: p.approvalId, kind: p.kind })).sort((a, b) => (a.kind < b.kind ? -1 : 1)),
    violations: Object.fromEntries(state.violations.map((v) => [v.violationId, v.status])),
  };
}
