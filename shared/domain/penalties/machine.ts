/**
 * The penalty workflow of one merchant as a pure state machine: `transition(state, event, policy)`
 * returns the next state and the effects (steps, approval requests, reversals, notices, audit
 * entries). This table is the single source of truth for the workflow: the AWS Step Functions state
 * machine (infra/constructs/penaltyWorkflow.ts) is a thin loop whose Task states run this function in
 * a Lambda and whose `.waitForTaskToken` state waits for the analyst on a severe step; the local
 * runtime drives the same loop in-process. Keeping the rules here rather than in ASL means they are
 * unit- and property-tested as plain functions, and the two runtimes cannot drift (a test runs the
 * synthesized ASL through an interpreter and compares the effects).
 *
 * Time comes from the events (event time), never from a clock. Every event is idempotent by its key
 * (`eventKey` in ./state.ts): a violation already counted, an approval already decided, an appeal already filed
 * change nothing the second time.
 */
import { stableId } from '../ids';
import { attribute, linkScore, separatePeriods } from './attribution';
import { entitlement, type CountedStrike } from './ladder';
import { DAY_MS, PENALTY_LEVELS, isPenaltyLevel, levelIndex, type PenaltyPolicy } from './policy';
import { appealMessage, appliedMessage, reversedMessage, stepName } from './reasons';
import {
  trackOf,
  type AppliedStep,
  type MerchantPenaltyState,
  type Notice,
  type PenaltyEffect,
  type PenaltyEvent,
  type PendingApproval,
  type StepKind,
  type Track,
  type TrackedViolation,
} from './state';

export const SYSTEM = 'system:penalty-ladder';

export interface TransitionResult {
  state: MerchantPenaltyState;
  effects: PenaltyEffect[];
  /** Why nothing happened, when nothing did (a duplicate, a stale approval, an appeal out of time). */
  ignored?: string;
}

export type Precondition = { ok: true } | { ok: false; kind: 'not_found' | 'conflict'; message: string };

/**
 * Whether an analyst's or merchant's command can apply to the case now. The HTTP API answers with it
 * (404 / 409) before starting a workflow execution; the transition ignores what fails it.
 */
export function precondition(state: MerchantPenaltyState, event: PenaltyEvent, policy: PenaltyPolicy): Precondition {
  switch (event.type) {
    case 'ViolationRecorded':
      return { ok: true };
    case 'ApprovalGranted':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
      if (!state.pending.some((p) => p.approvalId === event.approvalId)) return { ok: false, kind: 'conflict', message: `approval ${event.approvalId} is not pending` };
      return { ok: true };
    case 'AppealFiled': {
      const step = state.steps.find((s) => s.stepId === event.stepId);
      if (step === undefined) return { ok: false, kind: 'not_found', message: `no step ${event.stepId} for merchant ${state.merchantId}` };
      if (step.appeal !== undefined) return { ok: false, kind: 'conflict', message: `step ${event.stepId} was already appealed (${step.appeal.status})` };
      if (step.status !== 'active') return { ok: false, kind: 'conflict', message: `step ${event.stepId} is no longer in force` };
      const closesMs = step.appliedAtMs + policy.appeal.windowDays * DAY_MS;
      if (Date.parse(event.at) > closesMs) {
        return { ok: false, kind: 'conflict', message: `the ${policy.appeal.windowDays}-day appeal window of step ${event.stepId} closed at ${iso(closesMs)}` };
      }
      return { ok: true };
    }
    case 'AppealDecided': {
      const step = state.steps.find((s) => s.appeal?.appealId === event.appealId);
      if (step === undefined) return { ok: false, kind: 'not_found', message: `no appeal ${event.appealId} for merchant ${state.merchantId}` };
      if (step.appeal!.status !== 'open') return { ok: false, kind: 'conflict', message: `appeal ${event.appealId} was already decided (${step.appeal!.status})` };
      return { ok: true };
    }
    case 'InvestigationResolved': {
      const v = state.violations.find((x) => x.violationId === event.violationId);
      if (v === undefined) return { ok: false, kind: 'not_found', message: `no violation ${event.violationId} for merchant ${state.merchantId}` };
      if (v.status !== 'under_investigation') return { ok: false, kind: 'conflict', message: `violation ${event.violationId} is ${v.status}, not under investigation` };
      return { ok: true };
    }
  }
}

export function transition(state: MerchantPenaltyState, event: PenaltyEvent, policy: PenaltyPolicy): TransitionResult {
  return new Move(state, policy).run(event);
}

/** One transition: a draft of the state and the effects, in the order they happen. */
class Move {
  private readonly s: MerchantPenaltyState;
  private readonly effects: PenaltyEffect[] = [];

  constructor(
    private readonly original: MerchantPenaltyState,
    private readonly policy: PenaltyPolicy,
  ) {
    this.s = structuredClone(original);
  }

  run(event: PenaltyEvent): TransitionResult {
    const check = precondition(this.s, event, this.policy);
    if (!check.ok) return this.ignore(check.message);
    switch (event.type) {
      case 'ViolationRecorded':
        return this.violationRecorded(event);
      case 'ApprovalGranted': {
        const pending = this.takePending(event.approvalId);
        const atMs = Date.parse(event.at);
        this.audit(event.by, atMs, 'approval_granted', `approved ${pending.kind}${event.note ? `: ${event.note}` : ''}`, pending.approvalId);
        if (isPenaltyLevel(pending.kind) && levelIndex(pending.kind) !== levelIndex(this.s.level) + 1) {
          // Cannot happen while every reversal cancels the pending approval; kept so a stale grant never skips a rung.
          this.audit(SYSTEM, atMs, 'approval_stale', `${pending.kind} no longer follows ${this.s.level ?? 'no level'}; not applied`, pending.approvalId);
        } else {
          this.apply(pending.kind, pending, atMs, event.by);
        }
        this.advance(atMs);
        return this.done();
      }
      case 'ApprovalRejected':
      case 'ApprovalExpired': {
        const pending = this.takePending(event.approvalId);
        const atMs = Date.parse(event.at);
        const expired = event.type === 'ApprovalExpired';
        this.s.holds.push({ track: trackOf(pending.kind), reason: 'approval_rejected', at: iso(atMs) });
        this.audit(
          expired ? 'system:approval-timeout' : event.by,
          atMs,
          expired ? 'approval_expired' : 'approval_rejected',
          `${pending.kind} not applied (${expired ? 'APPROVAL_EXPIRED' : 'APPROVAL_REJECTED'})${!expired && event.note ? `: ${event.note}` : ''}`,
          pending.approvalId,
        );
        return this.done();
      }
      case 'AppealFiled': {
        const step = this.s.steps.find((x) => x.stepId === event.stepId)!;
        const atMs = Date.parse(event.at);
        step.appeal = { appealId: event.appealId, filedBy: event.by, filedAt: iso(atMs), statement: event.statement, status: 'open' };
        this.audit(event.by, atMs, 'appeal_filed', event.statement, event.appealId);
        this.notice('penalty.appeal.received', atMs, { stepId: step.stepId, kind: step.kind, appealId: event.appealId, message: appealMessage('received', step.kind) });
        return this.done();
      }
      case 'AppealDecided':
        return this.appealDecided(event);
      case 'InvestigationResolved': {
        const v = this.s.violations.find((x) => x.violationId === event.violationId)!;
        const atMs = Date.parse(event.at);
        v.analyst = { attributed: event.attributed, by: event.by, at: iso(atMs), atMs, note: event.note ?? '' };
        this.audit(event.by, atMs, event.attributed ? 'violation_attributed' : 'violation_dismissed', event.note ?? '', v.violationId);
        if (this.evaluate(atMs, event.by)) this.s.holds = [];
        this.advance(atMs);
        return this.done();
      }
    }
  }

  private violationRecorded(event: Extract<PenaltyEvent, { type: 'ViolationRecorded' }>): TransitionResult {
    const v = event.violation;
    if (v.merchantId !== this.s.merchantId) return this.ignore(`violation ${v.violationId} is of merchant ${v.merchantId}, not ${this.s.merchantId}`);
    if (this.s.violations.some((x) => x.violationId === v.violationId)) return this.ignore(`violation ${v.violationId} already recorded`);
    const atMs = Date.parse(v.occurredAt);
    const tracked: TrackedViolation = {
      violationId: v.violationId,
      type: v.type,
      occurredAt: iso(atMs),
      atMs,
      links: event.links ?? [],
      summary: summarize(v.type, v.evidence),
      status: 'under_investigation',
      basis: 'none',
      effectiveAtMs: null,
      ...(v.establishedBy ? { analyst: { attributed: true, by: v.establishedBy.by, at: iso(Date.parse(v.establishedBy.at)), atMs: Date.parse(v.establishedBy.at), note: v.establishedBy.note } } : {}),
    };
    this.s.violations.push(tracked);
    this.s.violations.sort((a, b) => a.atMs - b.atMs || (a.violationId < b.violationId ? -1 : a.violationId > b.violationId ? 1 : 0));
    this.audit(v.establishedBy?.by ?? SYSTEM, atMs, 'violation_recorded', tracked.summary, v.violationId);
    if (this.evaluate(atMs, SYSTEM, v.violationId)) this.s.holds = [];
    this.advance(atMs);
    return this.done();
  }

  private appealDecided(event: Extract<PenaltyEvent, { type: 'AppealDecided' }>): TransitionResult {
    const step = this.s.steps.find((x) => x.appeal?.appealId === event.appealId)!;
    const appeal = step.appeal!;
    const atMs = Date.parse(event.at);
    appeal.status = event.upheld ? 'upheld' : 'denied';
    appeal.decidedBy = event.by;
    appeal.decidedAt = iso(atMs);
    if (event.note !== undefined) appeal.note = event.note;
    this.audit(event.by, atMs, event.upheld ? 'appeal_upheld' : 'appeal_denied', event.note ?? '', event.appealId);
    this.notice('penalty.appeal.decided', atMs, {
      stepId: step.stepId,
      kind: step.kind,
      appealId: event.appealId,
      upheld: event.upheld,
      reasonCode: event.upheld ? 'APPEAL_UPHELD' : 'APPEAL_DENIED',
      message: appealMessage(event.upheld ? 'upheld' : 'denied', step.kind),
    });
    if (!event.upheld) return this.done();

    // The step and every step applied after it rest on it: all are reversed, newest first.
    const from = this.s.steps.indexOf(step);
    for (let i = this.s.steps.length - 1; i >= from; i--) {
      const later = this.s.steps[i]!;
      if (later.status !== 'active') continue;
      later.status = 'reversed';
      later.reversedAt = iso(atMs);
      later.reversedBy = event.by;
      const reason = `appeal ${event.appealId} upheld (APPEAL_UPHELD)${later === step ? '' : ` against ${step.kind}, which this step followed`}`;
      this.effects.push({ type: 'StepReversed', merchantId: this.s.merchantId, stepId: later.stepId, kind: later.kind, at: iso(atMs), by: event.by, reason });
      this.notice(`penalty.${later.kind}.reversed`, atMs, { stepId: later.stepId, kind: later.kind, reasonCode: 'APPEAL_UPHELD', reason, message: reversedMessage(later.kind) });
      this.audit(event.by, atMs, 'step_reversed', reason, later.stepId);
    }
    const active = this.s.steps.filter((x) => x.status === 'active');
    const ladder = active.map((x) => x.kind).filter(isPenaltyLevel);
    this.s.level = ladder.length === 0 ? null : PENALTY_LEVELS[Math.max(...ladder.map((k) => levelIndex(k)))]!;
    this.s.blacklisted = active.some((x) => x.kind === 'blacklisted');
    // The evidence behind the step is discounted, or the next evaluation would impose it again.
    for (const id of step.triggerViolationIds) {
      const v = this.s.violations.find((x) => x.violationId === id);
      if (v !== undefined) v.dismissedByAppeal = event.appealId;
    }
    this.evaluate(atMs, event.by);
    for (const p of this.s.pending) {
      const reason = `appeal ${event.appealId} upheld: ${p.kind} is no longer due`;
      this.effects.push({ type: 'ApprovalCancelled', merchantId: this.s.merchantId, approvalId: p.approvalId, at: iso(atMs), reason });
      this.audit(event.by, atMs, 'approval_cancelled', reason, p.approvalId);
    }
    this.s.pending = [];
    this.s.holds = (['ladder', 'blacklist'] as const).map((track) => ({ track, reason: 'appeal_upheld' as const, at: iso(atMs) }));
    return this.done();
  }

  /**
   * Re-derives every violation's status from the set and reports the changes. True if a violation
   * started to count (new evidence: a hold placed by an analyst's decision is lifted).
   */
  private evaluate(atMs: number, who: string, recordedId?: string): boolean {
    const statuses = attribute(this.s.violations, this.policy);
    let newlyCounted = false;
    for (const v of this.s.violations) {
      const a = statuses.get(v.violationId)!;
      const fresh = v.violationId === recordedId;
      const changed = fresh || a.status !== v.status || a.basis !== v.basis;
      v.status = a.status;
      v.basis = a.basis;
      v.effectiveAtMs = a.effectiveAtMs;
      if (!changed) continue;
      const at = iso(Math.max(atMs, a.effectiveAtMs ?? atMs));
      if (a.status === 'counted') {
        newlyCounted = true;
        this.effects.push({ type: 'ViolationCounted', violationId: v.violationId, basis: a.basis, at });
        this.audit(a.basis === 'analyst' ? who : SYSTEM, Date.parse(at), 'violation_counted', this.countedWhy(v), v.violationId);
      } else if (a.status === 'under_investigation') {
        const reason = this.heldWhy(v);
        this.effects.push({ type: 'ViolationHeld', violationId: v.violationId, at, reason });
        this.audit(SYSTEM, Date.parse(at), 'violation_held', reason, v.violationId);
      } else {
        this.effects.push({ type: 'ViolationDismissed', violationId: v.violationId, at, by: who });
        this.audit(who, Date.parse(at), 'violation_discounted', 'VIOLATION_DISMISSED', v.violationId);
      }
    }
    return newlyCounted;
  }

  /** Moves each track toward what the evidence has earned: mild steps apply, severe ones ask. */
  private advance(eventAtMs: number): void {
    if (!this.policy.enabled) return;
    const counted: CountedStrike[] = this.s.violations
      .filter((v) => v.status === 'counted' && v.effectiveAtMs !== null)
      .map((v) => ({ violationId: v.violationId, type: v.type, atMs: v.atMs, effectiveAtMs: v.effectiveAtMs! }));
    const earned = entitlement(counted, this.policy);
    const blocked = (track: Track) => this.s.pending.some((p) => trackOf(p.kind) === track) || this.s.holds.some((h) => h.track === track);

    // The ladder: the next rung after the level in force, while the evidence has earned it.
    while (!blocked('ladder') && levelIndex(earned.level) > levelIndex(this.s.level)) {
      const next = levelIndex(this.s.level) + 1;
      const c = earned.crossings[next]!;
      const basis = { reasonCode: c.reasonCode, reason: c.reason, triggerViolationIds: c.triggerViolationIds };
      const atMs = Math.max(c.atMs, eventAtMs);
      if (this.policy.ladder[next]!.requiresApproval) this.request(c.level, basis, atMs);
      else this.apply(c.level, basis, atMs, SYSTEM);
    }
    // The blacklist, on its own track.
    if (!blocked('blacklist') && earned.blacklist !== null && !this.s.blacklisted) {
      const b = earned.blacklist;
      const basis = { reasonCode: b.reasonCode, reason: b.reason, triggerViolationIds: b.triggerViolationIds };
      const atMs = Math.max(b.atMs, eventAtMs);
      if (this.policy.blacklist.requiresApproval) this.request('blacklisted', basis, atMs);
      else this.apply('blacklisted', basis, atMs, SYSTEM);
    }
  }

  private request(kind: StepKind, basis: StepBasis, atMs: number): void {
    const asked = this.s.approvalsRequested[kind] ?? 0;
    const approval: PendingApproval = {
      // Per kind, so that the id does not depend on which track asked first.
      approvalId: stableId('appr', this.s.merchantId, kind, asked),
      kind,
      requestedAt: iso(atMs),
      reasonCode: basis.reasonCode,
      reason: basis.reason,
      triggerViolationIds: basis.triggerViolationIds,
    };
    this.s.approvalsRequested[kind] = asked + 1;
    this.s.pending.push(approval);
    this.effects.push({ type: 'ApprovalRequested', merchantId: this.s.merchantId, approval });
    this.audit(SYSTEM, atMs, 'approval_requested', `${kind} is severe and waits for an analyst: ${basis.reason}`, approval.approvalId);
  }

  private apply(kind: StepKind, basis: StepBasis, atMs: number, by: string): void {
    const step: AppliedStep = {
      stepId: stableId('step', this.s.merchantId, kind, this.s.steps.length),
      kind,
      appliedAt: iso(atMs),
      appliedAtMs: atMs,
      reasonCode: basis.reasonCode,
      reason: basis.reason,
      triggerViolationIds: basis.triggerViolationIds,
      appliedBy: by,
      status: 'active',
    };
    this.s.steps.push(step);
    if (kind === 'blacklisted') this.s.blacklisted = true;
    else this.s.level = kind;
    this.effects.push({ type: 'StepApplied', merchantId: this.s.merchantId, step });
    this.notice(`penalty.${kind}.applied`, atMs, {
      stepId: step.stepId,
      kind,
      name: stepName(kind),
      reasonCode: basis.reasonCode,
      reason: basis.reason,
      violationIds: basis.triggerViolationIds,
      appealableUntil: iso(atMs + this.policy.appeal.windowDays * DAY_MS),
      message: appliedMessage(kind, this.policy.appeal.windowDays),
    });
    this.audit(by, atMs, 'step_applied', `${kind}: ${basis.reason}`, step.stepId);
  }

  private countedWhy(v: TrackedViolation): string {
    switch (v.basis) {
      case 'linked': {
        const links = v.links.map((l) => `${l.buyerId} ${l.kind.replace('_', ' ')} ${l.value}`).join('; ');
        return `VIOLATION_ATTRIBUTED_LINK (link score ${linkScore(v.links, this.policy)} >= ${this.policy.attribution.minLinkScore}): ${links}`;
      }
      case 'pattern': {
        const rule = this.policy.attribution.repeatedPattern!;
        return `VIOLATION_ATTRIBUTED_PATTERN: ${v.type} in at least ${rule.minPeriods} separate periods within ${rule.withinDays} days`;
      }
      case 'analyst':
        return `VIOLATION_ATTRIBUTED_ANALYST: ${v.analyst?.note ?? ''}`;
      default:
        return `VIOLATION_OWN_CONDUCT: ${v.type} needs no attribution`;
    }
  }

  private heldWhy(v: TrackedViolation): string {
    const rule = this.policy.attribution.repeatedPattern;
    const gapMs = (rule?.minGapHours ?? 0) * 3_600_000;
    const sameType = this.s.violations
      .filter((x) => x.type === v.type && x.status !== 'dismissed' && rule !== undefined && Math.abs(x.atMs - v.atMs) <= rule.withinDays * DAY_MS)
      .map((x) => x.atMs)
      .sort((a, b) => a - b);
    const pattern = rule === undefined ? 'no pattern rule' : `${separatePeriods(sameType, gapMs)} of ${rule.minPeriods} separate periods within ${rule.withinDays} days`;
    return (
      `VIOLATION_HELD_UNATTRIBUTED: link score ${linkScore(v.links, this.policy)} < ${this.policy.attribution.minLinkScore} ` +
      `(${v.links.length} link(s) between its buyers and the merchant's own identities), pattern ${pattern}; held for an analyst`
    );
  }

  private audit(who: string, atMs: number, action: string, why: string, ref?: string): void {
    const entry = { merchantId: this.s.merchantId, seq: this.s.seq++, who, when: iso(atMs), action, why, ...(ref === undefined ? {} : { ref }) };
    this.effects.push({ type: 'AuditEntry', entry });
  }

  private notice(detailType: string, atMs: number, detail: Record<string, unknown>): void {
    const notice: Notice = {
      // The audit sequence, type and step make it unique and stable: a redelivered notice has the same id.
      noticeId: stableId('notice', this.s.merchantId, this.s.seq, detailType, String(detail.stepId ?? '')),
      detailType,
      merchantId: this.s.merchantId,
      at: iso(atMs),
      detail: { merchantId: this.s.merchantId, ...detail },
    };
    this.effects.push({ type: 'NoticeEmitted', notice });
  }

  private takePending(approvalId: string): PendingApproval {
    const pending = this.s.pending.find((p) => p.approvalId === approvalId)!;
    this.s.pending = this.s.pending.filter((p) => p !== pending);
    return pending;
  }

  private ignore(why: string): TransitionResult {
    return { state: this.original, effects: [], ignored: why };
  }

  private done(): TransitionResult {
    return { state: this.s, effects: this.effects };
  }
}

interface StepBasis {
  reasonCode: string;
  reason: string;
  triggerViolationIds: string[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A sentence of the violation's evidence for analysts and the audit trail. */
function summarize(type: string, evidence: Readonly<Record<string, unknown>>): string {
  const e = evidence;
  if (e.source === 'buyer_report') {
    return `${type}: buyer report ${String(e.reportId)} upheld by ${String(e.upheldBy)}: "${String(e.statement ?? '').slice(0, 160)}"`;
  }
  if (type === 'fake_orders' && typeof e.orders === 'number' && typeof e.distinctBuyers === 'number') {
    return `fake_orders: ${e.orders} orders from ${e.distinctBuyers} buyers between ${String(e.periodStart)} and ${String(e.periodEnd)} (rate ${String(e.concentrateRate)}, threshold ${String(e.threshold)})`;
  }
  const numbers = Object.entries(e)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string')
    .slice(0, 6)
    .map(([k, value]) => `${k} ${String(value)}`);
  return `${type}${numbers.length > 0 ? `: ${numbers.join(', ')}` : ''}`;
}
