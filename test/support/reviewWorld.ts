/**
 * The order and review pipelines on one in-memory feature store, behind their stream handlers, as the
 * Lambda functions run them; and the traffic of the review tests (a viral product, a review ring).
 */
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { makeReviewStreamHandler } from '../../functions/review-stream/handler';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { createReviewPipeline, type ReviewPipeline } from '../../shared/app/reviewPipeline';
import { defaultThresholds } from '../../shared/config';
import type { StreamEvent } from '../../shared/contracts/events';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import type { WarningRequest } from '../../shared/domain/records';
import type { FeatureStore } from '../../shared/ports';
import { kinesisEvent, lambdaContext } from './kinesis';
import { HONEST_PHRASES, purchase, reviewEvent, RING_EDITS, RING_SCRIPT } from './reviews';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const T0 = Date.parse('2026-11-28T02:00:00Z');

export function reviewWorld(options: { features?: FeatureStore; config?: Thresholds } = {}) {
  const features = options.features ?? createMemoryFeatureStore();
  const violations = new MemoryViolationLedger();
  const quarantine = new MemoryQuarantine();
  const warnings: WarningRequest[] = [];
  const outbox = { request: async (ws: readonly WarningRequest[]) => void warnings.push(...ws) };
  const config = new StaticConfigSource(options.config ?? defaultThresholds);
  const orderPipeline = createOrderPipeline({ features, violations, decisions: new MemoryDecisionLog(), config, warnings: outbox });
  const reviewPipeline: ReviewPipeline = createReviewPipeline({ features, violations, config, warnings: outbox });
  let duplicates = 0;
  const orderHandler = makeOrderStreamHandler({ pipeline: orderPipeline, quarantine });
  const reviewHandler = makeReviewStreamHandler({
    quarantine,
    process: async (items) => {
      const result = await reviewPipeline(items);
      duplicates += result.duplicates;
      return result;
    },
  });
  let sequence = 1;

  /** Delivers events in the given order, in batches of at most `batchSize` consecutive events of one stream. Returns the failed records. */
  async function deliver(events: readonly StreamEvent[], batchSize = 100): Promise<number> {
    let failed = 0;
    for (let i = 0; i < events.length; ) {
      const kind = events[i]!.kind;
      let j = i;
      while (j < events.length && j - i < batchSize && events[j]!.kind === kind) j++;
      const batch = kinesisEvent(events.slice(i, j), sequence);
      sequence += j - i;
      try {
        const response = kind === 'order' ? await orderHandler(batch, lambdaContext) : await reviewHandler(batch, lambdaContext);
        failed += response.batchItemFailures.length;
      } catch (error) {
        // Every record failed: Powertools throws, and Lambda retries the whole batch.
        if ((error as Error).name !== 'FullBatchFailureError') throw error;
        failed += j - i;
      }
      i = j;
    }
    return failed;
  }

  async function trustOf(reviewIds: readonly string[]): Promise<(number | null)[]> {
    return (await features.reviewTrust.read(reviewIds)).map((r) => r?.trust ?? null);
  }

  const fakeReviews = () => [...violations.byId.values()].filter((v) => v.type === 'fake_reviews');
  return { features, violations, quarantine, warnings, deliver, trustOf, fakeReviews, duplicates: () => duplicates, flush: () => orderPipeline.flush(Number.POSITIVE_INFINITY) };
}

/** Events sorted by event time (stable). */
export function byTime(events: readonly StreamEvent[]): StreamEvent[] {
  return [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

/**
 * A viral product: `buyers` distinct established buyers order it within 90 minutes, receive it three
 * hours after paying and review it (mostly five stars, generic phrases) within the next two hours.
 */
export function viralProduct(options: { buyers: number; merchantId?: string; skuId?: string; startMs?: number; seed?: number }) {
  const merchantId = options.merchantId ?? 'm-viral';
  const skuId = options.skuId ?? 'sku-viral';
  const start = options.startMs ?? T0;
  const events: StreamEvent[] = [];
  const reviewIds: string[] = [];
  let s = options.seed ?? 1;
  const rnd = () => ((s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  for (let i = 0; i < options.buyers; i++) {
    const buyerId = `b-fan-${merchantId}-${i}`;
    const orderId = `o-fan-${merchantId}-${i}`;
    const placedAtMs = start + Math.floor(rnd() * 90 * MINUTE);
    const completeAfterMs = 3 * HOUR;
    events.push(...purchase({ orderId, buyerId, merchantId, skuId, placedAtMs, completeAfterMs, accountCreatedAt: new Date(start - (400 + i * 13) * 86_400_000).toISOString() }));
    const review = reviewEvent({
      at: placedAtMs + MINUTE + completeAfterMs + Math.floor((10 + rnd() * 100) * MINUTE),
      orderId,
      buyerId,
      merchantId,
      skuId,
      rating: rnd() < 0.8 ? 5 : 4,
      text: HONEST_PHRASES[Math.floor(rnd() * HONEST_PHRASES.length)]!,
      device: { id: `dev-${buyerId}`, ip: `${36 + (i % 7)}.${(i * 37) % 256}.${(i * 11) % 256}.${1 + (i % 250)}` },
    });
    reviewIds.push(review.reviewId);
    events.push(review);
  }
  return { events: byTime(events), reviewIds, merchantId, skuId };
}

/** A review ring: `accounts` new accounts, no orders, five stars on one SKU within two hours, 3 devices in one /24, one script. */
export function reviewRing(options: { accounts?: number; merchantId?: string; skuId?: string; times?: readonly number[]; startMs?: number }) {
  const n = options.accounts ?? 20;
  const merchantId = options.merchantId ?? 'm-ring';
  const skuId = options.skuId ?? 'sku-ring';
  const start = options.startMs ?? T0 + HOUR;
  const times = options.times ?? Array.from({ length: n }, (_, i) => start + i * 6 * MINUTE);
  const events = times.map((at, i) =>
    reviewEvent({
      at,
      eventId: `e-ring-${merchantId}-${i}`,
      reviewId: `r-ring-${merchantId}-${i}`,
      orderId: null,
      buyerId: `b-new-${merchantId}-${i}`,
      merchantId,
      skuId,
      rating: 5,
      text: RING_EDITS[i % RING_EDITS.length]!(RING_SCRIPT),
      device: { id: `dev-ring-${merchantId}-${i % 3}`, ip: `198.51.100.${10 + i}` },
    }),
  );
  return { events, reviewIds: events.map((e) => e.reviewId), accounts: events.map((e) => e.buyerId), merchantId, skuId };
}
