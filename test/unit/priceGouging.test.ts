import { describe, expect, it } from 'vitest';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import { baselineDays, pricedLines, weightedMedian } from '../../shared/domain/pricing/gouging';
import type { WarningRequest } from '../../shared/domain/records';
import { orderEvent } from '../support/orders';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T10:00:00Z');
const day = (d: number, minute = 0) => new Date(T0 + d * DAY + minute * 60_000).toISOString();

function withRules(patch: Partial<Thresholds['rules']['priceGouging']>): Thresholds {
  return { ...defaultThresholds, rules: { ...defaultThresholds.rules, priceGouging: { ...defaultThresholds.rules.priceGouging, ...patch } } };
}

function setup(config: Thresholds = defaultThresholds) {
  const decisions = new MemoryDecisionLog();
  const violations = new MemoryViolationLedger();
  const warnings: WarningRequest[] = [];
  const pipeline = createOrderPipeline({
    features: createMemoryFeatureStore(),
    decisions,
    violations,
    config: new StaticConfigSource(config),
    warnings: { request: async (w) => void warnings.push(...w) },
  });
  const run = async (...events: OrderEvent[]) => {
    for (const event of events) await pipeline([{ event, occurredAtMs: Date.parse(event.occurredAt) }]);
  };
  const codes = (eventId: string) => decisions.byEventId.get(eventId)!.reasons.map((r) => r.code);
  return { run, codes, decisions, violations, warnings };
}

let n = 0;
function sale(sku: string, category: string, unitPrice: number, occurredAt: string, overrides: Partial<OrderEvent> = {}): OrderEvent {
  n++;
  return orderEvent({
    eventId: `sale-${n}`,
    orderId: `o-sale-${n}`,
    type: 'order.paid',
    at: occurredAt,
    merchantId: 'm-honest',
    buyer: { id: `b-${n}` },
    amount: unitPrice,
    items: [{ skuId: sku, category, quantity: 1, unitPrice }],
    shipping: { country: 'CN', fee: 0 },
    ...overrides,
  });
}

/** Ten sales a day at the usual price for the days before `toDay`. */
function history(sku: string, category: string, price: number, fromDay: number, toDay: number): OrderEvent[] {
  const out: OrderEvent[] = [];
  for (let d = fromDay; d < toDay; d++) for (let k = 0; k < 10; k++) out.push(sale(sku, category, price + (k % 3) * 10, day(d, k * 30)));
  return out;
}

describe('price gouging: the baseline', () => {
  it('spreads the shipping fee over the units of the order', () => {
    const lines = pricedLines({ items: [{ skuId: 'a', quantity: 3, unitPrice: 1_000 }, { skuId: 'b', quantity: 1, unitPrice: 500 }], shipping: { fee: 800 } });

    expect(lines.map((l) => l.unitPrice)).toEqual([1_200, 700]);
  });

  it('takes the weighted median of paid units', () => {
    const h1 = new Map([[1_000, 2], [9_000, 1]]);
    const h2 = new Map([[1_100, 2]]);
    const even = new Map([[1_000, 1], [2_000, 1]]);

    expect(weightedMedian([h1, h2])).toEqual({ median: 1_100, samples: 5 });
    expect(weightedMedian([even])).toEqual({ median: 1_000, samples: 2 }); // the lower median of an even count
    expect(weightedMedian([])).toEqual({ median: null, samples: 0 });
  });

  it('uses whole days ending before the recent hours, or before the emergency began', () => {
    const rules = defaultThresholds.rules.priceGouging;
    const atMs = Date.parse('2026-11-28T10:00:00Z');
    const dayNo = (iso: string) => Math.floor(Date.parse(iso) / DAY);

    const normal = baselineDays(atMs, rules);
    const frozen = baselineDays(atMs, rules, { id: 'e', categories: ['health'], regions: [], startAt: '2026-11-20T00:00:00Z' });

    expect(normal).toHaveLength(14);
    expect(normal[13]).toBe(dayNo('2026-11-26T00:00:00Z'));
    expect(frozen[13]).toBe(dayNo('2026-11-18T00:00:00Z'));
  });
});

describe('price gouging: orders', () => {
  it('flags an essential good at 3.4 times its usual price, records a violation and asks to warn the buyer', async () => {
    const { run, codes, violations, warnings, decisions } = setup();
    const gouged = sale('sku-mask', 'health.masks', 3_400, day(20), { eventId: 'gouged', merchantId: 'm-gouger', buyer: { id: 'b-victim' } });

    await run(...history('sku-mask', 'health.masks', 990, 0, 19), gouged);

    expect(codes('gouged')).toEqual(['PRICE_GOUGING']);
    expect(decisions.byEventId.get('gouged')!.decision).toBe('review');
    expect(decisions.byEventId.get('gouged')!.reasons[0]!.detail).toMatch(/is 3\.40x its usual 10\.00 CNY .*essential-goods limit 1\.5x/);
    const [violation] = [...violations.byId.values()];
    expect(violation).toMatchObject({ merchantId: 'm-gouger', type: 'price_gouging', evidence: { skuId: 'sku-mask', baseline: 1_000, ratio: 3.4 } });
    expect(warnings).toEqual([expect.objectContaining({ buyerId: 'b-victim', type: 'price_gouging', params: expect.objectContaining({ ratio: 3.4 }) })]);
  });

  it('lets an ordinary 10-30% price rise and a flash sale at the usual price through', async () => {
    const { run, codes, violations } = setup();
    const rise = sale('sku-pan', 'home.kitchen', 1_290, day(20), { eventId: 'rise' });
    const flash = Array.from({ length: 200 }, (_, k) => sale('sku-pan', 'home.kitchen', 990, day(20, k % 60), { eventId: `flash-${k}` }));

    await run(...history('sku-pan', 'home.kitchen', 990, 0, 19), rise, ...flash);

    expect(codes('rise')).toEqual([]);
    expect(flash.every((e) => codes(e.eventId).length === 0)).toBe(true);
    expect(violations.byId.size).toBe(0);
  });

  it('holds non-essential goods to the looser default ratio', async () => {
    const { run, codes } = setup();
    const doubled = sale('sku-headphones', 'electronics.audio', 2_000, day(20), { eventId: 'doubled' });
    const tripled = sale('sku-headphones', 'electronics.audio', 3_000, day(20), { eventId: 'tripled' });

    await run(...history('sku-headphones', 'electronics.audio', 990, 0, 19), doubled, tripled);

    expect(codes('doubled')).toEqual([]);
    expect(codes('tripled')).toEqual(['PRICE_GOUGING']);
  });

  it('judges a new SKU against its category', async () => {
    const { run, codes } = setup();
    const newSku = sale('sku-new-sanitiser', 'health.sanitiser', 5_000, day(20), { eventId: 'new-sku' });

    await run(...history('sku-old-sanitiser', 'health.sanitiser', 1_000, 0, 19), newSku);

    expect(codes('new-sku')).toEqual(['PRICE_GOUGING']);
  });

  it('during a declared emergency keeps the pre-emergency baseline, so a market-wide spike cannot raise its own baseline', async () => {
    // Prices of water climb steadily from day 10 to three times their level by day 40.
    const climb: OrderEvent[] = [];
    for (let d = 0; d < 40; d++) {
      const price = d < 10 ? 1_000 : Math.round(1_000 * (1 + (2 * (d - 10)) / 30));
      for (let k = 0; k < 10; k++) climb.push(sale('sku-water', 'grocery.water', price, day(d, k * 30)));
    }
    const probe = (id: string) => sale('sku-water', 'grocery.water', 3_000, day(41), { eventId: id });
    const emergency = { id: 'flood-2026', categories: ['grocery.water'], regions: ['CN'], startAt: day(10) };
    const without = setup();
    const declared = setup(withRules({ emergencies: [emergency] }));

    await without.run(...climb, probe('no-emergency'));
    await declared.run(...climb, probe('emergency'));

    expect(without.codes('no-emergency')).toEqual([]);
    expect(declared.codes('emergency')).toEqual(['PRICE_GOUGING']);
    expect(declared.decisions.byEventId.get('emergency')!.reasons[0]!.detail).toMatch(/emergency flood-2026 limit/);
  });
});
