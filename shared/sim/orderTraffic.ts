/**
 * Generated order traffic in the event contract, with labels: ordinary shoppers and brushing rings
 * (a shop's accomplices placing many orders within an hour). Deterministic for a seed. Used by the
 * benchmark, `npm start` and tests; the full marketplace simulator builds on it.
 */
import type { OrderEvent } from '../contracts/events';
import { Random } from './random';

export interface OrderTrafficOptions {
  seed: number;
  /** Number of orders; each yields an `order.placed` and usually an `order.paid` event. */
  orders: number;
  merchants: number;
  buyers: number;
  startMs: number;
  /** Mean gap between consecutive orders, platform-wide. */
  meanGapMs: number;
  /** Share of merchants that brush. */
  brushingMerchantShare: number;
  /** Chance, per ordinary order of a brushing merchant, that a brushing burst starts there. */
  burstChance: number;
}

export const DEFAULT_ORDER_TRAFFIC: OrderTrafficOptions = {
  seed: 7,
  orders: 10_000,
  merchants: 1_000,
  buyers: 5_000,
  startMs: Date.parse('2026-11-01T00:00:00Z'),
  meanGapMs: 2_000,
  brushingMerchantShare: 0.05,
  burstChance: 0.05,
};

const PRICE_BY_CATEGORY: Record<string, number> = {
  'health.masks': 2_500,
  'home.kitchen': 8_900,
  'electronics.audio': 29_900,
  'fashion.shoes': 45_000,
  'grocery.water': 1_200,
};
const CATEGORIES = Object.keys(PRICE_BY_CATEGORY);

function order(
  rnd: Random,
  n: number,
  atMs: number,
  merchantId: string,
  buyerId: string,
  fraud: boolean,
  scenario: string,
): OrderEvent[] {
  const category = rnd.pick(CATEGORIES);
  const unitPrice = Math.round(PRICE_BY_CATEGORY[category]! * (0.8 + 0.4 * rnd.next()));
  const quantity = rnd.int(1, 3);
  const orderId = `o-${n}`;
  const base = {
    schemaVersion: 1 as const,
    kind: 'order' as const,
    orderId,
    merchantId,
    buyer: { id: buyerId },
    amount: unitPrice * quantity,
    currency: 'CNY',
    items: [{ skuId: `sku-${merchantId}-${category}`, category, quantity, unitPrice }],
    label: { fraud, scenario },
  };
  const events: OrderEvent[] = [{ ...base, eventId: `e-${n}-p`, type: 'order.placed', occurredAt: new Date(atMs).toISOString() }];
  const paidAt = atMs + rnd.int(5_000, 120_000);
  if (rnd.chance(0.95)) {
    events.push({
      ...base,
      eventId: `e-${n}-y`,
      type: 'order.paid',
      occurredAt: new Date(paidAt).toISOString(),
      payment: { method: 'wallet', instrumentId: `pi-${buyerId}`, status: 'captured' },
    });
  } else {
    events.push({
      ...base,
      eventId: `e-${n}-f`,
      type: 'order.payment_failed',
      occurredAt: new Date(paidAt).toISOString(),
      payment: { method: 'card', instrumentId: `pi-${buyerId}`, status: 'declined', declineReason: 'insufficient_funds' },
    });
  }
  return events;
}

/** Yields events in roughly time order (a paid event may come before the next order's placed event). */
export function* orderTraffic(options: Partial<OrderTrafficOptions> = {}): Generator<OrderEvent> {
  const o = { ...DEFAULT_ORDER_TRAFFIC, ...options };
  const rnd = new Random(o.seed);
  const merchants = Array.from({ length: o.merchants }, (_, i) => `m-${i}`);
  const brushers = new Set(merchants.filter(() => rnd.chance(o.brushingMerchantShare)));
  let t = o.startMs;
  let n = 0;
  while (n < o.orders) {
    t += Math.max(1, Math.round(rnd.exp(o.meanGapMs)));
    const merchantId = rnd.pick(merchants);
    yield* order(rnd, n++, t, merchantId, `b-${rnd.int(0, o.buyers - 1)}`, false, 'ordinary');
    if (brushers.has(merchantId) && rnd.chance(o.burstChance)) {
      // A brushing burst: one to three accomplices, several orders each, inside half an hour.
      const ring = Array.from({ length: rnd.int(1, 3) }, () => `b-ring-${merchantId}-${rnd.int(0, 9)}`);
      const burst = rnd.int(3, 6) * ring.length;
      for (let k = 0; k < burst && n < o.orders; k++) {
        const at = t + rnd.int(0, 30 * 60_000);
        yield* order(rnd, n++, at, merchantId, rnd.pick(ring), true, 'order_brushing');
      }
    }
  }
}
