/**
 * The purchase family of the review stream: joins each review to its order's facts (one script per
 * review, which also remembers the review with the order so that a change of facts re-judges it),
 * asks the order stream's brushing state whether the order lies in a brushing window (one round
 * trip for the batch), and judges the purchase and its timing.
 *
 * Reviews can arrive before their order events (two streams, two consumers). Such a review is judged
 * `pending` and linked to the order; when the order's facts arrive or change (paid, completed,
 * refunded...), the order stream's facts family re-judges every review linked to it
 * (`rejudgeLinked`). Both sides write the purchase factors with the facts' version, so whichever
 * judgement saw the newest facts wins, in any interleaving.
 */
import type { ReviewEvent } from '../../contracts/events';
import type { OrderBrushingRule, Thresholds } from '../../domain/config/thresholds';
import { judgePurchase, orderTimeMs, type OrderFacts, type PurchaseVerdict, type ReviewSubject } from '../../domain/reviews/purchase';
import type { TrustFactor } from '../../domain/reviews/trust';
import type { BrushingFeatures, FeatureStore, LinkedReview, OrderFactsTtl, TrustFactorUpdate, TrustUpdate } from '../../ports';
import type { Timed } from '../../lambda/kinesisConsumer';

const DAY_MS = 86_400_000;
/** How long an order's facts are kept for the reviews that may follow it. */
export const ORDER_FACTS_TTL_MS = 90 * DAY_MS;
/** How long a review's trust weight is kept (re-judgements after that start from nothing). */
export const REVIEW_TRUST_TTL_MS = 90 * DAY_MS;

export function orderFactsTtl(config: Thresholds): OrderFactsTtl {
  return { factsTtlMs: ORDER_FACTS_TTL_MS, openTtlMs: config.warnings.reviewsManipulated.openOrderDays * DAY_MS };
}

export interface JudgedReview {
  item: Timed<ReviewEvent>;
  subject: ReviewSubject;
  facts: OrderFacts | null;
  verdict: PurchaseVerdict;
}

export function subjectOf({ event, occurredAtMs }: Timed<ReviewEvent>): ReviewSubject {
  return {
    reviewId: event.reviewId,
    buyerId: event.buyerId,
    merchantId: event.merchantId,
    skuId: event.skuId,
    rating: event.rating,
    postedAtMs: occurredAtMs,
    orderId: event.orderId ?? null,
  };
}

/** Per facts: whether the order lies in a brushing window of its shop, as the order stream stored them. One round trip. */
export async function brushingFlags(brushing: BrushingFeatures, facts: readonly (OrderFacts | null)[], rule: OrderBrushingRule): Promise<boolean[]> {
  const flags = facts.map(() => false);
  if (!rule.enabled) return flags;
  const asks: { n: number; atMs: number; shopId: string }[] = [];
  facts.forEach((f, n) => {
    const atMs = f === null ? null : orderTimeMs(f);
    if (f !== null && atMs !== null && f.merchantId !== null) asks.push({ n, atMs, shopId: f.merchantId });
  });
  if (asks.length === 0) return flags;
  const windowMs = rule.windowMinutes * 60_000;
  const windows = await brushing.windows(asks.map((a) => ({ shopId: a.shopId, fromStartMs: a.atMs - windowMs, toStartMs: a.atMs })));
  asks.forEach((a, i) => {
    flags[a.n] = windows[i]!.some((w) => w.startMs <= a.atMs && a.atMs <= w.endMs);
  });
  return flags;
}

/** Judges the purchases of posted reviews: two round trips (facts + links, brushing windows). */
export async function judgePurchases(posted: readonly Timed<ReviewEvent>[], features: FeatureStore, config: Thresholds): Promise<JudgedReview[]> {
  const subjects = posted.map(subjectOf);
  const named = subjects.flatMap((s, n) => (s.orderId === null ? [] : [{ n, link: { ...s, orderId: s.orderId } }]));
  const linkedFacts = await features.orderFacts.link(
    named.map((x) => x.link),
    orderFactsTtl(config),
  );
  const facts: (OrderFacts | null)[] = subjects.map(() => null);
  named.forEach((x, i) => {
    facts[x.n] = linkedFacts[i]!;
  });
  const brushing = await brushingFlags(features.brushing, facts, config.rules.orderBrushing);
  return posted.map((item, n) => ({
    item,
    subject: subjects[n]!,
    facts: facts[n]!,
    verdict: judgePurchase(subjects[n]!, facts[n]!, brushing[n]!, config.rules.reviews),
  }));
}

export function reasonOf(f: TrustFactor): string | null {
  return f.code === null ? null : `${f.code}\u001f${f.detail ?? ''}`;
}

/** The versioned purchase factors of a verdict, as trust updates. */
export function purchaseFactors(verdict: PurchaseVerdict): TrustFactorUpdate[] {
  return [verdict.purchase, verdict.timing].map((f) => ({ name: f.name, value: f.value, reason: reasonOf(f), version: verdict.version }));
}

/**
 * The order side's half: reviews linked to orders whose facts just changed, judged again on the new
 * facts (and the order's brushing state). Returns the trust updates; one brushing round trip.
 */
export async function rejudgeLinked(
  brushing: BrushingFeatures,
  changed: readonly { facts: OrderFacts; linked: readonly LinkedReview[] }[],
  config: Thresholds,
): Promise<TrustUpdate[]> {
  const flags = await brushingFlags(
    brushing,
    changed.map((c) => c.facts),
    config.rules.orderBrushing,
  );
  return changed.flatMap((c, n) =>
    c.linked.map((review) => ({
      reviewId: review.reviewId,
      subject: review,
      factors: purchaseFactors(judgePurchase(review, c.facts, flags[n]!, config.rules.reviews)),
    })),
  );
}
