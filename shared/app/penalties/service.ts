/**
 * The penalty workflow's application service: what the Task states of the workflow do.
 *
 * `transition` loads the merchant's case, runs the pure state machine (shared/domain/penalties/
 * machine.ts), stores the new state together with its effects (the outbox) under optimistic
 * concurrency, then delivers the effects: audit entries, notices, an approval execution for each
 * severe step that must wait, the release of approvals an appeal cancelled. `hold` is the body of the
 * wait state: it records the approval with the task token of the execution that waits for it.
 *
 * The Step Functions Lambda (functions/penalty-workflow) and the local runtime (./localWorkflow.ts)
 * call exactly these functions; only the adapters differ.
 */
import { z } from 'zod';
import { buyersInEvidence, linkEvidence, type LinkEvidence } from '../../domain/penalties/attribution';
import { creditScore } from '../../domain/penalties/credit';
import { SYSTEM, transition } from '../../domain/penalties/machine';
import type { PenaltyPolicy } from '../../domain/penalties/policy';
import { PenaltyEventSchema, StepKindSchema, initialState, type AuditEntry, type MerchantPenaltyState, type Notice, type PenaltyEvent } from '../../domain/penalties/state';
import { formatIssues } from '../../contracts/decode';
import { ConflictError, ValidationError } from '../../errors';
import type { ConfigSource } from '../../ports';
import type {
  BuyerIdentityLinks,
  MerchantRegistry,
  PenaltyApprovals,
  PenaltyAudit,
  PenaltyCaseRecord,
  PenaltyCases,
  PenaltyExecutions,
  PenaltyNotices,
} from '../../ports/penalties';

const MAX_ATTEMPTS = 8;

export const AwaitApprovalSchema = z.object({
  approvalId: z.string().min(1),
  merchantId: z.string().min(1),
  kind: StepKindSchema,
  reasonCode: z.string(),
  reason: z.string(),
  requestedAt: z.string(),
});

/** What a workflow execution starts with: an event to apply, or an approval to wait for. */
export const TransitionInputSchema = z.object({ merchantId: z.string().min(1), event: PenaltyEventSchema });
export type TransitionInput = z.input<typeof TransitionInputSchema>;
export const ExecutionInputSchema = z.union([TransitionInputSchema, z.object({ merchantId: z.string().min(1), approval: AwaitApprovalSchema })]);
export type ExecutionInput = z.input<typeof ExecutionInputSchema>;

export const HoldInputSchema = z.object({ merchantId: z.string().min(1), approval: AwaitApprovalSchema, taskToken: z.string().min(1) });
export type HoldInput = z.infer<typeof HoldInputSchema>;

export interface TransitionOutput {
  merchantId: string;
  /** Why nothing changed (a duplicate, a stale decision), when nothing did. */
  ignored?: string;
}

export interface PenaltyServiceDeps {
  cases: PenaltyCases;
  audit: PenaltyAudit;
  approvals: PenaltyApprovals;
  notices: PenaltyNotices;
  registry: MerchantRegistry;
  buyerLinks: BuyerIdentityLinks;
  config: ConfigSource;
  /** Starts approval executions and releases those an upheld appeal cancelled. */
  executions: Pick<PenaltyExecutions, 'awaitApproval' | 'resume'>;
}

export interface PenaltyService {
  transition(input: TransitionInput): Promise<TransitionOutput>;
  hold(input: HoldInput): Promise<void>;
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`${what}: ${formatIssues(parsed.error.issues)}`, parsed.error.issues);
  return parsed.data;
}

/** The credit score of a case at `nowMs` (counted violations only). */
export function creditOf(state: MerchantPenaltyState, nowMs: number, policy: PenaltyPolicy): number {
  const counted = state.violations.filter((v) => v.status === 'counted');
  return creditScore({ counted, level: state.level, blacklisted: state.blacklisted }, nowMs, policy);
}

/** The event time of an event. */
export function eventTimeMs(event: PenaltyEvent): number {
  return Date.parse(event.type === 'ViolationRecorded' ? event.violation.occurredAt : event.at);
}

export function createPenaltyService(deps: PenaltyServiceDeps): PenaltyService {
  const policy = async () => (await deps.config.current()).penalties;

  /** Links between the violation's buyers and the merchant's own identities (the reverse-brushing guard). */
  async function linksFor(state: MerchantPenaltyState, event: PenaltyEvent, p: PenaltyPolicy): Promise<LinkEvidence[] | undefined> {
    if (event.type !== 'ViolationRecorded' || event.links !== undefined) return undefined;
    const v = event.violation;
    if (!p.attribution.requiredFor.includes(v.type) || state.violations.some((x) => x.violationId === v.violationId)) return [];
    const buyerIds = buyersInEvidence(v.evidence);
    if (buyerIds.length === 0) return [];
    const [merchant, buyers] = await Promise.all([deps.registry.identitiesOf(state.merchantId), deps.buyerLinks.linksOf(buyerIds)]);
    return linkEvidence(v.evidence, merchant, buyers);
  }

  async function release(taskToken: string, event: PenaltyEvent): Promise<void> {
    try {
      await deps.executions.resume(taskToken, event);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  /** Delivers the outbox of a stored version; every step is idempotent, so a redelivery is harmless. */
  async function deliver(record: PenaltyCaseRecord): Promise<void> {
    const audit: AuditEntry[] = [];
    const notices: Notice[] = [];
    for (const effect of record.outbox) {
      if (effect.type === 'AuditEntry') audit.push(effect.entry);
      else if (effect.type === 'NoticeEmitted') notices.push(effect.notice);
    }
    if (audit.length > 0) await deps.audit.append(audit);
    if (notices.length > 0) await deps.notices.publish(notices);
    for (const effect of record.outbox) {
      if (effect.type === 'ApprovalRequested') {
        const a = effect.approval;
        await deps.executions.awaitApproval({ approvalId: a.approvalId, merchantId: effect.merchantId, kind: a.kind, reasonCode: a.reasonCode, reason: a.reason, requestedAt: a.requestedAt });
      }
    }
    await deps.cases.clearOutbox(record.state.merchantId, record.version);
    // Last, once the outbox is cleared: a released execution runs a transition on this case. If this
    // fails, the waiting execution still ends, at the approval timeout, as an approval no longer pending.
    for (const effect of record.outbox) {
      if (effect.type !== 'ApprovalCancelled') continue;
      const approval = await deps.approvals.get(effect.approvalId);
      if (approval === null || approval.status !== 'pending') continue;
      await deps.approvals.settle(effect.approvalId, 'cancelled', SYSTEM, effect.at);
      await release(approval.taskToken, { type: 'ApprovalRejected', approvalId: effect.approvalId, by: SYSTEM, at: effect.at, note: effect.reason });
    }
  }

  return {
    async transition(raw) {
      const { merchantId, event } = parseWith(TransitionInputSchema, raw, 'penalty workflow input');
      const p = await policy();
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const stored = await deps.cases.load(merchantId);
        // A previous run stored this version and stopped before delivering its effects: finish its work first.
        if (stored !== null && stored.outbox.length > 0) await deliver(stored);
        const state = stored?.state ?? initialState(merchantId);
        const links = await linksFor(state, event, p);
        const enriched: PenaltyEvent = links === undefined || event.type !== 'ViolationRecorded' ? event : { ...event, links };
        const result = transition(state, enriched, p);
        if (result.effects.length === 0) return { merchantId, ...(result.ignored === undefined ? {} : { ignored: result.ignored }) };
        const atMs = eventTimeMs(event);
        const record: PenaltyCaseRecord = {
          state: result.state,
          version: (stored?.version ?? 0) + 1,
          outbox: result.effects,
          creditScore: creditOf(result.state, atMs, p),
          updatedAt: new Date(atMs).toISOString(),
        };
        if (!(await deps.cases.save(record))) continue;
        await deliver(record);
        return { merchantId };
      }
      throw new ConflictError(`penalty case of ${merchantId} kept changing under concurrent transitions`);
    },

    async hold(raw) {
      const { merchantId, approval, taskToken } = parseWith(HoldInputSchema, raw, 'penalty hold input');
      const stored = await deps.cases.load(merchantId);
      if (!stored?.state.pending.some((p) => p.approvalId === approval.approvalId)) {
        // Cancelled before the wait began: end the wait now rather than at the timeout.
        await release(taskToken, { type: 'ApprovalRejected', approvalId: approval.approvalId, by: SYSTEM, at: approval.requestedAt, note: 'no longer pending' });
        return;
      }
      await deps.approvals.put({ ...approval, taskToken, status: 'pending' });
    },
  };
}
