/** The warnings capability's own sources through the order pipeline, and the replay's warnings.jsonl. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { MemoryMerchantStanding, MemoryWarningStore } from '../../shared/adapters/memory/warnings';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { runReplay } from '../../shared/app/replay';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { orderEvent } from '../support/orders';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T10:00:00Z');
const day = (d: number, minute = 0) => new Date(T0 + d * DAY + minute * 60_000).toISOString();
const NOW = T0 + 30 * DAY;

function setup() {
  const config = new StaticConfigSource(defaultThresholds);
  const store = new MemoryWarningStore();
  const warnings = createWarningService({ store, config });
  const standing = new MemoryMerchantStanding();
  const pipeline = createOrderPipeline({
    features: createMemoryFeatureStore(),
    decisions: new MemoryDecisionLog(),
    violations: new MemoryViolationLedger(),
    config,
    warnings,
    buyerWarnings: { withdrawals: warnings, standing },
  });
  const run = (...events: OrderEvent[]) => pipeline(events.map((event) => ({ event, occurredAtMs: Date.parse(event.occurredAt) })));
  const listed = async (buyerId: string) => (await warnings.list(buyerId, { limit: 100, nowMs: NOW })).items;
  return { run, listed, standing, warnings, store, config };
}

let n = 0;
function sale(unitPrice: number, occurredAt: string, overrides: Partial<OrderEvent> = {}): OrderEvent {
  n++;
  return orderEvent({
    eventId: `src-sale-${n}`,
    orderId: `src-o-${n}`,
    type: 'order.paid',
    at: occurredAt,
    merchantId: 'm-honest',
    buyer: { id: `b-src-${n}` },
    amount: unitPrice,
    items: [{ skuId: 'sku-mask', category: 'health.masks', quantity: 1, unitPrice }],
    shipping: { country: 'CN', fee: 0 },
    ...overrides,
  });
}

function history(): OrderEvent[] {
  const out: OrderEvent[] = [];
  for (let d = 0; d < 19; d++) for (let k = 0; k < 10; k++) out.push(sale(990 + (k % 3) * 10, day(d, k * 30)));
  return out;
}

describe('buyer warnings from the order stream', () => {
  it('warns a buyer ordering from a suspended or blacklisted merchant, once per merchant, and not from one merely warned', async () => {
    const { run, listed, standing } = setup();
    standing.set('m-suspended', { level: 'trading_suspended', blacklisted: false });
    standing.set('m-blacklisted', { level: null, blacklisted: true });
    standing.set('m-warned', { level: 'warning', blacklisted: false });

    await run(
      orderEvent({ at: day(20), merchantId: 'm-suspended', buyer: { id: 'b-shopper' } }),
      orderEvent({ at: day(20, 5), merchantId: 'm-suspended', buyer: { id: 'b-shopper' } }),
      orderEvent({ at: day(20, 6), merchantId: 'm-blacklisted', buyer: { id: 'b-shopper' } }),
      orderEvent({ at: day(20, 7), merchantId: 'm-warned', buyer: { id: 'b-shopper' } }),
    );
    const warnings = await listed('b-shopper');

    expect(warnings.map((w) => [w.type, w.merchantId, w.severity]).sort()).toEqual([
      ['merchant_restricted', 'm-blacklisted', 'critical'],
      ['merchant_restricted', 'm-suspended', 'warning'],
    ]);
    expect(warnings[0]!.message.en).toBe('This shop is restricted for breaking platform rules. Consider buying elsewhere.');
  });

  it('withdraws a gouged-price warning when its order is cancelled, even within the same batch', async () => {
    const { run, listed, store } = setup();
    await run(...history());
    const gouged = sale(3_400, day(20), { type: 'order.placed', orderId: 'o-gouged', buyer: { id: 'b-victim' } });
    const paid = sale(3_400, day(20, 1), { orderId: 'o-gouged', buyer: { id: 'b-victim' } });
    const cancelled = orderEvent({ at: day(20, 2), type: 'order.cancelled', orderId: 'o-gouged', buyer: { id: 'b-victim' } });

    await run(gouged);
    const before = await listed('b-victim');
    await run(paid, cancelled);
    const after = await listed('b-victim');

    expect(before.map((w) => [w.type, w.orderId, w.skuId])).toEqual([['price_gouging', 'o-gouged', 'sku-mask']]);
    expect(after).toEqual([]);
    expect([...store.all()].filter((w) => w.buyerId === 'b-victim').map((w) => w.status)).toEqual(['withdrawn']);
  });
});

describe('the replay\'s warnings', () => {
  it('writes warnings.jsonl through the in-memory outbox and counts them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'riskline-replay-warnings-'));
    try {
      const input = join(dir, 'events.jsonl');
      const gouged = sale(3_400, day(20), { type: 'order.placed', orderId: 'o-replay', merchantId: 'm-gouger', buyer: { id: 'b-replay' } });
      const again = sale(3_400, day(20, 3), { type: 'order.paid', orderId: 'o-replay', merchantId: 'm-gouger', buyer: { id: 'b-replay' } });
      await writeFile(input, [...history(), gouged, again].map((e) => JSON.stringify(e)).join('\n') + '\n');

      // Small batches: a baseline learns only from batches before the one it judges.
      const summary = await runReplay({ input, outDir: join(dir, 'out'), config: defaultThresholds, batchSize: 10 });
      const lines = (await readFile(join(dir, 'out', 'warnings.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

      expect(summary.warnings).toBe(1);
      expect(lines).toEqual([
        expect.objectContaining({ buyerId: 'b-replay', type: 'price_gouging', orderId: 'o-replay', merchantId: 'm-gouger', skuId: 'sku-mask', message: expect.objectContaining({ en: expect.stringContaining('3.4 times') }) }),
      ]);
      expect(lines[0]!.warningId).toMatch(/^warn-/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
