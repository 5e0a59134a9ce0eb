/**
 * Order brushing, exactly as `contracts/replay.md` defines it.
 *
 * A window is any closed interval [a, a + W]. The set of a shop's orders inside it changes only at
 * order times, so every distinct window content is a run of orders, sorted by time and closed under
 * ties, from the order group at time Ti to the group at time Tj, with Tj - Ti <= W. Such a run is the
 * exact content of some window iff the window can avoid both neighbours: T(j+1) - T(i-1) > W
 * (T(0) = -inf, T(m+1) = +inf). A run is a brushing window when orders >= rate * distinctBuyers.
 *
 * Locality, which makes streaming cheap: a run depends only on the orders in [T(i-1), T(j+1)], so
 * an order added or moved at time t can change only the runs that start in [t - 2W, t + W]; and to
 * evaluate runs starting in [a, b] one needs the orders in [a - W, b + W] (a missing neighbour beyond
 * that range is far enough away to satisfy the condition, as -inf / +inf would).
 */

export interface ShopOrder {
  orderId: string;
  buyerId: string;
  /** The earliest occurredAt among the order's `order.placed` and `order.paid` events. */
  atMs: number;
}

/** A brushing run: its first and last order times and its counts. Identified by (startMs, endMs). */
export interface BrushingWindow {
  startMs: number;
  endMs: number;
  orders: number;
  buyers: number;
}

export interface Span {
  startMs: number;
  endMs: number;
}

export interface BrushingParams {
  windowMs: number;
  concentrateRate: number;
}

export function byTime(a: ShopOrder, b: ShopOrder): number {
  return a.atMs - b.atMs || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0);
}

function isSorted(orders: readonly ShopOrder[]): boolean {
  for (let i = 1; i < orders.length; i++) if (orders[i - 1]!.atMs > orders[i]!.atMs) return false;
  return true;
}

/**
 * The brushing windows whose first order time lies in [fromStartMs, toStartMs]. `orders` must hold
 * at least every order of the shop with atMs in [fromStartMs - W, toStartMs + W]; more is fine.
 */
export function findBrushingWindows(
  orders: readonly ShopOrder[],
  params: BrushingParams,
  fromStartMs = -Infinity,
  toStartMs = Infinity,
): BrushingWindow[] {
  const { windowMs, concentrateRate } = params;
  const sorted = isSorted(orders) ? orders : [...orders].sort(byTime);
  // Group orders that share a time: a window holds all of a group or none of it.
  const times: number[] = [];
  const groups: string[][] = [];
  for (const order of sorted) {
    if (times.length > 0 && times[times.length - 1] === order.atMs) groups[groups.length - 1]!.push(order.buyerId);
    else {
      times.push(order.atMs);
      groups.push([order.buyerId]);
    }
  }
  const m = times.length;
  // A window can only reach the rate if some buyer has at least ceil(rate) orders in it. A sliding
  // count of such "hot" buyers over [Ti, Ti + W] skips every start that cannot be brushing.
  const hotAt = Math.max(1, Math.ceil(concentrateRate));
  const slide = new Map<string, number>();
  let hot = 0;
  let k = 0;
  const out: BrushingWindow[] = [];
  for (let i = 0; i < m; i++) {
    const ti = times[i]!;
    while (k < m && times[k]! - ti <= windowMs) {
      for (const buyer of groups[k]!) {
        const c = (slide.get(buyer) ?? 0) + 1;
        slide.set(buyer, c);
        if (c === hotAt) hot++;
      }
      k++;
    }
    if (hot > 0 && ti >= fromStartMs && ti <= toStartMs) {
      const prev = i > 0 ? times[i - 1]! : -Infinity;
      const counts = new Map<string, number>();
      let nOrders = 0;
      for (let j = i; j < k; j++) {
        for (const buyer of groups[j]!) {
          counts.set(buyer, (counts.get(buyer) ?? 0) + 1);
          nOrders++;
        }
        const next = j + 1 < m ? times[j + 1]! : Infinity;
        // Divide as the definition does: rate * buyers can round above an exact quotient (2.2 * 25 > 55).
        if (next - prev > windowMs && nOrders / counts.size >= concentrateRate) {
          out.push({ startMs: ti, endMs: times[j]!, orders: nOrders, buyers: counts.size });
        }
      }
    }
    for (const buyer of groups[i]!) {
      const c = slide.get(buyer)! - 1;
      if (c === hotAt - 1) hot--;
      if (c === 0) slide.delete(buyer);
      else slide.set(buyer, c);
    }
  }
  return out;
}

/** Merges spans that overlap or touch, sorted by start. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else merged.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return merged;
}

export function insideSpans(atMs: number, spans: readonly Span[]): boolean {
  return spans.some((s) => atMs >= s.startMs && atMs <= s.endMs);
}

/** The buyers with the most orders among `orders` (all buyers tied for the most), sorted by id. */
export function topBuyers(orders: readonly ShopOrder[]): { buyerIds: string[]; orders: number } {
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.buyerId, (counts.get(o.buyerId) ?? 0) + 1);
  let best = 0;
  for (const c of counts.values()) best = Math.max(best, c);
  const buyerIds = [...counts].filter(([, c]) => c === best && best > 0).map(([b]) => b).sort();
  return { buyerIds, orders: best };
}

export interface ShopBrushingVerdict {
  brushing: boolean;
  periods: Span[];
  /** Orders lying in at least one brushing window. */
  brushingOrders: ShopOrder[];
  suspiciousBuyerIds: string[];
}

/** The verdict for a shop from its windows and the orders inside their merged spans. */
export function verdictFromWindows(windows: readonly BrushingWindow[], ordersInPeriods: readonly ShopOrder[]): ShopBrushingVerdict {
  const periods = mergeSpans(windows);
  const brushingOrders = ordersInPeriods.filter((o) => insideSpans(o.atMs, periods));
  return {
    brushing: periods.length > 0,
    periods,
    brushingOrders,
    suspiciousBuyerIds: topBuyers(brushingOrders).buyerIds,
  };
}

/** The whole-history verdict for one shop (the batch computation). */
export function shopBrushingVerdict(orders: readonly ShopOrder[], params: BrushingParams): ShopBrushingVerdict {
  return verdictFromWindows(findBrushingWindows(orders, params), orders);
}

/** Start-time ranges to re-evaluate after orders were added or moved at `changedAtMs`, merged. */
export function affectedStartRanges(changedAtMs: readonly number[], windowMs: number): Span[] {
  return mergeSpans(changedAtMs.map((t) => ({ startMs: t - 2 * windowMs, endMs: t + windowMs })));
}

/** The order-time range that must be read to evaluate windows starting in `starts`. */
export function ordersNeededFor(starts: Span, windowMs: number): Span {
  return { startMs: starts.startMs - windowMs, endMs: starts.endMs + windowMs };
}

export function windowKey(w: Pick<BrushingWindow, 'startMs' | 'endMs'>): string {
  return `${w.startMs}:${w.endMs}`;
}
