/** The ReportStore contract: one suite, run against every adapter (memory, and DynamoDB on dynalite). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT_RULES, decideReport, fileReport, type Report, type ReportInput } from '../../shared/domain/reports/report';
import type { ReportStore } from '../../shared/ports';

const HOUR = 3_600_000;
export const T0 = Date.parse('2026-11-28T08:00:00.000Z');

export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return { merchantId: 'm-1', category: 'price_gouging', skuId: 'sku-1', statement: 'Hand sanitiser at 5x the usual price.', ...overrides };
}

export function filed(buyerId: string, overrides: Partial<ReportInput> = {}, atMs = T0): Report {
  return fileReport(buyerId, reportInput(overrides), atMs, DEFAULT_REPORT_RULES);
}

function decided(report: Report, upheld: boolean, atMs = T0 + HOUR): Report {
  const outcome = decideReport(report, { upheld, note: 'checked the listing history' }, 'alice', atMs, 'v-test');
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.report;
}

export function describeReportStoreContract(name: string, make: () => Promise<ReportStore>) {
  describe(`ReportStore contract: ${name}`, () => {
    it('files a report once: filing it again returns the stored one unchanged', async () => {
      const store = await make();
      const first = filed('b-1');
      const again = { ...filed('b-1', {}, T0 + HOUR), statement: 'a retried request' };

      expect(await store.file(first)).toEqual({ report: first, created: true });
      expect(await store.file(again)).toEqual({ report: first, created: false });
      expect(await store.get(first.reportId)).toEqual(first);
      expect(await store.get('report-missing')).toBeNull();
    });

    it('keeps whether a reported order was verified as the reporter\'s purchase', async () => {
      const store = await make();
      const verified = { ...filed('b-v1', { orderId: 'o-1' }), verifiedPurchase: true };
      const unverified = { ...filed('b-v2', { orderId: 'o-2' }), verifiedPurchase: false };
      await store.file(verified);
      await store.file(unverified);

      expect(await store.get(verified.reportId)).toEqual(verified);
      expect(await store.get(unverified.reportId)).toEqual(unverified);
    });

    it('stores a decision only while the report is open', async () => {
      const store = await make();
      const report = filed('b-2');
      await store.file(report);
      const upheld = decided(report, true);

      expect(await store.decide(upheld)).toBe(true);
      expect(await store.get(report.reportId)).toEqual(upheld);
      expect(upheld.violationId).toMatch(/^violation-/);
      expect(await store.decide(decided(report, false, T0 + 2 * HOUR))).toBe(false);
      expect(await store.get(report.reportId)).toEqual(upheld);
      expect(await store.decide(decided(filed('b-never-filed'), true))).toBe(false);
    });

    it('lists open reports earliest due first, and not once decided', async () => {
      const store = await make();
      const late = filed('b-3', { merchantId: 'm-q1' }, T0 + 2 * HOUR);
      const early = filed('b-4', { merchantId: 'm-q2' }, T0);
      const gone = filed('b-5', { merchantId: 'm-q3' }, T0 - HOUR);
      for (const r of [late, early, gone]) await store.file(r);
      await store.decide(decided(gone, false));

      const open = (await store.open(100)).filter((r) => ['m-q1', 'm-q2', 'm-q3'].includes(r.merchantId));
      expect(open.map((r) => r.reportId)).toEqual([early.reportId, late.reportId]);
    });

    it('lists a buyer\'s reports newest first and counts the open ones', async () => {
      const store = await make();
      const older = filed('b-6', { merchantId: 'm-a' }, T0);
      const newer = filed('b-6', { merchantId: 'm-b' }, T0 + HOUR);
      const closed = filed('b-6', { merchantId: 'm-c' }, T0 - HOUR);
      for (const r of [older, newer, closed, filed('b-other', { merchantId: 'm-a' })]) await store.file(r);
      await store.decide(decided(closed, true));

      expect((await store.byBuyer('b-6', 10)).map((r) => r.merchantId)).toEqual(['m-b', 'm-a', 'm-c']);
      expect((await store.byBuyer('b-6', 1)).map((r) => r.merchantId)).toEqual(['m-b']);
      expect(await store.openCountOf('b-6')).toBe(2);
      expect(await store.openCountOf('b-nobody')).toBe(0);
    });

    it('lists a merchant\'s reports filed since a time, newest first', async () => {
      const store = await make();
      const reports = [0, 1, 2, 3].map((h) => filed(`b-m${h}`, { merchantId: 'm-7' }, T0 + h * HOUR));
      for (const r of reports) await store.file(r);
      await store.file(filed('b-x', { merchantId: 'm-8' }, T0 + 3 * HOUR));

      expect((await store.byMerchant('m-7', T0 + HOUR, 10)).map((r) => r.buyerId)).toEqual(['b-m3', 'b-m2', 'b-m1']);
      expect((await store.byMerchant('m-7', T0, 2)).map((r) => r.buyerId)).toEqual(['b-m3', 'b-m2']);
    });
  });
}
