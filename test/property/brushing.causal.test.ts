/**
 * Brushing signals are causal, so a backtest does not depend on its batch size: for order events in
 * time order (as the replay feeds them), each event's brushing signals are the same whether the
 * events come one at a time or in batches of any sizes. Only what the event could have known counts:
 * the shop's orders from earlier instants, and its own order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { updateBrushing, type TimedOrderEvent } from '../../shared/app/brushingDetector';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { MINUTE_MS } from '../../shared/domain/config/thresholds';
import type { Signal } from '../../shared/domain/scoring/score';

const T0 = Date.parse('2026-11-28T00:00:00Z');
const RULE = defaultThresholds.rules.orderBrushing;

interface GenOrder {
  shop: number;
  buyer: number;
  /** Minutes after T0 of order.placed (a 5-minute grid: ties and exact hour gaps are common). */
  placed: number;
  /** Minutes after placing that it was paid, if it was. */
  paidAfter: number | null;
}

const orderArb: fc.Arbitrary<GenOrder> = fc.record({
  shop: fc.integer({ min: 0, max: 1 }),
  // Skewed towards two buyers, so that brushing windows are common and later buyers dilute them.
  buyer: fc.oneof(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 5 })),
  placed: fc.integer({ min: 0, max: 36 }).map((k) => k * 5),
  paidAfter: fc.option(fc.constantFrom(0, 1, 5, 30, 90), { nil: null }),
});

function events(orders: readonly GenOrder[]): TimedOrderEvent[] {
  const out: TimedOrderEvent[] = [];
  orders.forEach((o, n) => {
    const base = { schemaVersion: 1, kind: 'order', orderId: `o-${n}`, merchantId: `m-${o.shop}`, buyer: { id: `b-${o.buyer}` }, amount: 1000, currency: 'CNY', items: [] } as const;
    const at = (minutes: number) => T0 + minutes * MINUTE_MS;
    const placed = { ...base, eventId: `e-${n}-p`, type: 'order.placed', occurredAt: new Date(at(o.placed)).toISOString() } as unknown as OrderEvent;
    out.push({ event: placed, occurredAtMs: at(o.placed) });
    if (o.paidAfter !== null) {
      const paidAt = at(o.placed + o.paidAfter);
      out.push({ event: { ...placed, eventId: `e-${n}-d`, type: 'order.paid', occurredAt: new Date(paidAt).toISOString() } as OrderEvent, occurredAtMs: paidAt });
    }
  });
  // Time order, stable for ties: what the replay feeds the handlers.
  return out.sort((a, b) => a.occurredAtMs - b.occurredAtMs);
}

/** Every event's brushing signals when the events are processed in batches of the given sizes (cycled). */
async function signalsInBatches(items: readonly TimedOrderEvent[], sizes: readonly number[]): Promise<Record<string, Signal[]>> {
  const store = createMemoryFeatureStore();
  const all: Record<string, Signal[]> = {};
  for (let i = 0, b = 0; i < items.length; b++) {
    const batch = items.slice(i, i + sizes[b % sizes.length]!);
    i += batch.length;
    for (const [eventId, signals] of (await updateBrushing(batch, store.brushing, RULE)).signals) all[eventId] = signals;
  }
  return all;
}

describe('brushing signals are causal', () => {
  it('are the same one event at a time and in batches of any sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 2, max: 60 }), { minLength: 1, maxLength: 4 }), async (orders, sizes) => {
        const items = events(orders);
        expect(await signalsInBatches(items, sizes)).toEqual(await signalsInBatches(items, [1]));
      }),
      { numRuns: 300 },
    );
  });

  it('do not flag an order on what came after it, even in the same batch', async () => {
    // One buyer's three orders: only the third has three orders from one buyer behind it.
    const items = events([0, 10, 20].map((placed) => ({ shop: 0, buyer: 0, placed, paidAfter: null })));
    const signals = await signalsInBatches(items, [items.length]);
    expect(Object.keys(signals)).toEqual(['e-2-p']);
    expect(signals['e-2-p']!.map((s) => s.code)).toEqual(['ORDER_BRUSHING_WINDOW', 'ORDER_BRUSHING_REPEAT_BUYER']);
  });
});
