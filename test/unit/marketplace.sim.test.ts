/**
 * The marketplace simulator: contract-valid, reproducible traffic whose injected scenarios are what
 * their names say (checked on the events themselves, not on the simulator's word).
 */
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../shared/contracts/decode';
import { StreamEventSchema, type OrderEvent, type ReviewEvent, type StreamEvent } from '../../shared/contracts/events';
import { ESSENTIAL_CATEGORIES } from '../../shared/sim/catalog';
import { Marketplace, simulateMarketplace, type ScenarioInstance } from '../../shared/sim/marketplace';
import { FRAUD_SCENARIOS, HONEST_SCENARIOS } from '../../shared/sim/scenarios';

const HOUR = 3_600_000;
const run = simulateMarketplace({ seed: 11, events: 4_000 });
const { events, manifest } = run;
const orders = events.filter((e): e is OrderEvent => e.kind === 'order');
const reviews = events.filter((e): e is ReviewEvent => e.kind === 'review');
const ms = (e: StreamEvent) => Date.parse(e.occurredAt);

function instances(scenario: string): ScenarioInstance[] {
  return manifest.scenarios.filter((s) => s.scenario === scenario);
}

function ordersOf(instance: ScenarioInstance): OrderEvent[] {
  const ids = new Set(instance.orderIds);
  return orders.filter((e) => ids.has(e.orderId) && e.label?.scenario === instance.scenario);
}

function placed(instance: ScenarioInstance): OrderEvent[] {
  return ordersOf(instance).filter((e) => e.type === 'order.placed');
}

describe('marketplace simulator', () => {
  it('emits only events the event contract accepts, each with a label', () => {
    const invalid = events.flatMap((e) => {
      const parsed = StreamEventSchema.safeParse(e);
      const decoded = decodeEvent(JSON.stringify(e));
      return parsed.success && decoded.ok ? [] : [{ eventId: e.eventId, reason: decoded.ok ? String(parsed.error) : decoded.reason }];
    });

    expect(events.length).toBeGreaterThan(3_000);
    expect(invalid).toEqual([]);
    expect(events.every((e) => e.label !== undefined && typeof e.label.scenario === 'string')).toBe(true);
  });

  it('is reproducible with a seed, and another seed gives other traffic', () => {
    const again = simulateMarketplace({ seed: 11, events: 4_000 });
    const other = simulateMarketplace({ seed: 12, events: 4_000 });

    expect(again.events).toEqual(events);
    expect(again.manifest).toEqual(manifest);
    expect(other.events.slice(0, 50)).not.toEqual(events.slice(0, 50));
  });

  it('emits in event-time order, inside the run, with unique event ids, and about the asked number of events', () => {
    const times = events.map(ms);

    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(manifest.history.from));
    expect(times[times.length - 1]).toBeLessThanOrEqual(Date.parse(manifest.endAt));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(manifest.events).toBe(events.length);
    expect(Math.abs(events.length - 4_000) / 4_000).toBeLessThan(0.15);
  });

  it('gives every essential SKU a thin price history before the run: paid orders at its usual price', () => {
    const startMs = Date.parse(manifest.startAt);
    const history = events.filter((e) => ms(e) < startMs);
    const units = new Map<string, number>();
    for (const e of history) for (const i of (e as OrderEvent).items ?? []) units.set(i.skuId, (units.get(i.skuId) ?? 0) + i.quantity);
    const essentialSkus = new Set(orders.filter((e) => ms(e) >= startMs).flatMap((e) => e.items!.filter((i) => ESSENTIAL_CATEGORIES.includes(i.category as never)).map((i) => i.skuId)));

    expect(history.length).toBe(manifest.history.events);
    expect(history.every((e) => e.type === 'order.paid' && e.label?.fraud === false)).toBe(true);
    expect([...essentialSkus].every((sku) => (units.get(sku) ?? 0) >= 4)).toBe(true);
  });

  it('follows a daily rhythm: evenings are far busier than the small hours (Beijing time)', () => {
    const byLocalHour = new Array<number>(24).fill(0);
    for (const e of orders) if (e.type === 'order.placed' && e.label?.scenario === 'ordinary') byLocalHour[(new Date(e.occurredAt).getUTCHours() + 8) % 24]!++;

    const evening = byLocalHour[20]! + byLocalHour[21]!;
    const smallHours = byLocalHour[3]! + byLocalHour[4]!;

    expect(evening).toBeGreaterThan(4 * smallHours);
  });

  it('carries realistic payment, device and shipping fields', () => {
    const paid = orders.filter((e) => e.type === 'order.paid');

    expect(paid.every((e) => e.payment?.status !== undefined && e.device?.ip !== undefined && e.device.ipCountry !== undefined && e.shipping?.addressId !== undefined)).toBe(true);
    expect(paid.filter((e) => e.payment?.method !== 'cod').every((e) => /^pi-[0-9a-f]{12}$/.test(e.payment!.instrumentId ?? ''))).toBe(true);
    expect(paid.every((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e.device!.ip!))).toBe(true);
    expect(paid.every((e) => e.amount === e.items!.reduce((s, i) => s + i.quantity * i.unitPrice, 0) + (e.shipping!.fee ?? 0))).toBe(true);
    expect(orders.every((e) => e.payment?.billingCountry === undefined || /^[A-Z]{2}$/.test(e.payment.billingCountry))).toBe(true);
  });

  it('lists every scenario in the manifest, and the manifest matches the labelled events', () => {
    const labelled = new Map<string, number>();
    for (const e of events) if (e.label!.scenario !== 'ordinary') labelled.set(e.label!.scenario!, (labelled.get(e.label!.scenario!) ?? 0) + 1);
    const counted = new Map<string, number>();
    for (const s of manifest.scenarios) counted.set(s.scenario, (counted.get(s.scenario) ?? 0) + s.events);

    expect([...new Set(manifest.scenarios.map((s) => s.scenario))].sort()).toEqual([...FRAUD_SCENARIOS, ...HONEST_SCENARIOS].sort());
    expect(counted).toEqual(labelled);
    expect(manifest.scenarios.every((s) => s.fraud === (FRAUD_SCENARIOS as readonly string[]).includes(s.scenario))).toBe(true);
    expect(events.filter((e) => e.label!.fraud).every((e) => (FRAUD_SCENARIOS as readonly string[]).includes(e.label!.scenario!))).toBe(true);
    expect(manifest.scenarios.every((s) => Date.parse(s.startAt) <= Date.parse(s.endAt) && s.events > 0)).toBe(true);
  });

  it('declares an emergency over the essential goods, and gouges only after it, at several times the usual price', () => {
    const emergencyMs = Date.parse(manifest.emergency!.startAt);

    expect(manifest.emergency).toMatchObject({ categories: ESSENTIAL_CATEGORIES, regions: ['CN'] });
    for (const instance of instances('price_gouging')) {
      const lines = placed(instance).flatMap((e) => e.items!.filter((i) => instance.skuIds.includes(i.skuId)).map((i) => ({ ...i, at: ms(e) })));
      const sameSkuElsewhere = orders.filter((e) => e.type === 'order.placed' && e.label!.scenario !== 'price_gouging' && ms(e) >= Date.parse(instance.details.from as string)).flatMap((e) => e.items!.filter((i) => instance.skuIds.includes(i.skuId)));
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.every((l) => l.at >= emergencyMs && ESSENTIAL_CATEGORIES.includes(l.category as never))).toBe(true);
      expect(lines.every((l) => l.unitPrice >= 2.5 * Number(instance.details.usualUnitPrice))).toBe(true);
      expect(sameSkuElsewhere).toEqual([]);
    }
  });

  it('injects brushing rings whose orders reach three per buyer inside an hour', () => {
    for (const instance of instances('order_brushing')) {
      const times = placed(instance).map((e) => ({ at: ms(e), buyer: e.buyer.id }));
      const reachesRate = times.some((start) => {
        const inside = times.filter((t) => t.at >= start.at && t.at <= start.at + HOUR);
        return inside.length / new Set(inside.map((t) => t.buyer)).size >= 3;
      });
      expect(reachesRate).toBe(true);
      expect(instance.merchantIds).toHaveLength(1);
    }
  });

  it('injects fake-review rings: twenty new accounts, five stars within two hours, no orders, near-duplicate texts, shared devices', () => {
    const buyersWithOrders = new Set(orders.map((e) => e.buyer.id));
    for (const instance of instances('fake_review_ring')) {
      const ids = new Set(instance.reviewIds);
      const ring = reviews.filter((r) => ids.has(r.reviewId));
      const times = ring.map(ms);
      expect(ring).toHaveLength(20);
      expect(ring.every((r) => r.rating === 5 && (r.orderId ?? null) === null && !buyersWithOrders.has(r.buyerId))).toBe(true);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2 * HOUR);
      expect(new Set(ring.map((r) => r.device!.id)).size).toBeLessThanOrEqual(3);
      expect(new Set(ring.map((r) => r.text!.slice(0, 6))).size).toBe(1);
    }
  });

  it('injects card testing: many small declines on one card or one device, then a large authorization', () => {
    for (const instance of instances('card_testing')) {
      const events = ordersOf(instance);
      const declines = events.filter((e) => e.type === 'order.payment_failed');
      const large = events.filter((e) => e.type === 'order.paid' && e.amount >= 100_000);
      const oneCard = new Set(declines.map((e) => e.payment!.instrumentId)).size === 1;
      const oneDevice = new Set(declines.map((e) => e.device!.id)).size === 1;
      expect(declines.length).toBeGreaterThanOrEqual(10);
      expect(declines.every((e) => e.amount <= 600)).toBe(true);
      expect(oneCard || oneDevice).toBe(true);
      expect(large).toHaveLength(1);
      expect(ms(large[0]!)).toBeGreaterThan(Math.max(...declines.map(ms)));
    }
  });

  it('injects bot sign-ups buying within seconds of creating their accounts', () => {
    for (const instance of instances('bot_signup')) {
      const bought = placed(instance);
      expect(bought.length).toBeGreaterThanOrEqual(15);
      expect(bought.every((e) => ms(e) - Date.parse(e.buyer.accountCreatedAt!) <= 20_000)).toBe(true);
    }
  });

  it('injects account takeovers: an established account on a new device, country, card and address, buying high-value goods', () => {
    for (const instance of instances('account_takeover')) {
      const taken = placed(instance);
      const victim = taken[0]!.buyer.id;
      const history = orders.filter((e) => e.buyer.id === victim && e.label!.scenario === 'ordinary' && ms(e) < ms(taken[0]!));
      expect(history.length).toBeGreaterThan(0);
      expect(Date.parse(taken[0]!.buyer.accountCreatedAt!)).toBeLessThan(Date.parse(manifest.startAt) - 30 * 24 * HOUR);
      for (const e of taken) {
        expect(history.some((h) => h.device?.id === e.device!.id)).toBe(false);
        expect(history.some((h) => h.device?.ipCountry === e.device!.ipCountry)).toBe(false);
        expect(history.some((h) => h.payment?.instrumentId === e.payment!.instrumentId)).toBe(false);
        expect(history.some((h) => h.shipping?.addressId === e.shipping!.addressId)).toBe(false);
        expect(e.amount).toBeGreaterThanOrEqual(100_000);
      }
    }
  });

  it('includes honest surprises: a flash sale from distinct buyers, a viral product reviewed by verified buyers, a price rise of 10-30%, new devices at home', () => {
    for (const sale of instances('honest_flash_sale')) {
      const sold = placed(sale);
      const times = sold.map(ms);
      expect(sold.length).toBeGreaterThanOrEqual(60);
      expect(new Set(sold.map((e) => e.buyer.id)).size).toBe(sold.length);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(HOUR);
    }
    for (const viral of instances('honest_viral_product')) {
      const reviewed = reviews.filter((r) => r.label!.scenario === 'honest_viral_product' && viral.reviewIds.includes(r.reviewId));
      expect(reviewed.length).toBeGreaterThanOrEqual(20);
      expect(reviewed.every((r) => orders.some((o) => o.orderId === r.orderId && o.buyer.id === r.buyerId && o.type === 'order.completed' && ms(o) <= ms(r)))).toBe(true);
    }
    for (const rise of instances('honest_price_rise')) {
      expect(Number(rise.details.factor)).toBeGreaterThanOrEqual(1.1);
      expect(Number(rise.details.factor)).toBeLessThanOrEqual(1.3);
      const lines = placed(rise).flatMap((e) => e.items!.filter((i) => rise.skuIds.includes(i.skuId)));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((i) => i.unitPrice === rise.details.unitPrice)).toBe(true);
    }
    for (const moved of instances('honest_new_device')) {
      for (const e of placed(moved)) {
        const before = orders.filter((o) => o.buyer.id === e.buyer.id && ms(o) < ms(e) && o.type === 'order.placed');
        expect(before.some((o) => o.device?.id === e.device!.id)).toBe(false);
        expect(before.every((o) => o.device?.ipCountry === e.device!.ipCountry)).toBe(true);
      }
    }
  });

  it('streams the same traffic it returns, and refuses to generate twice', () => {
    const market = new Marketplace({ seed: 11, events: 4_000 });

    const streamed = [...market.events()];

    expect(streamed).toEqual(events);
    expect(() => [...market.events()]).toThrow(/once/);
  });
});
