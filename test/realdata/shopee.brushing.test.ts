/**
 * Real data: the Shopee Code League 2020 order-brushing orders (../shared/datasets, see its README),
 * mapped to the event contract and replayed through the same handlers the Lambda runs. For every
 * one of the 489 shops, the replay's streaming verdict must equal the batch reference.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay, type ReplaySummary } from '../../shared/app/replay';
import { defaultThresholds } from '../../shared/config';
import { decodeEvent } from '../../shared/contracts/decode';
import type { OrderEvent } from '../../shared/contracts/events';
import { MINUTE_MS } from '../../shared/domain/config/thresholds';
import {
  parseShopeeLine,
  readShopeeEvents,
  SHOPEE_CSV,
  shopeeRowToEvent,
  writeShopeeJsonl,
} from '../../scripts/datasets/shopee';
import { referenceVerdicts } from '../support/brushingReference';
import { datasetOrSkip } from '../support/datasets';

const SHOPS = 489;
const ORDERS = 53_432;

describe('Shopee CSV mapping (no data needed)', () => {
  it('maps a row to an order.placed event at local time +08:00 that the event contract accepts', () => {
    const row = parseShopeeLine('8,31118426867571,147941492,10986763,2019-12-27 12:00:27', 2);

    const event = shopeeRowToEvent(row);
    const decoded = decodeEvent(JSON.stringify(event), 'order');

    expect(event).toEqual({
      schemaVersion: 1,
      kind: 'order',
      eventId: 'shopee-8',
      type: 'order.placed',
      occurredAt: '2019-12-27T12:00:27+08:00',
      orderId: '31118426867571',
      merchantId: '147941492',
      buyer: { id: '10986763' },
      amount: 0,
      currency: 'CNY',
    });
    expect(decoded.ok && decoded.occurredAtMs).toBe(Date.parse('2019-12-27T04:00:27Z'));
  });

  it('fails loudly, naming the line, on a row that is not 5 plain columns or has a bad time', () => {
    expect(() => parseShopeeLine('8,311,147,"109,86",2019-12-27 12:00:27', 7)).toThrow(/line 7: expected 5 columns .* found 6/);
    expect(() => parseShopeeLine('8,311,147,109', 9)).toThrow(/line 9: expected 5 columns/);
    expect(() => parseShopeeLine('8,311,147,109,2019-12-27T12:00:27', 3)).toThrow(/line 3: event_time/);
    expect(() => parseShopeeLine('8,31x,147,109,2019-12-27 12:00:27', 4)).toThrow(/line 4: orderid/);
  });
});

const csv = datasetOrSkip('Shopee order brushing (real data)', SHOPEE_CSV);

interface MerchantLine {
  merchantId: string;
  brushing: { periods: { start: string; end: string }[]; suspiciousBuyerIds: string[] };
}

describe.skipIf(csv === null)('Shopee order brushing: replay equals the batch reference on real data', () => {
  let dir: string;
  let events: OrderEvent[];
  let summary: ReplaySummary;
  let merchants: Map<string, MerchantLine>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'riskline-shopee-'));
    const input = join(dir, 'events.jsonl');
    await writeShopeeJsonl(csv!, input);
    events = [];
    for await (const e of readShopeeEvents(csv!)) events.push(e);
    summary = await runReplay({ input, outDir: join(dir, 'out'), config: defaultThresholds });
    const text = await readFile(join(dir, 'out', 'merchants.jsonl'), 'utf8');
    const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as MerchantLine);
    merchants = new Map(lines.map((m) => [m.merchantId, m]));
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('maps and replays all 53,432 orders of the 489 shops, none rejected', () => {
    expect(events).toHaveLength(ORDERS);
    expect(new Set(events.map((e) => e.orderId)).size).toBe(ORDERS);
    expect(new Set(events.map((e) => e.merchantId)).size).toBe(SHOPS);
    expect(summary.orders).toBe(ORDERS);
    expect(summary.rejected).toBe(0);
  });

  it('gives every shop the same verdict, periods and suspicious buyers as the batch reference', () => {
    const rule = defaultThresholds.rules.orderBrushing;
    const reference = referenceVerdicts(events, { windowMs: rule.windowMinutes * MINUTE_MS, concentrateRate: rule.concentrateRate });
    const iso = (ms: number) => new Date(ms).toISOString();

    const disagreements: string[] = [];
    let brushingShops = 0;
    for (const [shopId, expected] of reference) {
      const replayed = merchants.get(shopId)?.brushing ?? { periods: [], suspiciousBuyerIds: [] };
      const actual = { brushing: replayed.periods.length > 0, periods: replayed.periods, suspiciousBuyerIds: replayed.suspiciousBuyerIds };
      const wanted = {
        brushing: expected.brushing,
        periods: expected.periods.map((p) => ({ start: iso(p.startMs), end: iso(p.endMs) })),
        suspiciousBuyerIds: expected.suspiciousBuyerIds,
      };
      if (expected.brushing) brushingShops++;
      if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
        disagreements.push(`${shopId}: replay ${JSON.stringify(actual)} vs reference ${JSON.stringify(wanted)}`);
      }
    }
    console.log(
      `shopee: ${brushingShops} of ${reference.size} shops are brushing (default thresholds); replay agrees with the batch reference on ${reference.size - disagreements.length} of ${reference.size}`,
    );

    expect(reference.size).toBe(SHOPS);
    expect(brushingShops).toBeGreaterThan(0);
    expect(disagreements.slice(0, 10)).toEqual([]);
    expect(disagreements).toHaveLength(0);
  });
});
