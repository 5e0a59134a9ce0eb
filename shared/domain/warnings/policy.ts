/**
 * What a stored buyer warning is and the rules around it, pure: rendering a request into the warning
 * kept for the buyer, the de-duplication window, the per-buyer rate-limit window, the list order
 * (unread first, newest first), the view a buyer is shown, and the warnings this capability raises
 * itself (a restricted merchant, manipulated reviews).
 */
import type { WarningRules } from '../config/warningRules';
import { stableId } from '../ids';
import type { PenaltyLevel } from '../penalties/policy';
import { PENALTY_LEVELS } from '../penalties/policy';
import type { WarningRequest, WarningSeverity, WarningType } from '../records';
import { renderWarning, type Messages } from './messages';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * HOUR_MS;

export type WarningStatus = 'unread' | 'read' | 'withdrawn';

/** A warning as kept for its buyer. `sourceEventId` is internal: it is never shown. */
export interface StoredWarning {
  warningId: string;
  buyerId: string;
  type: WarningType;
  severity: WarningSeverity;
  orderId?: string;
  merchantId?: string;
  skuId?: string;
  message: Messages;
  /** Event time of the (latest) issue, normalised to UTC ISO (it orders the list). */
  issuedAt: string;
  issuedAtMs: number;
  status: WarningStatus;
  readAt?: string;
  withdrawnAt?: string;
  /** Past this (event time of issue + retention) the warning is no longer listed. */
  expiresAtMs: number;
  sourceEventId: string;
}

/** What the buyer sees (API and live push): an allowlist, so nothing internal can leak by addition. */
export interface BuyerWarningView {
  warningId: string;
  type: WarningType;
  severity: WarningSeverity;
  status: 'unread' | 'read';
  message: Messages;
  orderId?: string;
  merchantId?: string;
  skuId?: string;
  issuedAt: string;
  readAt?: string;
}

/** Renders a detector's request into the warning kept for the buyer. Undefined if its time does not parse. */
export function issueWarning(request: WarningRequest, rules: WarningRules): StoredWarning | undefined {
  const issuedAtMs = Date.parse(request.occurredAt);
  if (!Number.isFinite(issuedAtMs)) return undefined;
  return {
    warningId: request.warningId,
    buyerId: request.buyerId,
    type: request.type,
    severity: request.severity,
    ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
    ...(request.merchantId === undefined ? {} : { merchantId: request.merchantId }),
    ...(request.skuId === undefined ? {} : { skuId: request.skuId }),
    message: renderWarning(request),
    issuedAt: new Date(issuedAtMs).toISOString(),
    issuedAtMs,
    status: 'unread',
    expiresAtMs: issuedAtMs + rules.retentionDays * DAY_MS,
    sourceEventId: request.sourceEventId,
  };
}

/**
 * A stored warning with the same id blocks a new issue when it was issued after this instant (within
 * the window before the new one). A late, older occurrence is blocked as well: its cutoff is older still.
 */
export function dedupeCutoffMs(issuedAtMs: number, rules: WarningRules): number {
  return issuedAtMs - rules.dedupeWindowHours * HOUR_MS;
}

export function isRecent(stored: Pick<StoredWarning, 'issuedAtMs'>, cutoffMs: number): boolean {
  return stored.issuedAtMs > cutoffMs;
}

/**
 * Whether the per-buyer rate limit applies to a warning: not to the exempt severities, nor to the
 * outcome of the buyer's own report (an answer they asked for, bounded by their open-report limit).
 */
export function isRateLimited(warning: Pick<StoredWarning, 'type' | 'severity'>, rules: WarningRules): boolean {
  return warning.type !== 'report_outcome' && !rules.rateLimit.exemptSeverities.includes(warning.severity);
}

/** The fixed rate-limit window an issue falls in (event time), and when its counter may be forgotten. */
export function rateWindow(issuedAtMs: number, rules: WarningRules): { startMs: number; expiresAtMs: number } {
  const lengthMs = rules.rateLimit.windowMinutes * MINUTE_MS;
  const startMs = Math.floor(issuedAtMs / lengthMs) * lengthMs;
  return { startMs, expiresAtMs: startMs + 2 * lengthMs };
}

/**
 * The list order as one sortable string: descending order lists unread (`u`) before read (`r`), each
 * newest first; the id breaks ties. Withdrawn warnings have none: they are not listed.
 */
export function listKey(w: Pick<StoredWarning, 'status' | 'issuedAt' | 'warningId'>): string | undefined {
  if (w.status === 'withdrawn') return undefined;
  return `${w.status === 'unread' ? 'u' : 'r'}#${w.issuedAt}#${w.warningId}`;
}

export function isListed(w: StoredWarning, nowMs: number): boolean {
  return w.status !== 'withdrawn' && w.expiresAtMs > nowMs;
}

export function buyerView(w: StoredWarning): BuyerWarningView {
  if (w.status === 'withdrawn') throw new Error(`warning ${w.warningId} is withdrawn and has no buyer view`);
  return {
    warningId: w.warningId,
    type: w.type,
    severity: w.severity,
    status: w.status,
    message: { zh: w.message.zh, en: w.message.en },
    ...(w.orderId === undefined ? {} : { orderId: w.orderId }),
    ...(w.merchantId === undefined ? {} : { merchantId: w.merchantId }),
    ...(w.skuId === undefined ? {} : { skuId: w.skuId }),
    issuedAt: w.issuedAt,
    ...(w.readAt === undefined ? {} : { readAt: w.readAt }),
  };
}

/** A merchant's standing as far as buyers are concerned. */
export interface MerchantRestriction {
  level: PenaltyLevel | null;
  blacklisted: boolean;
}

/** Whether buyers ordering from the merchant are to be warned. */
export function warnsBuyers(restriction: MerchantRestriction | undefined, rules: WarningRules): boolean {
  if (restriction === undefined || !rules.merchantRestricted.enabled) return false;
  if (restriction.blacklisted) return true;
  return restriction.level !== null && PENALTY_LEVELS.indexOf(restriction.level) >= PENALTY_LEVELS.indexOf(rules.merchantRestricted.fromLevel);
}

export interface OrderRef {
  eventId: string;
  occurredAt: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
}

/** "This shop is restricted": one per buyer and merchant (the subject is the shop, not the order). */
export function merchantRestrictedWarning(order: OrderRef, restriction: MerchantRestriction): WarningRequest {
  const severe = restriction.blacklisted || restriction.level === 'terminated';
  return {
    warningId: stableId('warn', order.buyerId, 'merchant_restricted', order.merchantId),
    buyerId: order.buyerId,
    type: 'merchant_restricted',
    severity: severe ? 'critical' : 'warning',
    orderId: order.orderId,
    merchantId: order.merchantId,
    params: {},
    occurredAt: order.occurredAt,
    sourceEventId: order.eventId,
  };
}

export interface ManipulatedReviews {
  skuId: string;
  /** When the manipulation was established (event time) and by which event. */
  occurredAt: string;
  sourceEventId: string;
}

/** "Reviews of this product look manipulated", to a buyer with an open order for it: one per buyer and SKU. */
export function reviewsManipulatedWarning(finding: ManipulatedReviews, open: { buyerId: string; orderId: string; merchantId: string }): WarningRequest {
  return {
    warningId: stableId('warn', open.buyerId, 'reviews_manipulated', finding.skuId),
    buyerId: open.buyerId,
    type: 'reviews_manipulated',
    severity: 'warning',
    orderId: open.orderId,
    merchantId: open.merchantId,
    skuId: finding.skuId,
    params: {},
    occurredAt: finding.occurredAt,
    sourceEventId: finding.sourceEventId,
  };
}

