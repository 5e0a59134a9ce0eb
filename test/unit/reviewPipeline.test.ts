import { describe, expect, it } from 'vitest';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { defaultThresholds } from '../../shared/config';
import type { StreamEvent } from '../../shared/contracts/events';
import { DependencyError } from '../../shared/errors';
import type { FeatureStore } from '../../shared/ports';
import { purchase, reviewEvent } from '../support/reviews';
import { byTime, HOUR, MINUTE, reviewRing, reviewWorld, T0, viralProduct } from '../support/reviewWorld';

describe('review pipeline', () => {
  it('does not flag a viral product with many genuine, verified reviews', async () => {
    const world = reviewWorld();
    const viral = viralProduct({ buyers: 80 });

    const failed = await world.deliver(viral.events);

    expect(failed).toBe(0);
    expect(world.fakeReviews()).toEqual([]);
    expect(world.warnings.filter((w) => w.type === 'reviews_manipulated')).toEqual([]);
    expect(new Set(await world.trustOf(viral.reviewIds))).toEqual(new Set([1]));
  });

  it('flags a ring of 20 new accounts posting five stars within two hours with no orders, with the evidence', async () => {
    const world = reviewWorld();
    const ring = reviewRing({});

    await world.deliver(ring.events, 7);

    const violations = world.fakeReviews();
    expect(violations).toHaveLength(1);
    const v = violations[0]!;
    expect(v.merchantId).toBe(ring.merchantId);
    expect(v.evidence.skuIds).toEqual([ring.skuId]);
    expect(v.evidence.signals).toEqual(expect.arrayContaining(['ring:device', 'near_duplicate_text']));
    expect((v.evidence.reviewIds as string[]).length).toBeGreaterThanOrEqual(3);
    expect(ring.reviewIds).toEqual(expect.arrayContaining(v.evidence.reviewIds as string[]));
    expect(ring.accounts).toEqual(expect.arrayContaining(v.evidence.reviewerIds as string[]));
    expect(v.evidence.rings).toEqual(expect.arrayContaining([expect.objectContaining({ link: 'device', value: expect.stringMatching(/^dev-ring-/) })]));
    expect(v.evidence.textCluster).toMatchObject({ accounts: expect.any(Number), merchantShare: 1 });
    // Every ring review ends near zero, including those posted before the ring was found.
    expect(Math.max(...((await world.trustOf(ring.reviewIds)) as number[]))).toBeLessThan(0.05);
  });

  it('also finds the burst of the same ring, against the SKU and the shop, in one violation', async () => {
    const world = reviewWorld();
    const ring = reviewRing({});

    await world.deliver(ring.events, 500);

    const [v] = world.fakeReviews();
    expect(v!.evidence.signals).toEqual(expect.arrayContaining(['burst:sku', 'burst:merchant', 'ring:device', 'ring:network', 'near_duplicate_text']));
    expect(v!.evidence.burst).toMatchObject({ suspicious: expect.any(Number), verified: 0, usualPerHour: defaultThresholds.rules.reviews.burst.priorPerHour });
  });

  it('judges a review that arrived before its order again when the order arrives', async () => {
    const world = reviewWorld();
    const order = purchase({ orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', skuId: 'sku-1', placedAtMs: T0, completeAfterMs: 20 * HOUR });
    const review = reviewEvent({ at: T0 + 22 * HOUR, orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', skuId: 'sku-1', rating: 5 });

    await world.deliver([review]);
    const [pending] = await world.trustOf([review.reviewId]);
    await world.deliver(order);
    const [judged] = await world.trustOf([review.reviewId]);

    expect(pending).toBe(defaultThresholds.rules.reviews.purchase.pendingFactor);
    expect(judged).toBe(1);
  });

  it('lowers a five-star review when its order is refunded afterwards', async () => {
    const world = reviewWorld();
    const order = purchase({ orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', skuId: 'sku-1', placedAtMs: T0, completeAfterMs: 20 * HOUR });
    const review = reviewEvent({ at: T0 + 22 * HOUR, orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', skuId: 'sku-1', rating: 5 });
    const refund = { ...order[0]!, eventId: 'o-1-r', type: 'order.refunded' as const, occurredAt: new Date(T0 + 30 * HOUR).toISOString() };

    await world.deliver([...order, review]);
    await world.deliver([refund]);
    const [record] = await world.features.reviewTrust.read([review.reviewId]);

    expect(record!.trust).toBe(defaultThresholds.rules.reviews.purchase.refundedFactor);
    expect(record!.factors.purchase!.reason).toBe('REVIEW_ORDER_REFUNDED\u001f5 stars on order o-1, refunded');
  });

  it('discounts a review of an order that lies in a brushing window of its shop', async () => {
    const world = reviewWorld();
    // One buyer, three orders within the hour: orders / buyers = 3, the brushing rate.
    const orders = [0, 10, 20].flatMap((m, i) => purchase({ orderId: `o-br-${i}`, buyerId: 'b-acc', merchantId: 'm-br', skuId: 'sku-br', placedAtMs: T0 + m * MINUTE, completeAfterMs: 4 * HOUR }));
    const review = reviewEvent({ at: T0 + 6 * HOUR, orderId: 'o-br-1', buyerId: 'b-acc', merchantId: 'm-br', skuId: 'sku-br' });

    await world.deliver(byTime([...orders, review]));
    const [record] = await world.features.reviewTrust.read([review.reviewId]);

    expect(record!.trust).toBe(defaultThresholds.rules.reviews.purchase.brushingFactor);
    expect(record!.factors.purchase!.reason).toMatch(/^REVIEW_ORDER_BRUSHING/);
  });

  it('takes a deleted review out of every window it was counted in', async () => {
    const ring = reviewRing({ accounts: 3 });
    const deletion = { ...ring.events[0]!, eventId: 'e-del', type: 'review.deleted' as const, occurredAt: new Date(Date.parse(ring.events[1]!.occurredAt) + MINUTE).toISOString() };
    // The same three reviews on one device, once with the first deleted before the third arrives.
    const sameDevice = (events: StreamEvent[]) => events.map((e) => (e.kind === 'review' ? { ...e, device: { id: 'dev-shared' } } : e));
    const kept = reviewWorld();
    const withDeletion = reviewWorld();

    await kept.deliver(sameDevice(ring.events), 1);
    await withDeletion.deliver(sameDevice([ring.events[0]!, ring.events[1]!, deletion, ring.events[2]!]), 1);

    expect(kept.fakeReviews()).toHaveLength(1); // 3 accounts on one device, 3 near-duplicate texts
    expect(withDeletion.fakeReviews()).toEqual([]); // only 2 left in the device set and the text buckets
    expect(await withDeletion.trustOf([ring.reviewIds[0]!])).toEqual([0]);
  });

  it('changes nothing when a batch is delivered again, with new sequence numbers', async () => {
    const world = reviewWorld();
    const ring = reviewRing({});
    await world.deliver(ring.events, 50);
    const before = { violations: world.fakeReviews(), warnings: world.warnings.length, trust: await world.trustOf(ring.reviewIds) };

    await world.deliver(ring.events, 50);

    expect(world.fakeReviews()).toEqual(before.violations);
    expect(world.warnings).toHaveLength(before.warnings);
    expect(await world.trustOf(ring.reviewIds)).toEqual(before.trust);
    expect(world.duplicates()).toBe(ring.events.length);
  });

  it('converges to the same state when a batch fails half-way and is retried', async () => {
    const ring = reviewRing({});
    const clean = reviewWorld();
    await clean.deliver(ring.events, 50);
    let failNext = true;
    const inner = createMemoryFeatureStore();
    const flaky: FeatureStore = {
      ...inner,
      reviewTrust: {
        ...inner.reviewTrust,
        read: (ids) => inner.reviewTrust.read(ids),
        markDeleted: (ids, ttl) => inner.reviewTrust.markDeleted(ids, ttl),
        update: async (updates, ttl) => {
          if (failNext) {
            failNext = false;
            throw new DependencyError('redis', 'connection reset');
          }
          return inner.reviewTrust.update(updates, ttl);
        },
      },
    };
    const retried = reviewWorld({ features: flaky });

    const firstFailed = await retried.deliver(ring.events, 50);
    await retried.deliver(ring.events, 50);

    expect(firstFailed).toBe(ring.events.length);
    // The same violation (its evidence is what the recording attempt saw) and the same weights.
    expect(retried.fakeReviews().map((v) => v.violationId)).toEqual(clean.fakeReviews().map((v) => v.violationId));
    expect(await retried.trustOf(ring.reviewIds)).toEqual(await clean.trustOf(ring.reviewIds));
  });

  it('warns buyers with an open order on the manipulated SKU, now and when they order later, not those whose order is done', async () => {
    const world = reviewWorld();
    const ring = reviewRing({});
    const waiting = purchase({ orderId: 'o-wait', buyerId: 'b-wait', merchantId: ring.merchantId, skuId: ring.skuId, placedAtMs: T0 });
    const received = purchase({ orderId: 'o-done', buyerId: 'b-done', merchantId: ring.merchantId, skuId: ring.skuId, placedAtMs: T0, completeAfterMs: 30 * MINUTE });
    const later = purchase({ orderId: 'o-late', buyerId: 'b-late', merchantId: ring.merchantId, skuId: ring.skuId, placedAtMs: T0 + 5 * HOUR });

    await world.deliver(byTime([...waiting, ...received, ...ring.events]));
    await world.deliver(later);

    const warned = world.warnings.filter((w) => w.type === 'reviews_manipulated');
    expect(warned.map((w) => [w.buyerId, w.orderId, w.skuId]).sort()).toEqual([
      ['b-late', 'o-late', ring.skuId],
      ['b-wait', 'o-wait', ring.skuId],
    ]);
  });

  it('quarantines a poison review and processes the records around it', async () => {
    const world = reviewWorld();
    const good = reviewEvent({ orderId: null });

    const failed = await world.deliver([good, { ...reviewEvent(), rating: 7 } as never, reviewEvent()]);

    expect(failed).toBe(0);
    expect(world.quarantine.records.map((r) => r.reason)).toEqual(['rating: must be from 1 to 5']);
    expect(await world.trustOf([good.reviewId])).toEqual([defaultThresholds.rules.reviews.purchase.unverifiedFactor]);
  });
});
