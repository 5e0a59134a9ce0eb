/**
 * The contract of the review-stream feature families (order facts, review windows, review trust):
 * one suite, run against every adapter as part of the FeatureStore contract.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureStore, OrderFactsUpdate, ReviewPost, ReviewWindowParams } from '../../shared/ports';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T08:00:00Z');

const params: ReviewWindowParams = {
  burstWindowMs: 2 * HOUR,
  burstEvidenceFrom: 2,
  ringWindowMs: 72 * HOUR,
  ringEvidenceFrom: 2,
  evidenceLimit: 100,
  textTtlMs: 72 * HOUR,
  bucketCap: 3,
  minSharedBands: 2,
  historyTtlMs: 200 * HOUR,
  recordTtlMs: 200 * HOUR,
};

const ttl = { factsTtlMs: 90 * 24 * HOUR, openTtlMs: 30 * 24 * HOUR };

function post(reviewId: string, buyerId: string, atMs: number, overrides: Partial<ReviewPost> = {}): ReviewPost {
  return { reviewId, buyerId, merchantId: 'm1', atMs, suspicious: true, bursts: [{ scope: 'sku:s1' }], rings: [], bands: [], nearDuplicates: true, ...overrides };
}

function facts(orderId: string, overrides: Partial<OrderFactsUpdate> = {}): OrderFactsUpdate {
  return { orderId, merchantId: 'm1', buyerId: 'b1', buyerCreatedAtMs: null, skuIds: ['s1'], times: [{ stage: 'placed', atMs: T0 }], open: null, ...overrides };
}

const subject = (reviewId: string, orderId: string | null = 'o1') => ({ reviewId, buyerId: 'b1', merchantId: 'm1', skuId: 's1', rating: 5, postedAtMs: T0 + HOUR, orderId });

export function describeReviewFeaturesContract(adapter: string, make: () => Promise<FeatureStore>): void {
  describe(`review feature families: ${adapter}`, () => {
    it('merges order facts as a lattice and moves the version only on a change', async () => {
      const store = await make();
      const [first] = await store.orderFacts.record([facts('o1', { times: [{ stage: 'paid', atMs: T0 + 60_000 }] })], ttl);
      const [redelivered] = await store.orderFacts.record([facts('o1', { times: [{ stage: 'paid', atMs: T0 + 60_000 }] })], ttl);
      const [earlier] = await store.orderFacts.record([facts('o1', { buyerId: 'b-other', times: [{ stage: 'paid', atMs: T0 }, { stage: 'completed', atMs: T0 + 9 * HOUR }] })], ttl);

      expect(first!.changed).toBe(true);
      expect(redelivered!.changed).toBe(false);
      expect(redelivered!.facts.version).toBe(first!.facts.version);
      expect(earlier!.changed).toBe(true);
      expect(earlier!.facts).toMatchObject({ orderId: 'o1', buyerId: 'b1', merchantId: 'm1', skuIds: ['s1'], paidAtMs: T0, completedAtMs: T0 + 9 * HOUR, placedAtMs: null });
      expect(earlier!.facts.version).toBeGreaterThan(first!.facts.version);
    });

    it('links reviews to orders before or after their facts, and returns the links when the facts change', async () => {
      const store = await make();
      const [before] = await store.orderFacts.link([{ ...subject('r1'), orderId: 'o1' }], ttl);
      const [recorded] = await store.orderFacts.record([facts('o1')], ttl);
      const [after] = await store.orderFacts.link([{ ...subject('r2'), orderId: 'o1' }], ttl);
      const [unchanged] = await store.orderFacts.record([facts('o1')], ttl);
      const [refunded] = await store.orderFacts.record([facts('o1', { times: [{ stage: 'refunded', atMs: T0 + 5 * HOUR }] })], ttl);

      expect(before).toBeNull();
      expect(recorded!.linked.map((r) => r.reviewId)).toEqual(['r1']);
      expect(after).toMatchObject({ orderId: 'o1', buyerId: 'b1', placedAtMs: T0 });
      expect(unchanged!.linked).toEqual([]);
      expect(refunded!.linked).toEqual([subject('r1'), subject('r2')]);
      expect(await store.orderFacts.read(['o1', 'o-none'])).toEqual([refunded!.facts, null]);
    });

    it('lists open orders per SKU and tells orders opened while a SKU is marked manipulated', async () => {
      const store = await make();
      await store.orderFacts.record([facts('o1', { open: { skuIds: ['s1', 's2'], atMs: T0 } })], ttl);
      await store.orderFacts.record([facts('o2', { buyerId: 'b2', open: { skuIds: ['s1'], atMs: T0 + HOUR } })], ttl);

      const [s1, s3] = await store.orderFacts.markManipulated(
        [
          { skuId: 's1', untilMs: T0 + 10 * HOUR, sinceMs: T0 },
          { skuId: 's3', untilMs: T0 + 10 * HOUR, sinceMs: T0 },
        ],
        10,
        24 * HOUR,
      );
      const [during, late] = await store.orderFacts.record(
        [facts('o3', { buyerId: 'b3', open: { skuIds: ['s2', 's1'], atMs: T0 + 9 * HOUR } }), facts('o4', { buyerId: 'b4', open: { skuIds: ['s1'], atMs: T0 + 11 * HOUR } })],
        ttl,
      );

      expect(s1).toEqual([
        { buyerId: 'b2', orderId: 'o2', atMs: T0 + HOUR },
        { buyerId: 'b1', orderId: 'o1', atMs: T0 },
      ]);
      expect(s3).toEqual([]);
      expect(during!.manipulatedSkuIds).toEqual(['s1']);
      expect(late!.manipulatedSkuIds).toEqual([]);
    });

    it('counts a review once per scope, suspicious or verified, and demotes a verified buyer already counted in the window', async () => {
      const store = await make();
      const answers = await store.reviews.post(
        [post('r1', 'b1', T0, { suspicious: false }), post('r2', 'b2', T0 + 60_000), post('r3', 'b1', T0 + 120_000, { suspicious: false })],
        params,
      );
      const [again] = await store.reviews.post([post('r2', 'b2', T0 + 60_000)], params);
      answers.push(...(await store.reviews.post([post('r4', 'b4', T0 + 3 * HOUR, { suspicious: false })], params)));

      expect(answers.map((a) => a.bursts[0]!).map(({ countedSuspicious, suspicious, verified }) => ({ countedSuspicious, suspicious, verified }))).toEqual([
        { countedSuspicious: false, suspicious: 0, verified: 1 },
        { countedSuspicious: true, suspicious: 1, verified: 1 },
        { countedSuspicious: true, suspicious: 2, verified: 1 }, // b1 again: not a distinct buyer
        { countedSuspicious: false, suspicious: 0, verified: 1 }, // the others fell out of the 2 h window
      ]);
      expect(answers[2]!.bursts[0]!.members).toEqual([
        { reviewId: 'r3', buyerId: 'b1' },
        { reviewId: 'r2', buyerId: 'b2' },
      ]);
      expect(again!.bursts[0]).toMatchObject({ countedSuspicious: true, suspicious: 2, verified: 1 }); // idempotent: r2 is not counted twice
    });

    it('returns hourly counts when asked, for the burst baseline', async () => {
      const store = await make();
      await store.reviews.post([post('r1', 'b1', T0), post('r2', 'b2', T0 + HOUR / 2), post('r3', 'b3', T0 + 30 * HOUR, { suspicious: false })], params);
      const hour = Math.floor(T0 / HOUR);

      const [answer] = await store.reviews.post([post('r9', 'b9', T0 + 40 * HOUR, { bursts: [{ scope: 'sku:s1', history: { fromHour: hour - 1, toHour: hour + 31 } }] })], params);

      expect(answer!.bursts[0]!.history).toEqual([
        { hour, suspicious: 2, verified: 0 },
        { hour: hour + 30, suspicious: 0, verified: 1 },
      ]);
    });

    it('reaches both ways from a late review, so it meets the reviews posted after it', async () => {
      const store = await make();
      await store.reviews.post([post('r2', 'b2', T0 + HOUR, { rings: ['sku:s1:device:d1'] }), post('r3', 'b3', T0 + 90 * 60_000, { rings: ['sku:s1:device:d1'] })], params);

      const [late] = await store.reviews.post([post('r1', 'b1', T0, { rings: ['sku:s1:device:d1'] })], params);

      expect(late!.bursts[0]).toMatchObject({ suspicious: 3 });
      expect(late!.rings[0]!.accounts).toBe(3);
    });

    it('counts distinct accounts per ring key within the window, with their reviews', async () => {
      const store = await make();
      const ring = (reviewId: string, buyerId: string, atMs: number) => post(reviewId, buyerId, atMs, { bursts: [], rings: ['sku:s1:device:d1'] });

      const answers = await store.reviews.post([ring('r1', 'b1', T0), ring('r2', 'b1', T0 + 1), ring('r3', 'b2', T0 + 2), ring('r4', 'b3', T0 + 80 * HOUR)], params);

      expect(answers.map((a) => a.rings[0]!.accounts)).toEqual([1, 1, 2, 1]);
      expect(answers[2]!.rings[0]!.members).toEqual([
        { buyerId: 'b1', reviewId: 'r2' },
        { buyerId: 'b2', reviewId: 'r3' },
      ]);
      expect(answers[0]!.rings[0]!.members).toEqual([]); // below ringEvidenceFrom
    });

    it('returns near-duplicates sharing enough bands, never the review itself, and caps each bucket', async () => {
      const store = await make();
      const text = (reviewId: string, buyerId: string, atMs: number, bands: string[], merchantId = 'm1') => post(reviewId, buyerId, atMs, { bursts: [], bands, merchantId });

      const answers = await store.reviews.post(
        [
          text('r1', 'b1', T0, ['0:a', '1:b', '2:c']),
          text('r2', 'b2', T0 + 1, ['0:a', '1:b', '2:x']),
          text('r3', 'b3', T0 + 2, ['0:a', '1:y', '2:z'], 'm2'),
          text('r4', 'b4', T0 + 3, ['0:a', '1:b', '2:c']),
          text('r5', 'b5', T0 + 4, ['0:a', '1:q', '2:r']),
        ],
        params,
      );
      const [retried] = await store.reviews.post([text('r4', 'b4', T0 + 3, ['0:a', '1:b', '2:c'])], params);

      expect(answers[1]!.near).toEqual([{ reviewId: 'r1', buyerId: 'b1', merchantId: 'm1', suspicious: true, sharedBands: 2 }]);
      expect(answers[2]!.near).toEqual([]);
      expect([...answers[3]!.near].sort((a, b) => a.reviewId.localeCompare(b.reviewId)).map((n) => [n.reviewId, n.sharedBands])).toEqual([
        ['r1', 3],
        ['r2', 2],
      ]);
      // Bucket 0:a holds at most 3 (r2, r3, r4 after r4; r1 was dropped): r5 sees r2, r3, r4 there once each.
      expect(answers[4]!.near).toEqual([]);
      // A retry counts nothing again and answers from the buckets as they are now: r2 left bucket 0:a, r1 still shares 1:b and 2:c.
      expect(retried!.near.map((n) => [n.reviewId, n.sharedBands])).toEqual([['r1', 2]]);
      const [indexedOnly] = await store.reviews.post([text('r6', 'b6', T0 + 5, ['0:a', '1:b', '2:c'])].map((p) => ({ ...p, nearDuplicates: false })), params);
      const [after] = await store.reviews.post([text('r7', 'b7', T0 + 6, ['9:z', '1:b', '2:c'])], params);
      expect(indexedOnly!.near).toEqual([]);
      expect(after!.near.map((n) => n.reviewId).sort()).toEqual(['r4', 'r6']); // r6 was indexed though it looked nothing up (r1 left bucket 1:b for it)
    });

    it('removes a deleted review from every window, and a post delivered after its deletion counts nowhere', async () => {
      const store = await make();
      const full = (reviewId: string, buyerId: string, atMs: number) => post(reviewId, buyerId, atMs, { rings: ['sku:s1:device:d1'], bands: ['0:a', '1:b'] });
      await store.reviews.post([full('r1', 'b1', T0), full('r2', 'b2', T0 + 1)], params);

      const removed = await store.reviews.remove(['r1', 'r-never'], params);
      const [after] = await store.reviews.post([full('r3', 'b3', T0 + 2)], params);
      const [late] = await store.reviews.post([full('r-never', 'b9', T0 + 3)], params);
      const [again] = await store.reviews.remove(['r1'], params);
      const hour = Math.floor(T0 / HOUR);
      const [history] = await store.reviews.post([post('r10', 'b10', T0 + 10 * HOUR, { bursts: [{ scope: 'sku:s1', history: { fromHour: hour, toHour: hour + 1 } }] })], params);

      expect(removed).toEqual([true, false]);
      expect(after!.bursts[0]).toMatchObject({ suspicious: 2, members: [{ reviewId: 'r3', buyerId: 'b3' }, { reviewId: 'r2', buyerId: 'b2' }] });
      expect(after!.rings[0]).toEqual({ accounts: 2, members: [{ buyerId: 'b2', reviewId: 'r2' }, { buyerId: 'b3', reviewId: 'r3' }] });
      expect(after!.near.map((n) => n.reviewId)).toEqual(['r2']);
      expect(late).toEqual({ counted: false, bursts: [], rings: [], near: [] });
      expect(again).toBe(false);
      expect(history!.bursts[0]!.history).toEqual([{ hour, suspicious: 2, verified: 0 }]);
    });

    it('merges trust factors: the newest facts win for versioned ones, the lowest value for the others', async () => {
      const store = await make();
      const [first] = await store.reviewTrust.update(
        [{ reviewId: 'r1', subject: subject('r1'), factors: [{ name: 'purchase', value: 0.7, reason: 'REVIEW_ORDER_PENDING\u001fwaiting', version: 0 }, { name: 'ring', value: 0.2, reason: 'REVIEW_RING_DEVICE\u001fd1' }] }],
        HOUR,
      );
      const weights = await store.reviewTrust.update(
        [
          { reviewId: 'r1', factors: [{ name: 'purchase', value: 1, reason: null, version: 2 }] },
          { reviewId: 'r1', factors: [{ name: 'purchase', value: 0.4, reason: 'REVIEW_ORDER_PENDING\u001fstale', version: 1 }, { name: 'ring', value: 0.5, reason: 'REVIEW_RING_NETWORK\u001fn' }] },
        ],
        HOUR,
      );
      const [record] = await store.reviewTrust.read(['r1']);

      expect(first).toBe(0.14);
      expect(weights).toEqual([0.2, 0.2]);
      expect(record).toEqual({
        reviewId: 'r1',
        subject: subject('r1'),
        trust: 0.2,
        deleted: false,
        factors: { purchase: { value: 1, reason: null, version: 2 }, ring: { value: 0.2, reason: 'REVIEW_RING_DEVICE\u001fd1', version: null } },
      });
    });

    it('weighs a deleted review 0 and takes no further update', async () => {
      const store = await make();
      await store.reviewTrust.update([{ reviewId: 'r1', factors: [{ name: 'text', value: 0.3, reason: 'REVIEW_NEAR_DUPLICATE_TEXT\u001fx' }] }], HOUR);

      await store.reviewTrust.markDeleted(['r1', 'r2'], HOUR);
      const after = await store.reviewTrust.update([{ reviewId: 'r2', subject: subject('r2'), factors: [{ name: 'purchase', value: 1, reason: null, version: 1 }] }], HOUR);
      const [r1, r2, none] = await store.reviewTrust.read(['r1', 'r2', 'r3']);

      expect(after).toEqual([null]);
      expect(r1).toMatchObject({ trust: 0, deleted: true });
      expect(r2).toMatchObject({ trust: 0, deleted: true, subject: null });
      expect(none).toBeNull();
    });
  });
}
