/**
 * Streaming order-brushing detection over a batch of order events, with batched I/O: one upsert
 * round trip, one read round trip and one write round trip per batch (plus retries of shops whose
 * version moved under a concurrent consumer).
 *
 * Correctness does not depend on delivery order: the store keeps each order at its earliest time,
 * every change re-evaluates exactly the windows it can affect (see domain/brushing/windows.ts), and
 * a window write based on a stale read is refused by the shop's version and retried.
 */
import type { OrderEvent } from '../contracts/events';
import { HOUR_MS, MINUTE_MS, type OrderBrushingRule } from '../domain/config/thresholds';
import {
  affectedStartRanges,
  findBrushingWindows,
  ordersNeededFor,
  topBuyers,
  type BrushingWindow,
  type ShopOrder,
  type Span,
} from '../domain/brushing/windows';
import { stableId } from '../domain/ids';
import type { Violation } from '../domain/records';
import type { Signal } from '../domain/scoring/score';
import { ConflictError } from '../errors';
import type { BrushingFeatures, OrdersQuery, WindowsReplace } from '../ports';

export interface TimedOrderEvent {
  event: OrderEvent;
  occurredAtMs: number;
}

export interface BrushingOutcome {
  /** Signals per eventId, for the events whose order lies in a brushing window. */
  signals: Map<string, Signal[]>;
  violations: Violation[];
}

const MAX_ATTEMPTS = 8;
const MAX_EVIDENCE_ORDERS = 200;

const COUNTED_TYPES = new Set<OrderEvent['type']>(['order.placed', 'order.paid']);

interface Evaluated {
  shopId: string;
  range: Span;
  orders: ShopOrder[];
  windows: BrushingWindow[];
}

function fmtTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export async function detectBrushing(
  items: readonly TimedOrderEvent[],
  features: BrushingFeatures,
  rule: OrderBrushingRule,
  configVersion: string,
): Promise<BrushingOutcome> {
  const outcome: BrushingOutcome = { signals: new Map(), violations: [] };
  const counted = items.filter((i) => COUNTED_TYPES.has(i.event.type));
  if (!rule.enabled || counted.length === 0) return outcome;
  const params = { windowMs: rule.windowMinutes * MINUTE_MS, concentrateRate: rule.concentrateRate };

  const upserts = counted.map((i) => ({
    shopId: i.event.merchantId,
    orderId: i.event.orderId,
    buyerId: i.event.buyer.id,
    atMs: i.occurredAtMs,
  }));
  const results = await features.upsertOrders(upserts);

  // Where each event's order now sits, and which times changed, per shop.
  const orderAt = new Map<TimedOrderEvent, number>();
  const timesByShop = new Map<string, number[]>();
  counted.forEach((item, n) => {
    const u = upserts[n]!;
    const r = results[n]!;
    const at = r.changed ? u.atMs : (r.previousAtMs ?? u.atMs);
    orderAt.set(item, at);
    const times = timesByShop.get(u.shopId) ?? [];
    times.push(at);
    if (r.changed && r.previousAtMs !== null) times.push(r.previousAtMs);
    timesByShop.set(u.shopId, times);
  });

  let pending: { shopId: string; range: Span }[] = [];
  for (const [shopId, times] of timesByShop) {
    for (const range of affectedStartRanges(times, params.windowMs)) pending.push({ shopId, range });
  }

  const evaluated = new Map<string, Evaluated[]>();
  const added: { shopId: string; window: BrushingWindow; orders: ShopOrder[] }[] = [];
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) {
      throw new ConflictError(`brushing windows of ${pending.length} shop ranges kept changing under concurrent writers`);
    }
    const queries: OrdersQuery[] = pending.map(({ shopId, range }) => {
      const need = ordersNeededFor(range, params.windowMs);
      return { shopId, fromMs: need.startMs, toMs: need.endMs };
    });
    const snapshots = await features.readOrders(queries);
    const replaces: WindowsReplace[] = pending.map(({ shopId, range }, n) => ({
      shopId,
      fromStartMs: range.startMs,
      toStartMs: range.endMs,
      windows: findBrushingWindows(snapshots[n]!.orders, params, range.startMs, range.endMs),
      expectVersion: snapshots[n]!.version,
    }));
    const written = await features.replaceWindows(replaces);
    const retry: typeof pending = [];
    written.forEach((w, n) => {
      const { shopId, range } = pending[n]!;
      if (!w.ok) {
        retry.push(pending[n]!);
        return;
      }
      const orders = snapshots[n]!.orders;
      const list = evaluated.get(shopId) ?? [];
      list.push({ shopId, range, orders, windows: replaces[n]!.windows });
      evaluated.set(shopId, list);
      for (const window of w.added) added.push({ shopId, window, orders });
    });
    pending = retry;
  }

  for (const item of counted) {
    const at = orderAt.get(item)!;
    const shopId = item.event.merchantId;
    const here = evaluated.get(shopId)?.find((e) => at >= e.range.startMs && at <= e.range.endMs);
    const covering = here?.windows.filter((w) => w.startMs <= at && at <= w.endMs) ?? [];
    if (covering.length === 0) continue;
    // The most concentrated window holding the order explains it best.
    const w = covering.reduce((best, c) => (c.orders * best.buyers > best.orders * c.buyers ? c : best));
    const inWindow = here!.orders.filter((o) => o.atMs >= w.startMs && o.atMs <= w.endMs);
    const top = topBuyers(inWindow);
    const rate = w.orders / w.buyers;
    const signals: Signal[] = [
      {
        code: 'ORDER_BRUSHING_WINDOW',
        weight: rule.weight,
        detail:
          `shop ${shopId} took ${w.orders} orders from ${w.buyers} distinct buyers between ${fmtTime(w.startMs)} and ` +
          `${fmtTime(w.endMs)} (${rate.toFixed(2)} orders per buyer, threshold ${rule.concentrateRate} within ${rule.windowMinutes} min)`,
      },
    ];
    if (top.buyerIds.includes(item.event.buyer.id)) {
      signals.push({
        code: 'ORDER_BRUSHING_TOP_BUYER',
        weight: rule.topBuyerWeight,
        detail: `buyer ${item.event.buyer.id} placed ${top.orders} of those ${w.orders} orders, the most of any buyer`,
      });
    }
    outcome.signals.set(item.event.eventId, signals);
  }

  outcome.violations = violationsFor(added, rule, configVersion);
  return outcome;
}

/** One `fake_orders` violation per shop per bucket of brushing time; the id derives from both. */
function violationsFor(
  added: readonly { shopId: string; window: BrushingWindow; orders: ShopOrder[] }[],
  rule: OrderBrushingRule,
  configVersion: string,
): Violation[] {
  const bucketMs = rule.violationBucketHours * HOUR_MS;
  const byId = new Map<string, Violation>();
  const sorted = [...added].sort((a, b) => a.window.startMs - b.window.startMs);
  for (const { shopId, window: w, orders } of sorted) {
    const bucketStartMs = Math.floor(w.startMs / bucketMs) * bucketMs;
    const violationId = stableId('viol', shopId, 'fake_orders', bucketStartMs);
    if (byId.has(violationId)) continue;
    const inWindow = orders.filter((o) => o.atMs >= w.startMs && o.atMs <= w.endMs);
    const perBuyer: Record<string, number> = {};
    for (const o of inWindow) perBuyer[o.buyerId] = (perBuyer[o.buyerId] ?? 0) + 1;
    byId.set(violationId, {
      violationId,
      merchantId: shopId,
      type: 'fake_orders',
      occurredAt: new Date(w.startMs).toISOString(),
      configVersion,
      evidence: {
        rule: 'orderBrushing',
        periodStart: new Date(w.startMs).toISOString(),
        periodEnd: new Date(w.endMs).toISOString(),
        orders: w.orders,
        distinctBuyers: w.buyers,
        concentrateRate: Number((w.orders / w.buyers).toFixed(4)),
        threshold: rule.concentrateRate,
        windowMinutes: rule.windowMinutes,
        suspiciousBuyerIds: topBuyers(inWindow).buyerIds,
        ordersPerBuyer: perBuyer,
        orderIds: inWindow.slice(0, MAX_EVIDENCE_ORDERS).map((o) => o.orderId),
        bucketStart: new Date(bucketStartMs).toISOString(),
      },
    });
  }
  return [...byId.values()];
}
