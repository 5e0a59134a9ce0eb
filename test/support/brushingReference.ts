/**
 * A batch reference of order brushing (`contracts/replay.md`), written from the definition and
 * nothing else, to check the production algorithm (shared/domain/brushing/windows.ts) against. It
 * is deliberately naive: O(n^2)-ish per shop, no pruning, no locality, no reuse of production code.
 *
 * A window is the closed interval [a, a + W] for any instant a. An order at time t lies in it iff
 * t - W <= a <= t, so the window's content can change only when a crosses some t or some t - W (the
 * "critical points"). Between two consecutive critical points the content is constant, so
 * evaluating every critical point, the midpoint of every gap between them, and one point outside
 * each end sees every content any window can have.
 */

export interface ReferenceOrder {
  orderId: string;
  buyerId: string;
  atMs: number;
}

export interface ReferenceParams {
  windowMs: number;
  concentrateRate: number;
}

export interface ReferenceSpan {
  startMs: number;
  endMs: number;
}

/** One distinct brushing window content: the span of its orders and its counts. */
export interface ReferenceWindow extends ReferenceSpan {
  orders: number;
  buyers: number;
}

export interface ReferenceVerdict {
  brushing: boolean;
  /** The merged spans of the brushing windows, sorted. */
  periods: ReferenceSpan[];
  /** Every distinct brushing window content, sorted by start then end. */
  windows: ReferenceWindow[];
  /** Orders inside some period, sorted by id. */
  brushingOrderIds: string[];
  /** Buyers with the most brushing-period orders (all ties), sorted. */
  suspiciousBuyerIds: string[];
}

/** The structural part of an order event the reference reads (an `OrderEvent` fits). */
export interface ReferenceOrderEvent {
  type: string;
  orderId: string;
  merchantId: string;
  buyer: { id: string };
  occurredAt: string;
}

const COUNTED = new Set(['order.placed', 'order.paid']);

/** Index of the first time >= x in ascending `times`. */
function firstAtOrAfter(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time > x in ascending `times`. */
function firstAfter(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every instant `a` at which [a, a + W] must be looked at. */
export function evaluationPoints(times: readonly number[], windowMs: number): number[] {
  const critical = [...new Set(times.flatMap((t) => [t, t - windowMs]))].sort((x, y) => x - y);
  if (critical.length === 0) return [];
  const points = [critical[0]! - 1, critical[critical.length - 1]! + 1];
  for (let i = 0; i < critical.length; i++) {
    points.push(critical[i]!);
    if (i + 1 < critical.length) points.push((critical[i]! + critical[i + 1]!) / 2);
  }
  return points;
}

function mergeTouching(spans: readonly ReferenceSpan[]): ReferenceSpan[] {
  const sorted = [...spans].sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
  const merged: ReferenceSpan[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.startMs <= last.endMs) last.endMs = Math.max(last.endMs, span.endMs);
    else merged.push({ startMs: span.startMs, endMs: span.endMs });
  }
  return merged;
}

/** The brushing verdict of one shop from its orders (each order once, at its counted time). */
export function referenceShopVerdict(orders: readonly ReferenceOrder[], params: ReferenceParams): ReferenceVerdict {
  const sorted = [...orders].sort((x, y) => x.atMs - y.atMs);
  const times = sorted.map((o) => o.atMs);

  const windows = new Map<string, ReferenceWindow>();
  for (const a of evaluationPoints(times, params.windowMs)) {
    const inside = sorted.slice(firstAtOrAfter(times, a), firstAfter(times, a + params.windowMs));
    if (inside.length === 0) continue; // an empty window has no rate
    const buyers = new Set(inside.map((o) => o.buyerId)).size;
    if (inside.length / buyers < params.concentrateRate) continue;
    const span = { startMs: inside[0]!.atMs, endMs: inside[inside.length - 1]!.atMs };
    windows.set(`${span.startMs}:${span.endMs}`, { ...span, orders: inside.length, buyers });
  }

  const periods = mergeTouching([...windows.values()]);
  const inPeriods = orders.filter((o) => periods.some((p) => p.startMs <= o.atMs && o.atMs <= p.endMs));
  const perBuyer = new Map<string, number>();
  for (const o of inPeriods) perBuyer.set(o.buyerId, (perBuyer.get(o.buyerId) ?? 0) + 1);
  let most = 0;
  for (const n of perBuyer.values()) most = Math.max(most, n);
  return {
    brushing: periods.length > 0,
    periods,
    windows: [...windows.values()].sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs),
    brushingOrderIds: inPeriods.map((o) => o.orderId).sort(),
    suspiciousBuyerIds: [...perBuyer].filter(([, n]) => n === most).map(([b]) => b).sort(),
  };
}

/**
 * Each shop's counted orders: an order counts once, at the earliest occurredAt among its
 * `order.placed` and `order.paid` events (with the buyer of that event); other types do not count.
 */
export function countedOrdersByShop(events: Iterable<ReferenceOrderEvent>): Map<string, ReferenceOrder[]> {
  const earliest = new Map<string, { shopId: string; order: ReferenceOrder }>();
  for (const e of events) {
    if (!COUNTED.has(e.type)) continue;
    const atMs = Date.parse(e.occurredAt);
    if (!Number.isFinite(atMs)) throw new Error(`reference: unparseable occurredAt ${e.occurredAt} on order ${e.orderId}`);
    const key = `${e.merchantId}\u001f${e.orderId}`;
    const seen = earliest.get(key);
    if (seen === undefined || atMs < seen.order.atMs) {
      earliest.set(key, { shopId: e.merchantId, order: { orderId: e.orderId, buyerId: e.buyer.id, atMs } });
    }
  }
  const byShop = new Map<string, ReferenceOrder[]>();
  for (const { shopId, order } of earliest.values()) {
    const list = byShop.get(shopId) ?? [];
    list.push(order);
    byShop.set(shopId, list);
  }
  return byShop;
}

/** The verdict of every shop that appears in `events` (also shops with no counted order). */
export function referenceVerdicts(events: Iterable<ReferenceOrderEvent>, params: ReferenceParams): Map<string, ReferenceVerdict> {
  const all = [...events];
  const byShop = countedOrdersByShop(all);
  const verdicts = new Map<string, ReferenceVerdict>();
  for (const shopId of new Set(all.map((e) => e.merchantId))) {
    verdicts.set(shopId, referenceShopVerdict(byShop.get(shopId) ?? [], params));
  }
  return verdicts;
}
