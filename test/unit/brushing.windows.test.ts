/**
 * The order-brushing domain functions (shared/domain/brushing/windows.ts) on readable examples, and
 * against the independent batch reference (test/support/brushingReference.ts) on random inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affectedStartRanges,
  findBrushingWindows,
  ordersNeededFor,
  shopBrushingVerdict,
  type BrushingParams,
  type ShopOrder,
} from '../../shared/domain/brushing/windows';
import { referenceShopVerdict } from '../support/brushingReference';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-28T00:00:00Z');
const params: BrushingParams = { windowMs: HOUR, concentrateRate: 3 };

let seq = 0;
/** An order of `buyerId` at T0 + `minutes` (+ `extraMs`). */
function order(buyerId: string, minutes: number, extraMs = 0): ShopOrder {
  seq++;
  return { orderId: `o${String(seq).padStart(4, '0')}`, buyerId, atMs: T0 + minutes * MIN + extraMs };
}

describe('findBrushingWindows and shopBrushingVerdict: examples', () => {
  it('calls exactly 3 orders by one buyer within an hour brushing', () => {
    const orders = [order('b1', 0), order('b1', 10), order('b1', 59)];

    const windows = findBrushingWindows(orders, params);
    const verdict = shopBrushingVerdict(orders, params);

    expect(windows).toEqual([{ startMs: T0, endMs: T0 + 59 * MIN, orders: 3, buyers: 1 }]);
    expect(verdict.brushing).toBe(true);
    expect(verdict.periods).toEqual([{ startMs: T0, endMs: T0 + 59 * MIN }]);
    expect(verdict.suspiciousBuyerIds).toEqual(['b1']);
  });

  it('does not call 5 orders from 2 buyers (2.5 per buyer) brushing', () => {
    // Interleaved, so that no part of the run has b1's three orders alone.
    const orders = [order('b1', 0), order('b2', 5), order('b1', 10), order('b2', 15), order('b1', 20)];

    const verdict = shopBrushingVerdict(orders, params);

    expect(findBrushingWindows(orders, params)).toEqual([]);
    expect(verdict).toMatchObject({ brushing: false, periods: [], suspiciousBuyerIds: [] });
  });

  it('finds a brushing window inside a busier hour whose whole content is not brushing', () => {
    // The hour [00:00, 01:00] holds 4 orders from 2 buyers (2 per buyer), and so does every window
    // that starts or ends at an order; but [00:10, 01:10] holds only b1's three orders.
    const orders = [order('b2', 0), order('b1', 30), order('b1', 31), order('b1', 32), order('b3', 80)];
    const inHour = orders.filter((o) => o.atMs >= T0 && o.atMs <= T0 + HOUR);

    const verdict = shopBrushingVerdict(orders, params);

    expect(inHour.length / new Set(inHour.map((o) => o.buyerId)).size).toBe(2);
    expect(verdict.periods).toEqual([{ startMs: T0 + 30 * MIN, endMs: T0 + 32 * MIN }]);
    expect(verdict.brushingOrders.map((o) => o.buyerId)).toEqual(['b1', 'b1', 'b1']);
    expect(verdict.suspiciousBuyerIds).toEqual(['b1']);
  });

  it('keeps orders at the same instant together: a window holds all of them or none', () => {
    const tiedWithOther = [order('b1', 0), order('b1', 0), order('b1', 0), order('b2', 0)];
    const otherOneMsLater = [order('b1', 0), order('b1', 0), order('b1', 0), order('b2', 0, 1)];

    const tied = shopBrushingVerdict([...tiedWithOther].reverse(), params);
    const apart = shopBrushingVerdict(otherOneMsLater, params);

    expect(tied.brushing).toBe(false); // 4 orders / 2 buyers, inseparable
    expect(apart.periods).toEqual([{ startMs: T0, endMs: T0 }]);
    expect(apart.suspiciousBuyerIds).toEqual(['b1']);
  });

  it('treats the window as closed: orders exactly W apart share a window, W + 1 ms apart do not', () => {
    const exactlyW = [order('b1', 0), order('b1', 30), order('b1', 60)];
    const oneMsMore = [order('b1', 0), order('b1', 30), order('b1', 60, 1)];

    expect(shopBrushingVerdict(exactlyW, params).periods).toEqual([{ startMs: T0, endMs: T0 + HOUR }]);
    expect(shopBrushingVerdict(oneMsMore, params).brushing).toBe(false);
  });

  it('does not count a run that no window can hold without its neighbours', () => {
    // b1's three orders at 00:20-00:22 sit between b2 at 00:00 and b3 at 00:50: those are only 50 min
    // apart, so every window holding the run holds one of them (4 orders / 2 buyers).
    const hemmedIn = [order('b2', 0), order('b1', 20), order('b1', 21), order('b1', 22), order('b3', 50)];
    // With b3 more than an hour after b2, [00:10, 01:10] holds the run alone.
    const free = [order('b2', 0), order('b1', 20), order('b1', 21), order('b1', 22), order('b3', 60, 1)];

    expect(findBrushingWindows(hemmedIn, params)).toEqual([]);
    expect(findBrushingWindows(free, params)).toEqual([{ startMs: T0 + 20 * MIN, endMs: T0 + 22 * MIN, orders: 3, buyers: 1 }]);
  });

  it('names every buyer tied for the most brushing-period orders', () => {
    const orders = [order('b2', 0), order('b2', 1), order('b2', 2), order('b1', 3), order('b1', 4), order('b1', 5)];

    const verdict = shopBrushingVerdict(orders, params);

    expect(verdict.periods).toEqual([{ startMs: T0, endMs: T0 + 5 * MIN }]);
    expect(verdict.suspiciousBuyerIds).toEqual(['b1', 'b2']);
  });

  it('merges brushing windows that touch into one period', () => {
    // [00:00..00:50] and [00:50..01:50] are brushing windows that share only the order at 00:50; no
    // window holding orders from both sides reaches 3 orders.
    const orders = [order('b1', 0), order('b1', 10), order('b1', 50), order('b1', 90), order('b1', 110)];

    const windows = findBrushingWindows(orders, params);
    const verdict = shopBrushingVerdict(orders, params);

    expect(windows.map((w) => [w.startMs - T0, w.endMs - T0])).toEqual([
      [0, 50 * MIN],
      [50 * MIN, 110 * MIN],
    ]);
    expect(verdict.periods).toEqual([{ startMs: T0, endMs: T0 + 110 * MIN }]);
  });

  it('with a start range, equals the full computation filtered to that range, given the orders in [from - W, to + W]', () => {
    const orders = [
      order('b1', 0), order('b1', 10), order('b1', 20), order('b2', 70), order('b2', 80),
      order('b2', 90), order('b3', 95), order('b1', 150), order('b1', 160), order('b1', 170),
    ];
    const from = T0 + 60 * MIN;
    const to = T0 + 100 * MIN;
    const need = ordersNeededFor({ startMs: from, endMs: to }, HOUR);
    const given = orders.filter((o) => o.atMs >= need.startMs && o.atMs <= need.endMs);

    const ranged = findBrushingWindows(given, params, from, to);
    const full = findBrushingWindows(orders, params).filter((w) => w.startMs >= from && w.startMs <= to);

    expect(given.length).toBeLessThan(orders.length);
    expect(full.length).toBeGreaterThan(0);
    expect(ranged).toEqual(full);
  });

  it('compares orders / buyers with the rate as the contract writes it (55 orders / 25 buyers >= 2.2)', () => {
    // 55 orders from 25 buyers, all at one instant (so no window holds only part of them), is 2.2
    // orders per buyer: a threshold of 2.2 is met. In binary floating point 55 / 25 === 2.2, but
    // 2.2 * 25 === 55.00000000000001, so comparing orders >= rate * buyers says no.
    const buyers = Array.from({ length: 25 }, (_, n) => `b${n}`);
    const orders = [...buyers, ...buyers, ...buyers.slice(0, 5)].map((b) => order(b, 0));
    const rate: BrushingParams = { windowMs: HOUR, concentrateRate: 2.2 };

    const verdict = shopBrushingVerdict(orders, rate);

    expect(orders.length / new Set(orders.map((o) => o.buyerId)).size >= rate.concentrateRate).toBe(true);
    expect(referenceShopVerdict(orders, rate).brushing).toBe(true);
    expect(verdict.brushing).toBe(true);
  });
});

// Small random shops: few buyers, times on a coarse grid (many ties, many gaps of exactly W) with
// +-1 ms jitter (gaps just over and under W), and a window of 60 time units.
const W = 60;
const timeArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 16 }), fc.constantFrom(-1, 0, 0, 0, 1)).map(([k, d]) => k * 15 + d),
  fc.integer({ min: -5, max: 250 }),
);
const ordersArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), timeArb), { minLength: 0, maxLength: 30 })
  .map((rows) => rows.map(([b, atMs], n): ShopOrder => ({ orderId: `o${String(n).padStart(3, '0')}`, buyerId: `b${b}`, atMs })));
const paramsArb = fc.constantFrom(2, 2.5, 3, 4).map((concentrateRate): BrushingParams => ({ windowMs: W, concentrateRate }));

describe('findBrushingWindows against the batch reference (fast-check)', () => {
  it('finds exactly the distinct brushing window contents, and the same periods and suspicious buyers', () => {
    fc.assert(
      fc.property(ordersArb, paramsArb, (orders, p) => {
        const expected = referenceShopVerdict(orders, p);

        const windows = findBrushingWindows(orders, p);
        const verdict = shopBrushingVerdict(orders, p);

        expect(windows.map((w) => ({ ...w })).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs)).toEqual(expected.windows);
        expect(verdict.periods).toEqual(expected.periods);
        expect(verdict.brushingOrders.map((o) => o.orderId).sort()).toEqual(expected.brushingOrderIds);
        expect(verdict.suspiciousBuyerIds).toEqual(expected.suspiciousBuyerIds);
      }),
      { numRuns: 1000 },
    );
  });

  it('with a start range and only the orders in [from - W, to + W], equals the full computation filtered', () => {
    fc.assert(
      fc.property(ordersArb, paramsArb, fc.integer({ min: -80, max: 300 }), fc.integer({ min: 0, max: 150 }), (orders, p, from, length) => {
        const to = from + length;
        const need = ordersNeededFor({ startMs: from, endMs: to }, W);
        const given = orders.filter((o) => o.atMs >= need.startMs && o.atMs <= need.endMs);

        const ranged = findBrushingWindows(given, p, from, to);
        const full = findBrushingWindows(orders, p).filter((w) => w.startMs >= from && w.startMs <= to);

        expect(ranged).toEqual(full);
      }),
      { numRuns: 1000 },
    );
  });

  it('an order added or moved earlier changes only windows that start in affectedStartRanges', () => {
    const changeArb = fc.oneof(
      timeArb.map((atMs) => ({ kind: 'add' as const, atMs })),
      fc.tuple(fc.nat(), timeArb).map(([pick, atMs]) => ({ kind: 'move' as const, pick, atMs })),
    );
    fc.assert(
      fc.property(ordersArb, paramsArb, changeArb, fc.integer({ min: 0, max: 4 }), (orders, p, change, buyer) => {
        let after: ShopOrder[];
        let changed: number[];
        if (change.kind === 'move' && orders.length > 0) {
          const moved = orders[change.pick % orders.length]!;
          const atMs = Math.min(moved.atMs, change.atMs);
          after = orders.map((o) => (o === moved ? { ...o, atMs } : o));
          changed = [moved.atMs, atMs];
        } else {
          after = [...orders, { orderId: 'new', buyerId: `b${buyer}`, atMs: change.atMs }];
          changed = [change.atMs];
        }
        const ranges = affectedStartRanges(changed, W);
        const outside = (w: { startMs: number }) => !ranges.some((r) => w.startMs >= r.startMs && w.startMs <= r.endMs);

        expect(findBrushingWindows(after, p).filter(outside)).toEqual(findBrushingWindows(orders, p).filter(outside));
      }),
      { numRuns: 1000 },
    );
  });
});
