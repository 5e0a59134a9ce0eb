/**
 * Feature families of the review stream (and the order facts it joins on). Each call is one round
 * trip for the whole batch, one script per item at most.
 */
import type { OrderFacts, ReviewSubject } from '../domain/reviews/purchase';
import type { TrustFactorName } from '../domain/reviews/trust';

export type FactTime = 'placed' | 'paid' | 'completed' | 'cancelled' | 'refunded';

/** What one batch learnt about one order. Facts merge as a lattice (earliest time per stage, first buyer/shop/SKUs). */
export interface OrderFactsUpdate {
  orderId: string;
  merchantId: string;
  buyerId: string;
  buyerCreatedAtMs: number | null;
  /** The order's SKUs, when the events carried line items. */
  skuIds: readonly string[];
  times: readonly { stage: FactTime; atMs: number }[];
  /**
   * An order placed or paid in this batch, on these SKUs, at `atMs`: it joins each SKU's open orders,
   * and the answer says which of the SKUs have manipulated reviews at that time.
   */
  open: { skuIds: readonly string[]; atMs: number } | null;
}

/** A review that named an order, remembered with the order so that a change of facts re-judges it. */
export type LinkedReview = ReviewSubject;

export interface OrderFactsResult {
  /** False when the store already held every fact (a redelivery): nothing to re-judge. */
  changed: boolean;
  facts: OrderFacts;
  /** When changed: the reviews that named this order. */
  linked: LinkedReview[];
  /** Of `open.skuIds`, those with manipulated reviews at `open.atMs`. */
  manipulatedSkuIds: string[];
}

export interface OpenOrder {
  orderId: string;
  buyerId: string;
  atMs: number;
}

export interface OrderFactsTtl {
  /** How long an order's facts (and its links to reviews) are kept after their last change. */
  factsTtlMs: number;
  /** How long an open order stays listed under its SKUs (orders older than this are not "open"). */
  openTtlMs: number;
}

export interface OrderFactsFeatures {
  /** Merges facts (one script per order); see OrderFactsResult. */
  record(updates: readonly OrderFactsUpdate[], ttl: OrderFactsTtl): Promise<OrderFactsResult[]>;
  /** Links reviews to the orders they name and returns those orders' facts (null: no order event seen). */
  link(reviews: readonly (LinkedReview & { orderId: string })[], ttl: OrderFactsTtl): Promise<(OrderFacts | null)[]>;
  /** Facts of orders (null: none). */
  read(orderIds: readonly string[]): Promise<(OrderFacts | null)[]>;
  /**
   * Marks SKUs as having manipulated reviews until `untilMs` (event time; a later mark extends it) and
   * returns the orders listed open under each since `sinceMs` (at most `limit`, newest first). The
   * list is not pruned when an order closes: read the facts to know which are still open.
   */
  markManipulated(marks: readonly { skuId: string; untilMs: number; sinceMs: number }[], limit: number, ttlMs: number): Promise<OpenOrder[][]>;
}

/** What a review's windows call keeps and reads; one script per review. */
export interface ReviewPost {
  reviewId: string;
  buyerId: string;
  merchantId: string;
  atMs: number;
  /** Counted at full weight: not from a verified, paid buyer. (A verified buyer already counted in a burst window is counted as suspicious.) */
  suspicious: boolean;
  /** Burst scopes (`sku:<id>`, `merchant:<id>`); none for a rating below "high". */
  bursts: readonly { scope: string; history?: { fromHour: number; toHour: number } }[];
  /** Ring sets the reviewer joins (e.g. `sku:<id>:device:<id>`). */
  rings: readonly string[];
  /** LSH band keys of the text; empty when it is not indexed. */
  bands: readonly string[];
  /** Whether to return the text's near-duplicates (it is indexed either way). */
  nearDuplicates: boolean;
}

export interface ReviewWindowParams {
  burstWindowMs: number;
  /** Burst members are returned when the window holds at least this many suspicious ratings. */
  burstEvidenceFrom: number;
  ringWindowMs: number;
  /** Ring members are returned when the set holds at least this many accounts. */
  ringEvidenceFrom: number;
  /** At most this many members per burst or ring. */
  evidenceLimit: number;
  textTtlMs: number;
  bucketCap: number;
  /** Only reviews sharing at least this many bands are returned as near-duplicates. */
  minSharedBands: number;
  /** How long hourly burst counts are kept (longer than the baseline). */
  historyTtlMs: number;
  /** How long a review's record of where it was counted is kept (longer than every window). */
  recordTtlMs: number;
}

export interface BurstAnswer {
  /** This review was counted as suspicious in this scope. */
  countedSuspicious: boolean;
  suspicious: number;
  verified: number;
  /** Suspicious reviews in the window (newest first), when at least `burstEvidenceFrom`. */
  members: { reviewId: string; buyerId: string }[];
  /** Hourly counts, when `history` was asked for. */
  history: { hour: number; suspicious: number; verified: number }[];
}

export interface RingAnswer {
  /** Distinct accounts in the set within the window, this one included. */
  accounts: number;
  members: { reviewId: string; buyerId: string }[];
}

export interface NearDuplicate {
  reviewId: string;
  buyerId: string;
  merchantId: string;
  suspicious: boolean;
  sharedBands: number;
}

export interface ReviewPostAnswer {
  /** False when the review was deleted before its post was processed: it counts nowhere. */
  counted: boolean;
  bursts: BurstAnswer[];
  rings: RingAnswer[];
  near: NearDuplicate[];
}

export interface ReviewWindows {
  /**
   * Counts reviews (idempotent per reviewId) and answers in order: a later post sees an earlier one.
   * A post's windows reach both ways from its time ([t - window, t + window]), so a review delivered
   * late still meets those posted after it.
   */
  post(posts: readonly ReviewPost[], params: ReviewWindowParams): Promise<ReviewPostAnswer[]>;
  /**
   * Removes reviews from every window they were counted in, and remembers them as deleted so that
   * a post delivered after its deletion counts nowhere. True per review that had been counted.
   */
  remove(reviewIds: readonly string[], params: ReviewWindowParams): Promise<boolean[]>;
}

export interface TrustFactorUpdate {
  name: TrustFactorName;
  value: number;
  /** `CODE\u001fdetail`, or null when the factor is 1. */
  reason: string | null;
  /** Facts version for a versioned factor (the newest judgement wins); absent: the lowest value wins. */
  version?: number;
}

export interface TrustUpdate {
  reviewId: string;
  /** Who and what; the first copy written stays. */
  subject?: ReviewSubject;
  factors: readonly TrustFactorUpdate[];
}

export interface ReviewTrustRecord {
  reviewId: string;
  subject: ReviewSubject | null;
  trust: number;
  deleted: boolean;
  factors: Partial<Record<TrustFactorName, { value: number; reason: string | null; version: number | null }>>;
}

export interface ReviewTrust {
  /** Merges factors and stores the weight (their product); per update the weight after, or null if deleted. */
  update(updates: readonly TrustUpdate[], ttlMs: number): Promise<(number | null)[]>;
  /** A deleted review weighs 0 and takes no further update. */
  markDeleted(reviewIds: readonly string[], ttlMs: number): Promise<void>;
  read(reviewIds: readonly string[]): Promise<(ReviewTrustRecord | null)[]>;
}
