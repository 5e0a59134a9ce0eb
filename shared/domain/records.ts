/** The records the pipeline produces: decisions, violations, warnings, quarantined input. */

export type DecisionKind = 'allow' | 'review' | 'block';

export interface Reason {
  /** Stable UPPER_SNAKE code (see reasons.ts). */
  code: string;
  /** A sentence with the numbers that made the rule fire. */
  detail: string;
  /** The rule fired but an analyst's suppression silenced it for this merchant or buyer: it added nothing to the score. */
  suppressed?: true;
}

export interface Decision {
  eventId: string;
  orderId: string;
  buyerId: string;
  merchantId: string;
  eventType: string;
  occurredAt: string;
  amount: number;
  currency: string;
  score: number;
  decision: DecisionKind;
  reasons: Reason[];
  configVersion: string;
}

export type ViolationType = 'fake_orders' | 'fake_reviews' | 'price_gouging' | 'suspicious_payments';

export interface Violation {
  /** Derived from the evidence, so a replayed detection is the same violation. */
  violationId: string;
  merchantId: string;
  type: ViolationType;
  occurredAt: string;
  evidence: Record<string, unknown>;
  configVersion: string;
  /** Set when an analyst established it (an upheld buyer report): the penalty workflow counts it on that basis. */
  establishedBy?: { by: string; at: string; note: string };
}

export interface QuarantinedRecord {
  /** Where it came from: the stream and sequence number, or the replay's input line. */
  source: string;
  sequenceNumber: string;
  partitionKey?: string;
  reason: string;
  /** The payload as received (UTF-8), cut to a bounded size. */
  payload: string;
  payloadBytes: number;
}

export type WarningType = 'price_gouging' | 'payment_not_by_owner' | 'merchant_restricted' | 'reviews_manipulated' | 'report_outcome';
export type WarningSeverity = 'info' | 'warning' | 'critical';

/**
 * A detector's request to warn a buyer. It carries the numbers a buyer needs and nothing that
 * would teach a fraudster which rule fired: rendering (zh/en) and delivery belong to the warnings
 * capability.
 */
export interface WarningRequest {
  /** Stable: derived from buyer, type and subject, so the same warning is stored once. */
  warningId: string;
  buyerId: string;
  type: WarningType;
  severity: WarningSeverity;
  orderId?: string;
  merchantId?: string;
  skuId?: string;
  /** Template parameters, e.g. { ratio: 3.4, unitPrice: 12950, baseline: 3800, currency: 'CNY' }. */
  params: Record<string, string | number>;
  occurredAt: string;
  sourceEventId: string;
}
