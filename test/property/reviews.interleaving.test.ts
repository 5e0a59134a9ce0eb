/**
 * A review ring is found however its events are interleaved with honest traffic: any merge of the
 * ring's reviews (at any times within two hours, in time order or not: a late shard) into the honest
 * stream (orders and their reviews, in order, as one shard delivers them), in batches of any size.
 * And honest traffic is never flagged on the way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import type { StreamEvent } from '../../shared/contracts/events';
import { HONEST_PHRASES, purchase, reviewEvent } from '../support/reviews';
import { byTime, HOUR, MINUTE, reviewRing, reviewWorld, T0, viralProduct } from '../support/reviewWorld';

/** Honest traffic: a viral product, a steady shop, and a few unverified reviews scattered over shops. */
function honestTraffic() {
  const viral = viralProduct({ buyers: 30, startMs: T0 + 2 * HOUR });
  const steady: StreamEvent[] = [];
  const verified: string[] = [...viral.reviewIds];
  for (let i = 0; i < 12; i++) {
    const placedAtMs = T0 + i * 100 * MINUTE;
    steady.push(...purchase({ orderId: `o-st-${i}`, buyerId: `b-st-${i}`, merchantId: 'm-steady', skuId: `sku-st-${i % 3}`, placedAtMs, completeAfterMs: 8 * HOUR }));
    const review = reviewEvent({
      at: placedAtMs + 9 * HOUR,
      orderId: `o-st-${i}`,
      buyerId: `b-st-${i}`,
      merchantId: 'm-steady',
      skuId: `sku-st-${i % 3}`,
      rating: 4 + (i % 2),
      text: HONEST_PHRASES[i % HONEST_PHRASES.length]!,
      device: { id: `dev-st-${i}`, ip: `113.87.${i}.9` },
    });
    verified.push(review.reviewId);
    steady.push(review);
  }
  const unverified = Array.from({ length: 5 }, (_, i) =>
    reviewEvent({ at: T0 + i * 3 * HOUR, orderId: null, buyerId: `b-walk-${i}`, merchantId: `m-walk-${i}`, skuId: `sku-walk-${i}`, rating: 5, text: HONEST_PHRASES[i]!, device: { id: `dev-walk-${i}` } }),
  );
  return { events: byTime([...viral.events, ...steady, ...unverified]), verified, unverified: unverified.map((r) => r.reviewId) };
}

function interleave<T>(a: readonly T[], b: readonly T[], choices: readonly boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (const takeA of choices) {
    if (i < a.length && (takeA || j >= b.length)) out.push(a[i++]!);
    else if (j < b.length) out.push(b[j++]!);
  }
  return [...out, ...a.slice(i), ...b.slice(j)];
}

describe('review ring detection, property', () => {
  const honest = honestTraffic();
  const rules = defaultThresholds.rules.reviews;

  it('flags the ring and nothing else, for any interleaving, ring order and batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 2 * HOUR }), { minLength: 20, maxLength: 20 }),
        fc.integer({ min: 0, max: 20 * HOUR }),
        fc.option(fc.array(fc.integer(), { minLength: 20, maxLength: 20 }), { nil: undefined }),
        fc.array(fc.boolean(), { minLength: honest.events.length + 20, maxLength: honest.events.length + 20 }),
        fc.integer({ min: 1, max: 60 }),
        async (offsets, startOffset, deliveryKeys, choices, batchSize) => {
          const start = T0 + startOffset;
          const ring = reviewRing({ times: [...offsets].sort((a, b) => a - b).map((o) => start + o) });
          // In time order, or in any order (a producer that retried late, another shard).
          const ringOrder = deliveryKeys === undefined ? ring.events : ring.events.map((e, n) => ({ e, k: deliveryKeys[n]! })).sort((x, y) => x.k - y.k).map((x) => x.e);
          const world = reviewWorld();

          const failed = await world.deliver(interleave(ringOrder, honest.events, choices), batchSize);

          expect(failed).toBe(0);
          const flagged = world.fakeReviews();
          expect(flagged.map((v) => v.merchantId)).toEqual([ring.merchantId]);
          expect(ring.reviewIds).toEqual(expect.arrayContaining(flagged[0]!.evidence.reviewIds as string[]));
          expect(Math.max(...((await world.trustOf(ring.reviewIds)) as number[]))).toBeLessThan(0.1);
          expect(new Set(await world.trustOf(honest.verified))).toEqual(new Set([1]));
          expect(new Set(await world.trustOf(honest.unverified))).toEqual(new Set([rules.purchase.unverifiedFactor]));
        },
      ),
      { numRuns: 30 },
    );
  });
});
