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
import { HOUR_MS, MINUTE_MS, type OrderBrushingRule, type Thresholds } from '../domain/config/thresholds';
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
import type { BrushingFeatures, OrdersQuery, PendingWindow, WindowsReplace } from '../ports';
import { emptyResult, type DetectorResult, type OrderDetector, type TimedOrderEvent } from './detectors/types';

export type { TimedOrderEvent };

export interface BrushingUpdate {
  /** Signals per eventId, for the events whose order lies in a brushing window as known when the event happened. */
  signals: Map<string, Signal[]>;
  /**
   * Shadow mode: the batch's signals under another rule, and the violations the evaluated windows
   * would become (before the lateness wait), from the orders this pass read. No I/O. A window length
   * longer than the live one sees only the orders the live pass read around each change.
   */
  rescore?: (rule: OrderBrushingRule, configVersion: string) => { signals: Map<string, Signal[]>; violations: Violation[] };
}

const MAX_ATTEMPTS = 8;
const MAX_EVIDENCE_ORDERS = 200;
const CONFIRM_BATCH = 500;

const COUNTED_TYPES = new Set<OrderEvent['type']>(['order.placed', 'order.paid']);

interface Evaluated {
  range: Span;
  orders: ShopOrder[];
  windows: BrushingWindow[];
}

function fmtTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function paramsOf(rule: OrderBrushingRule) {
  return { windowMs: rule.windowMinutes * MINUTE_MS, concentrateRate: rule.concentrateRate };
}

/**
 * Records the batch's orders, re-evaluates the windows they can affect, remembers new brushing
 * windows for confirmation, and says which events' orders lie in a brushing window now.
 */
export async function updateBrushing(
  items: readonly TimedOrderEvent[],
  features: BrushingFeatures,
  rule: OrderBrushingRule,
): Promise<BrushingUpdate> {
  const outcome: BrushingUpdate = { signals: new Map() };
  const counted = items.filter((i) => COUNTED_TYPES.has(i.event.type));
  if (!rule.enabled || counted.length === 0) return outcome;
  const params = paramsOf(rule);

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
  const dueAfterMs = params.windowMs + rule.allowedLatenessMinutes * MINUTE_MS;
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
      pendingDueAfterMs: dueAfterMs,
    }));
    const written = await features.replaceWindows(replaces);
    const retry: typeof pending = [];
    written.forEach((w, n) => {
      const { shopId, range } = pending[n]!;
      if (!w.ok) {
        retry.push(pending[n]!);
        return;
      }
      const list = evaluated.get(shopId) ?? [];
      list.push({ range, orders: snapshots[n]!.orders, windows: replaces[n]!.windows });
      evaluated.set(shopId, list);
    });
    pending = retry;
  }

  // An order's signal is causal: it is judged on what was known when its event happened (the shop's
  // orders from events before it, and the order itself), never on batch-mates that came after it, nor
  // on other orders of the very same instant. So for input in time order, as the replay feeds it, a
  // decision is the same whatever the batch size. Windows and violations still use every order.
  const signalsUnder = (r: OrderBrushingRule): Map<string, Signal[]> => {
    const signals = new Map<string, Signal[]>();
    const p = paramsOf(r);
    for (const item of counted) {
      const at = orderAt.get(item)!;
      // The evaluated range holding the order covers every window start in [at - W, at] and the orders they hold.
      const here = evaluated.get(item.event.merchantId)?.find((e) => at >= e.range.startMs && at <= e.range.endMs);
      if (!here) continue;
      // Not a filter on the batch's windows: later orders can dilute a window that was brushing up to this order.
      const known = knownWhen(here.orders, item, at, p.windowMs);
      const covering = findBrushingWindows(known, p, at - p.windowMs, at).filter((w) => w.startMs <= at && at <= w.endMs);
      if (covering.length === 0) continue;
      signals.set(item.event.eventId, brushingSignals(item.event, covering, known, r));
    }
    return signals;
  };
  outcome.signals = signalsUnder(rule);
  outcome.rescore = (other, configVersion) => {
    if (!other.enabled) return { signals: new Map(), violations: [] };
    const same = other.windowMinutes === rule.windowMinutes && other.concentrateRate === rule.concentrateRate;
    const memo = new Map<Evaluated, BrushingWindow[]>();
    const windowsOf = (e: Evaluated): BrushingWindow[] => {
      if (same) return e.windows;
      let found = memo.get(e);
      if (!found) memo.set(e, (found = findBrushingWindows(e.orders, paramsOf(other), e.range.startMs, e.range.endMs)));
      return found;
    };
    const confirmed = [...evaluated].flatMap(([shopId, list]) =>
      list.flatMap((e) => windowsOf(e).map((window) => ({ shopId, window, orders: e.orders.filter((o) => o.atMs >= window.startMs && o.atMs <= window.endMs) }))),
    );
    return { signals: signalsUnder(other), violations: violationsFor(confirmed, other, configVersion) };
  };
  return outcome;
}

/**
 * The shop's orders a window holding this order (at `atMs`) can contain, as known when the item's
 * event happened: orders from earlier instants, and the order itself.
 */
function knownWhen(orders: readonly ShopOrder[], item: TimedOrderEvent, atMs: number, windowMs: number): ShopOrder[] {
  const cutoff = item.occurredAtMs;
  const orderId = item.event.orderId;
  return orders.filter((o) => o.orderId === orderId || (o.atMs < cutoff && o.atMs >= atMs - windowMs && o.atMs <= atMs + windowMs));
}

function brushingSignals(event: OrderEvent, covering: readonly BrushingWindow[], orders: readonly ShopOrder[], rule: OrderBrushingRule): Signal[] {
  // The most concentrated window holding the order explains it best.
  const w = covering.reduce((best, c) => (c.orders * best.buyers > best.orders * c.buyers ? c : best));
  const mine = orders.filter((o) => o.atMs >= w.startMs && o.atMs <= w.endMs && o.buyerId === event.buyer.id).length;
  const signals: Signal[] = [
    {
      code: 'ORDER_BRUSHING_WINDOW',
      weight: rule.weight,
      detail:
        `shop ${event.merchantId} took ${w.orders} orders from ${w.buyers} distinct buyers between ${fmtTime(w.startMs)} and ` +
        `${fmtTime(w.endMs)} (${(w.orders / w.buyers).toFixed(2)} orders per buyer; threshold ${rule.concentrateRate} within ${rule.windowMinutes} min)`,
    },
  ];
  if (mine >= rule.concentrateRate) {
    signals.push({
      code: 'ORDER_BRUSHING_REPEAT_BUYER',
      weight: rule.repeatBuyerWeight,
      detail: `buyer ${event.buyer.id} placed ${mine} of those ${w.orders} orders (threshold ${rule.concentrateRate})`,
    });
  }
  return signals;
}

/**
 * Turns brushing windows whose confirmation time has passed the event-time watermark into
 * `fake_orders` violations, if the window still exists (a later order may have diluted it).
 * Violations are idempotent by id; pending entries are cleared only after the caller recorded them.
 */
export async function confirmBrushing(
  features: BrushingFeatures,
  rule: OrderBrushingRule,
  configVersion: string,
  watermarkMs: number,
): Promise<{ violations: Violation[]; confirmed: PendingWindow[] }> {
  const due = await features.duePending(watermarkMs, CONFIRM_BATCH);
  if (due.length === 0) return { violations: [], confirmed: [] };
  const stored = await features.windows(due.map((p) => ({ shopId: p.shopId, fromStartMs: p.startMs, toStartMs: p.startMs })));
  const live = due.flatMap((p, n) => {
    const window = stored[n]!.find((w) => w.endMs === p.endMs);
    return window ? [{ shopId: p.shopId, window }] : [];
  });
  const snapshots = await features.readOrders(live.map(({ shopId, window }) => ({ shopId, fromMs: window.startMs, toMs: window.endMs })));
  const violations = violationsFor(
    live.map((l, n) => ({ ...l, orders: snapshots[n]!.orders })),
    rule,
    configVersion,
  );
  return { violations, confirmed: due };
}

/** One `fake_orders` violation per shop per bucket of brushing time; the id derives from both. */
function violationsFor(
  confirmed: readonly { shopId: string; window: BrushingWindow; orders: ShopOrder[] }[],
  rule: OrderBrushingRule,
  configVersion: string,
): Violation[] {
  const bucketMs = rule.violationBucketHours * HOUR_MS;
  const byId = new Map<string, Violation>();
  const sorted = [...confirmed].sort((a, b) => a.window.startMs - b.window.startMs);
  for (const { shopId, window: w, orders } of sorted) {
    const bucketStartMs = Math.floor(w.startMs / bucketMs) * bucketMs;
    const violationId = stableId('viol', shopId, 'fake_orders', bucketStartMs);
    if (byId.has(violationId)) continue;
    const perBuyer: Record<string, number> = {};
    for (const o of orders) perBuyer[o.buyerId] = (perBuyer[o.buyerId] ?? 0) + 1;
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
        suspiciousBuyerIds: topBuyers(orders).buyerIds,
        ordersPerBuyer: perBuyer,
        orderIds: orders.slice(0, MAX_EVIDENCE_ORDERS).map((o) => o.orderId),
        bucketStart: new Date(bucketStartMs).toISOString(),
      },
    });
  }
  return [...byId.values()];
}

/** Order brushing as a detector family of the order pipeline. */
export function brushingDetector(features: BrushingFeatures): OrderDetector {
  async function settle(watermarkMs: number, rule: OrderBrushingRule, configVersion: string): Promise<DetectorResult> {
    const { violations, confirmed } = await confirmBrushing(features, rule, configVersion, watermarkMs);
    return { ...emptyResult(), violations, commit: () => features.clearPending(confirmed), more: confirmed.length > 0 };
  }
  return {
    name: 'orderBrushing',
    async process(items, config) {
      const rule = config.rules.orderBrushing;
      const { signals, rescore } = await updateBrushing(items, features, rule);
      // Event time is the clock: the batch's latest event is the watermark for confirmations.
      const watermarkMs = items.reduce((max, i) => Math.max(max, i.occurredAtMs), -Infinity);
      return {
        ...(await settle(watermarkMs, rule, config.version)),
        signals,
        ...(rescore ? { rescore: (other: Thresholds) => rescore(other.rules.orderBrushing, other.version) } : {}),
      };
    },
    async flush(watermarkMs, config) {
      return settle(watermarkMs, config.rules.orderBrushing, config.version);
    },
  };
}
