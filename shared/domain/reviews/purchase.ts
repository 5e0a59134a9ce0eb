/**
 * Is the review tied to a real purchase, and did it come when a buyer could have judged the goods?
 * Judged from the order's facts as the order stream recorded them (joined through the feature
 * store), and whether the order lies in a brushing window of its shop. Pure.
 */
import type { ReviewRules } from '../config/reviewRules';
import type { ReasonCode } from '../reasons';
import { silent, type TrustFactor } from './trust';

/** What the order stream knows about an order (times are event time; null: not seen). */
export interface OrderFacts {
  orderId: string;
  merchantId: string | null;
  buyerId: string | null;
  /** The buyer account's creation time, when an order event carried it. */
  buyerCreatedAtMs: number | null;
  skuIds: string[];
  placedAtMs: number | null;
  paidAtMs: number | null;
  completedAtMs: number | null;
  cancelledAtMs: number | null;
  refundedAtMs: number | null;
  /** Moves whenever a fact changes: a judgement on newer facts replaces one on older facts. */
  version: number;
}

export type OrderStatus = 'placed' | 'paid' | 'completed' | 'cancelled' | 'refunded';

/** The order's state from its facts (the latest stage reached wins), or null when no order event was seen. */
export function orderStatus(f: OrderFacts): OrderStatus | null {
  if (f.refundedAtMs !== null) return 'refunded';
  if (f.cancelledAtMs !== null) return 'cancelled';
  if (f.completedAtMs !== null) return 'completed';
  if (f.paidAtMs !== null) return 'paid';
  if (f.placedAtMs !== null) return 'placed';
  return null;
}

/** Placed or paid, and not completed, cancelled or refunded: the buyer is still waiting for the goods. */
export function isOpen(f: OrderFacts): boolean {
  const s = orderStatus(f);
  return s === 'placed' || s === 'paid';
}

/** When the order counts for brushing: the earliest of its placement and payment. */
export function orderTimeMs(f: OrderFacts): number | null {
  if (f.placedAtMs === null) return f.paidAtMs;
  if (f.paidAtMs === null) return f.placedAtMs;
  return Math.min(f.placedAtMs, f.paidAtMs);
}

export interface ReviewSubject {
  reviewId: string;
  buyerId: string;
  merchantId: string;
  skuId: string;
  rating: number;
  postedAtMs: number;
  orderId: string | null;
}

export type PurchaseState = 'verified' | 'unverified' | 'pending' | 'mismatch' | 'unpaid' | 'cancelled' | 'refunded' | 'brushing';

export interface PurchaseVerdict {
  state: PurchaseState;
  /** A verified, paid purchase by this buyer, of this product, from this shop, not brushed, cancelled or refunded. */
  verified: boolean;
  purchase: TrustFactor;
  timing: TrustFactor;
  /** The facts' version these factors were judged on (0: no facts). */
  version: number;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

function factor(name: 'purchase' | 'timing', value: number, code: ReasonCode, detail: string): TrustFactor {
  return value >= 1 ? silent(name) : { name, value, code, detail };
}

/**
 * Judges the purchase behind a review. `facts` null: the order stream has not reported the order
 * (yet). `brushing`: the order lies in a brushing window of its shop (false when unknown).
 */
export function judgePurchase(review: ReviewSubject, facts: OrderFacts | null, brushing: boolean, rules: ReviewRules): PurchaseVerdict {
  const p = rules.purchase;
  const high = review.rating >= rules.highRating;
  const version = facts?.version ?? 0;
  const verdict = (state: PurchaseState, purchase: TrustFactor, timing: TrustFactor = silent('timing')): PurchaseVerdict => ({
    state,
    verified: state === 'verified',
    purchase,
    timing,
    version,
  });

  if (review.orderId === null) {
    return verdict('unverified', factor('purchase', p.unverifiedFactor, 'REVIEW_NOT_VERIFIED', `review ${review.reviewId} names no order`));
  }
  const status = facts === null ? null : orderStatus(facts);
  if (facts === null || status === null) {
    return verdict(
      'pending',
      factor('purchase', p.pendingFactor, 'REVIEW_ORDER_PENDING', `order ${review.orderId} not reported by the order stream yet; judged again when it is`),
    );
  }
  const mismatches = [
    facts.buyerId !== null && facts.buyerId !== review.buyerId ? `buyer ${facts.buyerId}` : null,
    facts.merchantId !== null && facts.merchantId !== review.merchantId ? `shop ${facts.merchantId}` : null,
    facts.skuIds.length > 0 && !facts.skuIds.includes(review.skuId) ? `products ${facts.skuIds.slice(0, 5).join(', ')}` : null,
  ].filter((m): m is string => m !== null);
  if (mismatches.length > 0) {
    return verdict(
      'mismatch',
      factor('purchase', p.mismatchFactor, 'REVIEW_ORDER_MISMATCH', `order ${review.orderId} is of ${mismatches.join(' and ')}, not of this review's ${review.buyerId} / ${review.merchantId} / ${review.skuId}`),
    );
  }
  if (brushing) {
    return verdict('brushing', factor('purchase', p.brushingFactor, 'REVIEW_ORDER_BRUSHING', `order ${review.orderId} lies in a brushing window of shop ${review.merchantId}`));
  }
  if (status === 'cancelled' && high) {
    return verdict('cancelled', factor('purchase', p.cancelledFactor, 'REVIEW_ORDER_CANCELLED', `${review.rating} stars on order ${review.orderId}, cancelled`));
  }
  if (status === 'refunded' && high) {
    return verdict('refunded', factor('purchase', p.refundedFactor, 'REVIEW_ORDER_REFUNDED', `${review.rating} stars on order ${review.orderId}, refunded`));
  }
  if (status === 'placed') {
    return verdict('unpaid', factor('purchase', p.unpaidFactor, 'REVIEW_ORDER_UNPAID', `order ${review.orderId} was placed but not paid`));
  }
  // A low rating on a cancelled or refunded order is a buyer's complaint, not praise bought: it stands, unverified.
  const state: PurchaseState = status === 'cancelled' ? 'cancelled' : status === 'refunded' ? 'refunded' : 'verified';
  return verdict(state, silent('purchase'), judgeTiming(review, facts, rules));
}

/** Too soon: within minutes of confirming receipt, or before receipt within hours of paying. */
export function judgeTiming(review: ReviewSubject, facts: OrderFacts, rules: ReviewRules): TrustFactor {
  const t = rules.tooSoon;
  const at = review.postedAtMs;
  if (facts.completedAtMs !== null && at >= facts.completedAtMs) {
    const after = at - facts.completedAtMs;
    if (after < t.minMinutesAfterCompleted * 60_000) {
      return factor('timing', t.factor, 'REVIEW_TOO_SOON', `posted ${Math.round(after / 1000)} s after receipt was confirmed (minimum ${t.minMinutesAfterCompleted} min)`);
    }
    return silent('timing');
  }
  const paid = facts.paidAtMs ?? facts.placedAtMs;
  if (paid === null) return silent('timing');
  const after = at - paid;
  if (after < t.minHoursAfterPaid * 3_600_000) {
    return factor(
      'timing',
      t.factor,
      'REVIEW_TOO_SOON',
      after < 0 ? `posted ${minutes(-after)} min before the order was paid` : `posted ${minutes(after)} min after payment, before receipt was confirmed (minimum ${t.minHoursAfterPaid} h)`,
    );
  }
  return silent('timing');
}
