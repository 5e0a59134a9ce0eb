/**
 * The replay writes penalties.jsonl and fills merchants.jsonl's penalty fields (replay.md), through
 * the pipeline's penalty workflow, in event time.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../shared/app/replay';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { orderEvent } from '../support/orders';

const DAY = 86_400_000;
const T0 = Date.parse('2026-05-04T02:00:00Z');

/** A burst of brushing: three ring buyers, nine orders within 20 minutes, on day `day`. */
function burst(merchantId: string, day: number, ring: string): OrderEvent[] {
  return Array.from({ length: 9 }, (_, i) =>
    orderEvent({ merchantId, orderId: `o-${merchantId}-${day}-${i}`, eventId: `e-${merchantId}-${day}-${i}`, buyer: { id: `${ring}-${i % 3}` }, at: new Date(T0 + day * DAY + i * 2 * 60_000).toISOString() }),
  );
}

/** Ordinary orders of many buyers through the days, so event time moves on. */
function background(days: number): OrderEvent[] {
  return Array.from({ length: days * 6 }, (_, i) =>
    orderEvent({ merchantId: `m-shop-${i % 5}`, orderId: `o-bg-${i}`, eventId: `e-bg-${i}`, buyer: { id: `b-bg-${i}` }, at: new Date(T0 + i * 4 * 3_600_000).toISOString() }),
  );
}

let dir: string;
let penalties: Record<string, unknown>[];
let merchants: Record<string, unknown>[];

const jsonl = async (name: string) =>
  (await readFile(join(dir, 'out', name), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'riskline-replay-penalties-'));
  // m-brusher brushes on four separate days with its own ring; m-victim is hit once by strangers.
  const events = [...[0, 2, 4, 6].flatMap((d) => burst('m-brusher', d, 'b-ring')), ...burst('m-victim', 3, 'b-rival'), ...background(9)];
  await writeFile(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await runReplay({ input: join(dir, 'events.jsonl'), outDir: join(dir, 'out'), config: defaultThresholds });
  penalties = await jsonl('penalties.jsonl');
  merchants = await jsonl('merchants.jsonl');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replay penalties', () => {
  it('writes one penalties.jsonl line per ladder step taken, in event time', () => {
    expect(penalties.map((p) => [p.merchantId, p.level])).toEqual([
      ['m-brusher', 'warning'],
      ['m-brusher', 'listing_restricted'],
    ]);
    expect(penalties[0]).toMatchObject({ reasonCode: 'PENALTY_LADDER_THRESHOLD', occurredAt: new Date(T0 + 4 * DAY).toISOString() });
    expect(String(penalties[0]!.reason)).toContain('meeting the rule');
  });

  it("fills merchants.jsonl's level, blacklist and credit score; the stranger-hit merchant is held, not penalised", () => {
    const brusher = merchants.find((m) => m.merchantId === 'm-brusher')!;
    const victim = merchants.find((m) => m.merchantId === 'm-victim')!;

    expect(brusher).toMatchObject({ penaltyLevel: 'listing_restricted', blacklisted: false, violationsUnderInvestigation: 0, violationCounts: { fake_orders: 4 } });
    expect(brusher.creditScore).toBeLessThan(60);
    expect(victim).toMatchObject({ penaltyLevel: null, blacklisted: false, creditScore: 100, violationsUnderInvestigation: 1 });
  });
});
