/** Scoring a run against the scenario manifest: what counts as caught, when, and what is a false alarm. */
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../shared/contracts/events';
import type { Decision, Violation } from '../../shared/domain/records';
import { formatDuration, scoreRun } from '../../shared/local/scoreboard';
import type { ScenarioInstance, ScenarioManifest } from '../../shared/sim/marketplace';

const START = '2026-11-01T00:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * 60_000).toISOString();

function instance(id: string, scenario: string, fraud: boolean, overrides: Partial<ScenarioInstance>): ScenarioInstance {
  return {
    id,
    scenario,
    fraud,
    summary: id,
    startAt: at(60),
    endAt: at(120),
    merchantIds: [],
    buyerIds: [],
    skuIds: [],
    deviceIds: [],
    instrumentIds: [],
    orderIds: [],
    reviewIds: [],
    details: {},
    events: 0,
    ...overrides,
  };
}

function placed(orderId: string, minutes: number, merchantId: string, scenario: string, fraud: boolean): OrderEvent {
  return {
    schemaVersion: 1,
    kind: 'order',
    eventId: `e-${orderId}`,
    type: 'order.placed',
    occurredAt: at(minutes),
    orderId,
    merchantId,
    buyer: { id: `b-${orderId}` },
    amount: 1000,
    currency: 'CNY',
    label: { fraud, scenario },
  };
}

function decision(event: OrderEvent, kind: Decision['decision'], codes: string[] = []): Decision {
  return {
    eventId: event.eventId,
    orderId: event.orderId,
    buyerId: event.buyer.id,
    merchantId: event.merchantId,
    eventType: event.type,
    occurredAt: event.occurredAt,
    amount: event.amount,
    currency: event.currency,
    score: kind === 'allow' ? 0 : kind === 'review' ? 50 : 90,
    decision: kind,
    reasons: codes.map((code) => ({ code, detail: code })),
    configVersion: 'v',
  };
}

const ring = [placed('o1', 60, 'm-ring', 'order_brushing', true), placed('o2', 70, 'm-ring', 'order_brushing', true), placed('o3', 80, 'm-ring', 'order_brushing', true)];
const sale = [placed('o4', 90, 'm-sale', 'honest_flash_sale', false), placed('o5', 95, 'm-sale', 'honest_flash_sale', false)];
const ordinary = [placed('o6', 100, 'm-other', 'ordinary', false), placed('o7', 110, 'm-other', 'ordinary', false)];
const events = [...ring, ...sale, ...ordinary];

const manifest: ScenarioManifest = {
  seed: 1,
  startAt: START,
  endAt: at(24 * 60),
  minutes: 24 * 60,
  events: events.length,
  history: { from: START, events: 0 },
  orders: 7,
  reviews: 0,
  merchants: 3,
  buyers: 7,
  skus: 3,
  baselinePrices: {},
  emergency: null,
  scenarios: [
    instance('order_brushing#1', 'order_brushing', true, { startAt: at(60), endAt: at(80), merchantIds: ['m-ring'], orderIds: ['o1', 'o2', 'o3'] }),
    instance('honest_flash_sale#1', 'honest_flash_sale', false, { startAt: at(90), endAt: at(95), merchantIds: ['m-sale'], orderIds: ['o4', 'o5'] }),
  ],
};

const violation: Violation = { violationId: 'v1', merchantId: 'm-ring', type: 'fake_orders', occurredAt: at(60), evidence: {}, configVersion: 'v' };

describe('scoring a run against the manifest', () => {
  it('counts flagged orders, violations and detection time per scenario, and false alarms on honest traffic', () => {
    const decisions = new Map(
      [
        decision(ring[0]!, 'allow'),
        decision(ring[1]!, 'block', ['ORDER_BRUSHING_WINDOW']),
        decision(ring[2]!, 'block', ['ORDER_BRUSHING_WINDOW']),
        decision(sale[0]!, 'review', ['ORDER_BRUSHING_WINDOW']),
        decision(sale[1]!, 'allow'),
        decision(ordinary[0]!, 'allow'),
        decision(ordinary[1]!, 'allow'),
      ].map((d) => [d.eventId, d]),
    );
    // o2 was decided in a batch whose latest event was at minute 85.
    const decidedAtMs = new Map([['e-o2', Date.parse(at(85))]]);

    const board = scoreRun({ manifest, events, decisions, decidedAtMs, violations: [{ violation, detectedAtMs: Date.parse(at(150)) }], warnings: [], reviewAt: 40, blockAt: 80 });

    const brushing = board.rows.find((r) => r.scenario === 'order_brushing')!;
    const sale_ = board.rows.find((r) => r.scenario === 'honest_flash_sale')!;
    expect(brushing).toMatchObject({ caught: 1, instances: 1, orders: 3, flagged: 2, block: 2, violations: { fake_orders: 1 } });
    // First detection: o3's own time (minute 80) comes before o2's batch watermark (minute 85): 20 minutes after the start.
    expect(brushing.detectionMs).toEqual([20 * 60_000]);
    expect(brushing.recall).toBeCloseTo(2 / 3);
    // Its rule also flagged one honest flash-sale order: 3 flags on the fraud (2 orders, 1 violation), 1 on honest traffic.
    expect(brushing.precision).toBeCloseTo(3 / 4);
    expect(sale_).toMatchObject({ flagged: 1, review: 1, caught: 1, precision: null, recall: null });
    expect(board.ordinary).toMatchObject({ orders: 2, flagged: 0 });
    expect(board.overall).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 3 });
  });

  it('formats durations for people', () => {
    expect([formatDuration(45_000), formatDuration(12 * 60_000), formatDuration(65 * 60_000), formatDuration(51 * 3_600_000)]).toEqual(['45s', '12m', '1h05m', '2d03h']);
  });
});
