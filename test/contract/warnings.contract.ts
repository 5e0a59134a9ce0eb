/**
 * The buyer-warnings contract: one suite, run against every WarningStore and WarningConnections
 * adapter (memory and DynamoDB on dynalite), through the warning service that the order pipeline,
 * the replay and the buyer API share.
 */
import { describe, expect, it } from 'vitest';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createWarningService, type WarningService } from '../../shared/app/warnings/outbox';
import { defaultThresholds } from '../../shared/config';
import type { WarningRules } from '../../shared/domain/config/warningRules';
import type { WarningRequest } from '../../shared/domain/records';
import { ValidationError } from '../../shared/errors';
import type { WarningChange, WarningConnections, WarningStore } from '../../shared/ports';

const HOUR = 3_600_000;
export const T0 = Date.parse('2026-11-28T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
/** Listing "now": shortly after the warnings, well within their retention. */
const NOW = T0 + 48 * HOUR;

let n = 0;
export function warningRequest(overrides: Partial<WarningRequest> = {}): WarningRequest {
  n++;
  return {
    warningId: `warn-${n}`,
    buyerId: 'b-1',
    type: 'price_gouging',
    severity: 'warning',
    orderId: `o-${n}`,
    merchantId: 'm-1',
    skuId: 'sku-1',
    params: { ratio: 3.4, unitPrice: 12_950, baseline: 3_800, currency: 'CNY' },
    occurredAt: at(0),
    sourceEventId: `evt-${n}`,
    ...overrides,
  };
}

function rules(patch: Partial<WarningRules> = {}): WarningRules {
  return { ...defaultThresholds.warnings, ...patch };
}

function service(store: WarningStore, patch: Partial<WarningRules> = {}) {
  const changes: WarningChange[] = [];
  const warnings: WarningService = createWarningService({
    store,
    config: new StaticConfigSource({ ...defaultThresholds, warnings: rules(patch) }),
    onChange: (c) => void changes.push(...c),
  });
  return { warnings, changes };
}

async function allPages(warnings: WarningService, buyerId: string, limit: number, nowMs = NOW) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await warnings.list(buyerId, { limit, nowMs, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((w) => w.warningId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 100);
  return ids;
}

export function describeWarningStoreContract(adapter: string, make: () => Promise<WarningStore>): void {
  describe(`WarningStore contract: ${adapter}`, () => {
    it('stores a warning once within the de-duplication window, rendered in Chinese and English', async () => {
      const { warnings, changes } = service(await make());
      const first = warningRequest({ buyerId: 'b-dedupe' });

      const outcomes = await warnings.issue([first, { ...first, sourceEventId: 'evt-paid', occurredAt: at(HOUR) }]);
      const again = await warnings.issue([{ ...first, occurredAt: at(23 * HOUR) }]);
      const page = await warnings.list('b-dedupe', { limit: 10, nowMs: NOW });

      expect(outcomes).toEqual(['issued', 'duplicate']);
      expect(again).toEqual(['duplicate']);
      expect(page.items).toHaveLength(1);
      expect(page.items[0]!.message.en).toContain('3.4 times what this item usually sells for');
      expect(page.items[0]!.message.zh).toContain('3.4 倍');
      expect(changes.map((c) => c.kind)).toEqual(['issued']);
    });

    it('renews a warning after the window: unread again, on top, with its new time', async () => {
      const { warnings } = service(await make(), { dedupeWindowHours: 24 });
      const old = warningRequest({ buyerId: 'b-renew', occurredAt: at(0) });
      const other = warningRequest({ buyerId: 'b-renew', occurredAt: at(2 * HOUR) });
      await warnings.issue([old, other]);
      await warnings.acknowledge('b-renew', old.warningId, T0 + 3 * HOUR);

      const outcomes = await warnings.issue([{ ...old, occurredAt: at(25 * HOUR) }]);
      const page = await warnings.list('b-renew', { limit: 10, nowMs: NOW });

      expect(outcomes).toEqual(['issued']);
      expect(page.items.map((w) => [w.warningId, w.status, w.issuedAt])).toEqual([
        [old.warningId, 'unread', at(25 * HOUR)],
        [other.warningId, 'unread', at(2 * HOUR)],
      ]);
    });

    it('holds back warnings past the per-buyer rate limit, but never an exempt severity, another buyer or the next window', async () => {
      const { warnings } = service(await make(), { rateLimit: { maxPerWindow: 2, windowMinutes: 60, exemptSeverities: ['critical'] } });
      const burst = [0, 1, 2].map((i) => warningRequest({ buyerId: 'b-rate', occurredAt: at(i * 60_000) }));

      const first = await warnings.issue(burst);
      const critical = await warnings.issue([warningRequest({ buyerId: 'b-rate', severity: 'critical', type: 'payment_not_by_owner', occurredAt: at(5 * 60_000) })]);
      const otherBuyer = await warnings.issue([warningRequest({ buyerId: 'b-rate-other', occurredAt: at(5 * 60_000) })]);
      const nextWindow = await warnings.issue([warningRequest({ buyerId: 'b-rate', occurredAt: at(HOUR) })]);

      expect(first).toEqual(['issued', 'issued', 'rate_limited']);
      expect(critical).toEqual(['issued']);
      expect(otherBuyer).toEqual(['issued']);
      expect(nextWindow).toEqual(['issued']);
      expect((await warnings.list('b-rate', { limit: 10, nowMs: NOW })).items).toHaveLength(4);
    });

    it('always delivers the outcome of the buyer\'s own report, even past the rate limit', async () => {
      const { warnings } = service(await make(), { rateLimit: { maxPerWindow: 1, windowMinutes: 60, exemptSeverities: [] } });
      await warnings.issue([warningRequest({ buyerId: 'b-reporter', occurredAt: at(0) })]);

      const held = await warnings.issue([warningRequest({ buyerId: 'b-reporter', occurredAt: at(60_000) })]);
      const outcome = await warnings.issue([
        warningRequest({ buyerId: 'b-reporter', type: 'report_outcome', severity: 'info', params: { category: 'price_gouging', outcome: 'upheld' }, occurredAt: at(120_000) }),
      ]);

      expect(held).toEqual(['rate_limited']);
      expect(outcome).toEqual(['issued']);
    });

    it('does not spend the rate limit on duplicates', async () => {
      const { warnings } = service(await make(), { rateLimit: { maxPerWindow: 1, windowMinutes: 60, exemptSeverities: [] } });
      const once = warningRequest({ buyerId: 'b-dup-rate' });
      await warnings.issue([once]);

      const outcomes = await warnings.issue([once, once, { ...once }]);

      expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate']);
    });

    it('lists unread first, each newest first, over pages of an opaque cursor', async () => {
      const { warnings } = service(await make(), { rateLimit: { maxPerWindow: 100, windowMinutes: 60, exemptSeverities: [] } });
      const requests = [0, 1, 2, 3, 4, 5, 6].map((i) => warningRequest({ buyerId: 'b-list', occurredAt: at(i * 60_000) }));
      await warnings.issue(requests);
      await warnings.acknowledge('b-list', requests[5]!.warningId, NOW);
      await warnings.acknowledge('b-list', requests[1]!.warningId, NOW);

      const ids = await allPages(warnings, 'b-list', 3);
      const { unread } = await warnings.list('b-list', { limit: 1, nowMs: NOW });

      expect(ids).toEqual([6, 4, 3, 2, 0, 5, 1].map((i) => requests[i]!.warningId));
      expect(unread).toBe(5);
    });

    it('acknowledges once, only the buyer\'s own warning, and says when there is none', async () => {
      const { warnings, changes } = service(await make());
      const mine = warningRequest({ buyerId: 'b-ack' });
      await warnings.issue([mine]);

      const read = await warnings.acknowledge('b-ack', mine.warningId, NOW);
      const again = await warnings.acknowledge('b-ack', mine.warningId, NOW + HOUR);
      const otherBuyer = await warnings.acknowledge('b-someone-else', mine.warningId, NOW);
      const unknown = await warnings.acknowledge('b-ack', 'warn-nope', NOW);

      expect(read).toMatchObject({ warningId: mine.warningId, status: 'read', readAt: new Date(NOW).toISOString() });
      expect(again).toMatchObject({ status: 'read', readAt: new Date(NOW).toISOString() });
      expect(otherBuyer).toBeNull();
      expect(unknown).toBeNull();
      expect(changes.map((c) => c.kind)).toEqual(['issued', 'read']);
    });

    it('withdraws the warnings about a cancelled order that became moot, for good within the window', async () => {
      const { warnings, changes } = service(await make(), { withdrawOnCancel: ['price_gouging'] });
      const gouged = warningRequest({ buyerId: 'b-cancel', orderId: 'o-cancelled' });
      const notByOwner = warningRequest({ buyerId: 'b-cancel', orderId: 'o-cancelled', type: 'payment_not_by_owner', severity: 'critical', params: { amount: 100, currency: 'CNY' } });
      const otherOrder = warningRequest({ buyerId: 'b-cancel', orderId: 'o-kept' });
      await warnings.issue([gouged, notByOwner, otherOrder]);

      await warnings.withdraw([{ buyerId: 'b-cancel', orderId: 'o-cancelled', occurredAt: at(HOUR), reason: 'order_cancelled' }]);
      await warnings.withdraw([{ buyerId: 'b-cancel', orderId: 'o-cancelled', occurredAt: at(HOUR), reason: 'order_cancelled' }]);
      const redelivered = await warnings.issue([{ ...gouged, occurredAt: at(2 * HOUR) }]);
      const page = await warnings.list('b-cancel', { limit: 10, nowMs: NOW });

      expect(page.items.map((w) => w.warningId).sort()).toEqual([notByOwner.warningId, otherOrder.warningId].sort());
      expect(page.unread).toBe(2);
      expect(redelivered).toEqual(['duplicate']);
      expect(await warnings.acknowledge('b-cancel', gouged.warningId, NOW)).toBeNull();
      expect(changes.filter((c) => c.kind === 'withdrawn').map((c) => [c.warning.warningId, c.warning.withdrawnAt])).toEqual([[gouged.warningId, at(HOUR)]]);
    });

    it('stops listing a warning past its retention', async () => {
      const { warnings } = service(await make(), { retentionDays: 1 });
      const w = warningRequest({ buyerId: 'b-expiry' });
      await warnings.issue([w]);

      const before = await warnings.list('b-expiry', { limit: 10, nowMs: T0 + 23 * HOUR });
      const after = await warnings.list('b-expiry', { limit: 10, nowMs: T0 + 25 * HOUR });

      expect(before.items.map((x) => x.warningId)).toEqual([w.warningId]);
      expect(after).toEqual({ items: [], unread: 0 });
      expect(await warnings.acknowledge('b-expiry', w.warningId, T0 + 25 * HOUR)).toBeNull();
    });

    it('never shows one buyer another buyer\'s warnings', async () => {
      const { warnings } = service(await make());
      await warnings.issue([warningRequest({ buyerId: 'b-alice' }), warningRequest({ buyerId: 'b-bob' })]);

      const alice = await warnings.list('b-alice', { limit: 10, nowMs: NOW });

      expect(alice.items.map((w) => w.buyerId)).toEqual(['b-alice']);
    });

    it('rejects a cursor it did not issue', async () => {
      const { warnings } = service(await make());

      await expect(warnings.list('b-1', { limit: 10, nowMs: NOW, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
      await expect(warnings.list('b-1', { limit: 10, nowMs: NOW, cursor: Buffer.from('["x#1#2","3"]').toString('base64url') })).rejects.toBeInstanceOf(ValidationError);
    });

    it('drops every request when warnings are disabled', async () => {
      const { warnings } = service(await make(), { enabled: false });

      const outcomes = await warnings.issue([warningRequest({ buyerId: 'b-off' })]);

      expect(outcomes).toEqual(['disabled']);
      expect((await warnings.list('b-off', { limit: 10, nowMs: NOW })).items).toEqual([]);
    });
  });
}

export function describeWarningConnectionsContract(adapter: string, make: () => Promise<WarningConnections>): void {
  describe(`WarningConnections contract: ${adapter}`, () => {
    it('keeps each buyer\'s connections apart and forgets a removed one', async () => {
      const connections = await make();
      const base = { connectedAtMs: T0, expiresAtMs: T0 + 2 * HOUR };
      await connections.add({ ...base, buyerId: 'b-c1', connectionId: 'c-2' });
      await connections.add({ ...base, buyerId: 'b-c1', connectionId: 'c-1' });
      await connections.add({ ...base, buyerId: 'b-c2', connectionId: 'c-3' });

      await connections.remove('b-c1', 'c-2');
      await connections.remove('b-c1', 'c-never');

      expect(await connections.ofBuyer('b-c1')).toEqual(['c-1']);
      expect(await connections.ofBuyer('b-c2')).toEqual(['c-3']);
      expect(await connections.ofBuyer('b-none')).toEqual([]);
    });
  });
}
