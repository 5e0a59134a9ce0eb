/**
 * Ports of the penalty workflow (the ladder, approvals, appeals, the blacklist, attribution). The
 * pipeline-facing port, `PenaltyWorkflow`, is in ./index.ts with the others.
 */
import type { BuyerIdentities, MerchantIdentities } from '../domain/penalties/attribution';
import type { AuditEntry, MerchantPenaltyState, Notice, PenaltyEffect, PenaltyEventInput, StepKind } from '../domain/penalties/state';

export interface PenaltyCaseRecord {
  state: MerchantPenaltyState;
  /** Incremented by every save; the first save has version 1. */
  version: number;
  /**
   * The effects of the transition that produced this version, until they are delivered (audit
   * entries, notices, released approvals). Stored with the state so that a crash between the write
   * and the delivery loses nothing: the next run for the merchant delivers them first.
   */
  outbox: PenaltyEffect[];
  /** The credit score at the time of the last transition (event time). */
  creditScore: number;
  /** Event time of the last transition. */
  updatedAt: string;
}

/** Merchant penalty cases, one per merchant, written with optimistic concurrency. */
export interface PenaltyCases {
  load(merchantId: string): Promise<PenaltyCaseRecord | null>;
  /** Stores the record if the stored version is still `record.version - 1` (absent for 1); false if another writer moved it. */
  save(record: PenaltyCaseRecord): Promise<boolean>;
  /** Empties the outbox of `version` once delivered; does nothing if the case has moved on. */
  clearOutbox(merchantId: string, version: number): Promise<void>;
  /** Every blacklisted merchant's case (for the regulator export). */
  blacklisted(): Promise<PenaltyCaseRecord[]>;
}

/** The append-only audit trail: who did what, when and why. Idempotent by (merchantId, seq). */
export interface PenaltyAudit {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** The merchant's entries in sequence order. */
  list(merchantId: string): Promise<AuditEntry[]>;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

/** A severe step waiting for an analyst, with the task token of the workflow execution that waits. */
export interface ApprovalRecord {
  approvalId: string;
  merchantId: string;
  kind: StepKind;
  reasonCode: string;
  reason: string;
  requestedAt: string;
  taskToken: string;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
}

export interface PenaltyApprovals {
  /** Creates the approval, or refreshes the task token of one still pending (a retried wait has a new token). */
  put(record: ApprovalRecord): Promise<void>;
  get(approvalId: string): Promise<ApprovalRecord | null>;
  /** Marks a pending approval decided; false if it was no longer pending. */
  settle(approvalId: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: string): Promise<boolean>;
  /** Pending approvals, oldest first, at most `limit`. */
  pending(limit: number): Promise<ApprovalRecord[]>;
}

/** Step notices for the platform and the merchant (EventBridge in AWS); consumers de-duplicate by noticeId. */
export interface PenaltyNotices {
  publish(notices: readonly Notice[]): Promise<void>;
}

/** The merchant's own accounts, devices, payment instruments and addresses. */
export interface MerchantRegistry {
  identitiesOf(merchantId: string): Promise<MerchantIdentities>;
}

/** One identity a buyer was seen using on an order. */
export interface BuyerIdentityObservation {
  buyerId: string;
  kind: 'device' | 'instrument' | 'address';
  value: string;
  atMs: number;
}

/** Which devices, instruments and addresses each buyer has used (recorded from the order stream). */
export interface BuyerIdentityLinks {
  record(observations: readonly BuyerIdentityObservation[]): Promise<void>;
  linksOf(buyerIds: readonly string[]): Promise<Map<string, BuyerIdentities>>;
}

/** A severe step that waits for an analyst: what the approval execution starts with. */
export interface AwaitApproval {
  approvalId: string;
  merchantId: string;
  kind: StepKind;
  reasonCode: string;
  reason: string;
  requestedAt: string;
}

/** Starts and resumes penalty workflow executions (Step Functions in AWS, in-process locally). */
export interface PenaltyExecutions {
  /** Starts an execution that applies one event; idempotent by the event's key. */
  start(merchantId: string, event: PenaltyEventInput): Promise<void>;
  /** Starts the execution that waits for an analyst's decision on the approval; idempotent by approvalId. */
  awaitApproval(approval: AwaitApproval): Promise<void>;
  /** Resumes the execution waiting on `taskToken` with the analyst's decision; ConflictError if it no longer waits. */
  resume(taskToken: string, event: PenaltyEventInput): Promise<void>;
}
