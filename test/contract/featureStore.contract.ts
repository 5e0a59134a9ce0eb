/**
 * The FeatureStore contract: one suite, run against every adapter (memory and Redis).
 */
import { describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../shared/ports';
import { describeReviewFeaturesContract } from './reviewFeatures.contract';

export function describeFeatureStoreContract(adapter: string, make: () => Promise<FeatureStore>): void {
  describe(`FeatureStore contract: ${adapter}`, () => {
    it('keeps each order at its earliest time and says what it replaced', async () => {
      const store = await make();
      const [first, later, earlier] = [
        await store.brushing.upsertOrders([{ shopId: 's1', orderId: 'o1', buyerId: 'b1', atMs: 2_000 }]),
        await store.brushing.upsertOrders([{ shopId: 's1', orderId: 'o1', buyerId: 'b1', atMs: 3_000 }]),
        await store.brushing.upsertOrders([{ shopId: 's1', orderId: 'o1', buyerId: 'b1', atMs: 1_000 }]),
      ];

      expect(first).toEqual([{ changed: true, previousAtMs: null }]);
      expect(later).toEqual([{ changed: false, previousAtMs: 2_000 }]);
      expect(earlier).toEqual([{ changed: true, previousAtMs: 2_000 }]);
      const [snapshot] = await store.brushing.readOrders([{ shopId: 's1', fromMs: 0, toMs: 10_000 }]);
      expect(snapshot!.orders).toEqual([{ orderId: 'o1', buyerId: 'b1', atMs: 1_000 }]);
    });

    it('reads an inclusive time range per shop, sorted by time, in one call', async () => {
      const store = await make();
      await store.brushing.upsertOrders([
        { shopId: 'a', orderId: 'o3', buyerId: 'x', atMs: 300 },
        { shopId: 'a', orderId: 'o1', buyerId: 'y', atMs: 100 },
        { shopId: 'a', orderId: 'o2', buyerId: 'x', atMs: 200 },
        { shopId: 'b', orderId: 'o9', buyerId: 'z', atMs: 200 },
      ]);

      const [a, b, none] = await store.brushing.readOrders([
        { shopId: 'a', fromMs: 100, toMs: 200 },
        { shopId: 'b', fromMs: -Infinity, toMs: Infinity },
        { shopId: 'c', fromMs: 0, toMs: 1_000 },
      ]);

      expect(a!.orders.map((o) => o.orderId)).toEqual(['o1', 'o2']);
      expect(b!.orders).toEqual([{ orderId: 'o9', buyerId: 'z', atMs: 200 }]);
      expect(none).toEqual({ version: 0, orders: [] });
    });

    it('moves the version only when an order changes, and refuses window writes based on a stale read', async () => {
      const store = await make();
      await store.brushing.upsertOrders([{ shopId: 's', orderId: 'o1', buyerId: 'b', atMs: 100 }]);
      const [before] = await store.brushing.readOrders([{ shopId: 's', fromMs: 0, toMs: 1_000 }]);
      await store.brushing.upsertOrders([{ shopId: 's', orderId: 'o1', buyerId: 'b', atMs: 500 }]); // not earlier: no change
      const [same] = await store.brushing.readOrders([{ shopId: 's', fromMs: 0, toMs: 1_000 }]);
      await store.brushing.upsertOrders([{ shopId: 's', orderId: 'o2', buyerId: 'b', atMs: 200 }]);
      const window = { startMs: 100, endMs: 200, orders: 2, buyers: 1 };

      const stale = await store.brushing.replaceWindows([{ shopId: 's', fromStartMs: 0, toStartMs: 1_000, windows: [window], expectVersion: before!.version, pendingDueAfterMs: 1_000 }]);
      const [fresh] = await store.brushing.readOrders([{ shopId: 's', fromMs: 0, toMs: 1_000 }]);
      const current = await store.brushing.replaceWindows([{ shopId: 's', fromStartMs: 0, toStartMs: 1_000, windows: [window], expectVersion: fresh!.version, pendingDueAfterMs: 1_000 }]);

      expect(same!.version).toBe(before!.version);
      expect(fresh!.version).toBeGreaterThan(before!.version);
      expect(stale).toEqual([{ ok: false }]);
      expect(current).toEqual([{ ok: true, added: [window] }]);
    });

    it('replaces only the windows that start in the given range, and reports which are new', async () => {
      const store = await make();
      await store.brushing.upsertOrders([{ shopId: 's', orderId: 'o1', buyerId: 'b', atMs: 1 }]);
      const [snapshot] = await store.brushing.readOrders([{ shopId: 's', fromMs: 0, toMs: 1 }]);
      const version = snapshot!.version;
      const w = (startMs: number, endMs: number) => ({ startMs, endMs, orders: 3, buyers: 1 });
      await store.brushing.replaceWindows([{ shopId: 's', fromStartMs: 0, toStartMs: 1_000, windows: [w(100, 150), w(500, 600), w(900, 950)], expectVersion: version, pendingDueAfterMs: 1_000 }]);

      const [result] = await store.brushing.replaceWindows([{ shopId: 's', fromStartMs: 400, toStartMs: 950, windows: [w(500, 600), w(700, 800)], expectVersion: version, pendingDueAfterMs: 1_000 }]);
      const [all, middle] = await store.brushing.windows([{ shopId: 's' }, { shopId: 's', fromStartMs: 500, toStartMs: 700 }]);

      expect(result).toEqual({ ok: true, added: [w(700, 800)] });
      // New windows became pending, due 1,000 ms after their start, in the same write.
      expect(await store.brushing.duePending(Infinity, 10)).toEqual([100, 500, 700, 900].map((startMs) => ({ shopId: 's', startMs, endMs: startMs === 100 ? 150 : startMs === 900 ? 950 : startMs + 100, dueMs: startMs + 1_000 })));
      expect(all).toEqual([w(100, 150), w(500, 600), w(700, 800)]);
      expect(middle).toEqual([w(500, 600), w(700, 800)]);
      expect(await store.brushing.brushingShops()).toEqual(['s']);
    });

    it('keeps pending windows until cleared and returns those due by the watermark, oldest first', async () => {
      const store = await make();
      const p = (shopId: string, startMs: number, dueMs: number) => ({ shopId, startMs, endMs: startMs + 10, dueMs });
      await store.brushing.addPending([p('s', 100, 5_000), p('t', 50, 4_000), p('s', 900, 9_000)]);

      const due = await store.brushing.duePending(5_000, 10);
      const dueAgain = await store.brushing.duePending(5_000, 1);
      await store.brushing.clearPending(due);
      const afterClear = await store.brushing.duePending(Infinity, 10);

      expect(due).toEqual([p('t', 50, 4_000), p('s', 100, 5_000)]);
      expect(dueAgain).toEqual([p('t', 50, 4_000)]);
      expect(afterClear).toEqual([p('s', 900, 9_000)]);
    });

    it('remembers processed eventIds', async () => {
      const store = await make();
      await store.processed.markProcessed(['e1', 'e2']);

      const fresh = await store.processed.unprocessed(['e1', 'e3', 'e2', 'e4']);

      expect([...fresh].sort()).toEqual(['e3', 'e4']);
    });

    it('counts set members by time, adds idempotently, and says whether a member was known before', async () => {
      const store = await make();
      const probe = (member: string, add = true) => ({ key: 'device:d1:buyers', member, add, countSince: [0, 1_500], checkKnown: true });
      const q = (atMs: number, ...probes: ReturnType<typeof probe>[]) => ({ atMs, record: true, probes, ttlMs: 10_000 });

      const answers = await store.sets.run([q(1_000, probe('b1')), q(2_000, probe('b2')), q(2_500, probe('b1'))]);
      const [redelivered] = await store.sets.run([q(2_500, probe('b1'))]);
      const [readOnly] = await store.sets.run([{ atMs: 3_000, record: false, probes: [probe('b3')], ttlMs: 10_000 }]);

      expect(answers.map((a) => a.probes[0])).toEqual([
        { known: false, counts: [1, 0] },
        { known: false, counts: [2, 1] },
        { known: true, counts: [2, 2] }, // b1 moved to its latest time, 2,500
      ]);
      expect(redelivered!.probes[0]).toEqual({ known: true, counts: [2, 2] });
      expect(readOnly!.probes[0]).toEqual({ known: false, counts: [2, 2] });
    });

    it('lets a later query in one call see an earlier one, and trims members older than the TTL', async () => {
      const store = await make();
      const probe = (member: string) => ({ key: 'instrument:i1:declined', member, add: true, countSince: [0] });

      const [first, second] = await store.sets.run([
        { atMs: 1_000, record: true, probes: [probe('e1')], ttlMs: 5_000 },
        { atMs: 2_000, record: true, probes: [probe('e2')], ttlMs: 5_000 },
      ]);
      const [later] = await store.sets.run([{ atMs: 7_000, record: true, probes: [probe('e3')], ttlMs: 5_000 }]);

      expect(first!.probes[0]!.counts).toEqual([1]);
      expect(second!.probes[0]!.counts).toEqual([2]);
      expect(later!.probes[0]!.counts).toEqual([2]); // e1 (1,000) fell out of the 5,000 ms TTL at 7,000
    });

    it('trims only when asked, and reports known only when asked', async () => {
      const store = await make();
      const probe = (member: string, trim: boolean) => ({ key: 'buyer:b1:devices', member, add: true, countSince: [Number.NEGATIVE_INFINITY], trim });

      await store.sets.run([{ atMs: 1_000, record: true, probes: [probe('d1', true)], ttlMs: 5_000 }]);
      const [untrimmed] = await store.sets.run([{ atMs: 9_000, record: true, probes: [probe('d2', false)], ttlMs: 5_000 }]);
      const [trimmed] = await store.sets.run([{ atMs: 9_500, record: true, probes: [probe('d1', true)], ttlMs: 5_000 }]);

      expect(untrimmed!.probes[0]).toEqual({ known: false, counts: [2] });
      expect(trimmed!.probes[0]).toEqual({ known: false, counts: [2] }); // d1 re-added at 9,500; nothing older than 4,500 left
    });

    it('keeps price histograms and counts an observation once', async () => {
      const store = await make();
      const obs = (observationId: string, unitPrice: number, units = 1) => ({ key: 'sku:s1:20261128', observationId, unitPrice, units, ttlMs: 60_000 });

      await store.prices.add([obs('e1', 1_000, 2), obs('e2', 1_200), obs('e1', 1_000, 2)]);
      await store.prices.add([obs('e2', 1_200)]);
      const [histogram, missing] = await store.prices.read(['sku:s1:20261128', 'sku:none:20261128']);

      expect([...histogram!].sort((a, b) => a[0] - b[0])).toEqual([
        [1_000, 2],
        [1_200, 1],
      ]);
      expect(missing!.size).toBe(0);
    });
  });
  describeReviewFeaturesContract(adapter, make);
}
