/**
 * The review-stream handler on Kinesis-shaped batches with the real Redis feature store (when one
 * answers), against the same records only decoded and schema-validated (the floor any consumer pays).
 *
 * Traffic: reviews of 2,000 SKUs at 400 shops, about one a second of event time; 19 in 20 name an
 * order whose facts the order stream recorded beforehand (not timed), the rest name none; ratings
 * mostly high; texts built from a pool of common phrases in Chinese and English (so LSH buckets fill
 * as they do in production); every 5,000 reviews a ring of 20 accounts on 3 devices with one script,
 * so the evidence, violation and warning paths run too.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { makeReviewStreamHandler } from '../../functions/review-stream/handler';
import { MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { orderFactsTtl } from '../../shared/app/reviews/purchase';
import { createReviewPipeline } from '../../shared/app/reviewPipeline';
import { defaultThresholds } from '../../shared/config';
import type { ReviewEvent } from '../../shared/contracts/events';
import type { OrderFactsUpdate } from '../../shared/ports';
import { decodeOnlyRate, timeHandler, withBenchFeatureStore } from './harness';

export const BATCH_SIZE = 500;
const T0 = Date.parse('2026-11-28T00:00:00Z');

const PHRASES = [
  '质量很好',
  '物流很快',
  '包装完好',
  '跟描述一致',
  '性价比很高',
  '会回购',
  '用了几天感觉不错',
  '客服态度也好',
  '第二次购买了',
  '家里人都说好',
  '发货速度快',
  '颜色很正',
  '尺码合适',
  '味道不错',
  '一般般',
  '有点小瑕疵',
  'Great quality',
  'fast delivery',
  'exactly as described',
  'would buy again',
  'good value for money',
  'works as expected',
  'packaging could be better',
  'arrived a day late',
  'my kids love it',
  'fits perfectly',
];

/** A small deterministic generator (the same traffic every run). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

export function reviewTraffic(events: number, seed = 5): { reviews: ReviewEvent[]; orders: OrderFactsUpdate[] } {
  const rnd = lcg(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const reviews: ReviewEvent[] = [];
  const orders: OrderFactsUpdate[] = [];
  let t = T0;
  for (let n = 0; reviews.length < events; n++) {
    t += Math.round(rnd() * 2_000);
    if (n > 0 && n % 5_000 === 0) {
      const m = `m-${Math.floor(rnd() * 400)}`;
      const sku = `${m}-sku-ring-${n}`;
      for (let k = 0; k < 20 && reviews.length < events; k++) {
        t += 30_000;
        reviews.push(review(`r-ring-${n}-${k}`, `b-ring-${n}-${k}`, m, sku, null, 5, `这家店的东西真的太好了，强烈推荐，五星好评！${k % 3 === 0 ? '会回购的' : ''}`, `dev-ring-${n}-${k % 3}`, `198.51.${n % 200}.${k + 1}`, t));
      }
      continue;
    }
    const m = Math.floor(rnd() * 400);
    const merchantId = `m-${m}`;
    const skuId = `${merchantId}-sku-${Math.floor(rnd() * 5)}`;
    const buyerId = `b-${Math.floor(rnd() * 200_000)}`;
    const orderId = rnd() < 0.95 ? `o-${n}` : null;
    if (orderId !== null) {
      orders.push({
        orderId,
        merchantId,
        buyerId,
        buyerCreatedAtMs: T0 - Math.round(rnd() * 900) * 86_400_000,
        skuIds: [skuId],
        times: [
          { stage: 'placed', atMs: t - 30 * 3_600_000 },
          { stage: 'paid', atMs: t - 30 * 3_600_000 + 60_000 },
          { stage: 'completed', atMs: t - 3_600_000 },
        ],
        open: null,
      });
    }
    const rating = rnd() < 0.8 ? 5 : 1 + Math.floor(rnd() * 4);
    const text = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(PHRASES)).join('，');
    reviews.push(review(`r-${n}`, buyerId, merchantId, skuId, orderId, rating, text, `dev-${buyerId}`, `${36 + (m % 50)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 250)}`, t));
  }
  return { reviews, orders };
}

function review(reviewId: string, buyerId: string, merchantId: string, skuId: string, orderId: string | null, rating: number, text: string, device: string, ip: string, atMs: number): ReviewEvent {
  return {
    schemaVersion: 1,
    kind: 'review',
    eventId: `e-${reviewId}`,
    type: 'review.posted',
    occurredAt: new Date(atMs).toISOString(),
    reviewId,
    orderId,
    buyerId,
    merchantId,
    skuId,
    rating,
    text,
    device: { id: device, ip },
  };
}

function kinesisBatches(reviews: readonly ReviewEvent[]): KinesisStreamEvent[] {
  const batches: KinesisStreamEvent[] = [];
  for (let i = 0; i < reviews.length; i += BATCH_SIZE) {
    batches.push({
      Records: reviews.slice(i, i + BATCH_SIZE).map((r, k) => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: r.skuId,
          sequenceNumber: String(i + k + 1),
          data: Buffer.from(JSON.stringify(r)).toString('base64'),
          approximateArrivalTimestamp: 0,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${i + k + 1}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'bench',
        awsRegion: 'local',
        eventSourceARN: 'bench',
      })),
    });
  }
  return batches;
}

export async function benchReviewConsumer(options: { events: number; redisUrl?: string }): Promise<Record<string, unknown>> {
  const { reviews, orders } = reviewTraffic(options.events);
  const batches = kinesisBatches(reviews);
  const decodeOnlyEventsPerSecond = decodeOnlyRate(batches, 'review');
  return withBenchFeatureStore(options.redisUrl, async (features, redisCpu) => {
    // The order stream's facts, recorded before the clock starts.
    for (let i = 0; i < orders.length; i += BATCH_SIZE) await features.orderFacts.record(orders.slice(i, i + BATCH_SIZE), orderFactsTtl(defaultThresholds));
    const violations = new MemoryViolationLedger();
    const pipeline = createReviewPipeline({ features, violations, config: new StaticConfigSource(defaultThresholds) });
    const handler = makeReviewStreamHandler({ process: pipeline, quarantine: new MemoryQuarantine() });
    const timed = await timeHandler(batches, handler, redisCpu);
    return {
      events: reviews.length,
      batchSize: BATCH_SIZE,
      featureStore: features.name,
      eventsPerSecond: timed.eventsPerSecond,
      decodeOnlyEventsPerSecond,
      failedRecords: timed.failedRecords,
      cpuUsPerEvent: timed.cpuUsPerEvent,
      ...(timed.redisCallsPerEvent ? { redisCallsPerEvent: timed.redisCallsPerEvent } : {}),
      fakeReviewViolations: violations.byId.size,
    };
  });
}
