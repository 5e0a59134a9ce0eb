/** Buyer reports, the pure part: ids, the lifecycle, the violation an upheld report records, the queue, the buyer's view. */
import { describe, expect, it } from 'vitest';
import {
  buyerReportView,
  decideReport,
  DEFAULT_REPORT_RULES as RULES,
  queueReports,
  ReportInputSchema,
  reportingBuyers,
  type Report,
} from '../../shared/domain/reports/report';
import { filed, T0 } from '../contract/reports.contract';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const decide = (r: Report, upheld: boolean, atMs = T0 + HOUR) => decideReport(r, { upheld, note: 'listing history checked' }, 'alice', atMs, 'v7');

describe('filing', () => {
  it('gives the same report id to the same buyer, merchant, category and subject, and another to anything else', () => {
    const a = filed('b-1');
    expect(filed('b-1', {}, T0 + DAY).reportId).toBe(a.reportId);
    expect(filed('b-2').reportId).not.toBe(a.reportId);
    expect(filed('b-1', { category: 'fake_reviews' }).reportId).not.toBe(a.reportId);
    expect(filed('b-1', { skuId: 'sku-2' }).reportId).not.toBe(a.reportId);
  });

  it('is due handleWithinHours after filing, and open', () => {
    const r = filed('b-1');
    expect(r).toMatchObject({ status: 'open', filedAt: '2026-11-28T08:00:00.000Z', dueAtMs: T0 + RULES.handleWithinHours * HOUR });
  });

  it('refuses a report without a statement, of an unknown category or with unknown fields, naming each field', () => {
    const parsed = ReportInputSchema.safeParse({ merchantId: 'm-1', category: 'rude_seller', statement: '  ', extra: 1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual(['category', 'statement', 'unrecognized_keys'].sort());
  });
});

describe('deciding', () => {
  it('upholding records a violation of the report\'s category, dated at filing, with the report as evidence', () => {
    const report = filed('b-1', { orderId: 'o-9' });
    const outcome = decide(report, true);

    expect(outcome.ok && outcome.repeated).toBe(false);
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.report).toMatchObject({ status: 'upheld', decidedBy: 'alice', note: 'listing history checked', violationId: outcome.violation!.violationId });
    expect(outcome.violation).toMatchObject({
      merchantId: 'm-1',
      type: 'price_gouging',
      occurredAt: report.filedAt,
      configVersion: 'v7',
      evidence: { source: 'buyer_report', reportId: report.reportId, buyerId: 'b-1', orderId: 'o-9', upheldBy: 'alice' },
    });
  });

  it('dismissing records no violation', () => {
    const outcome = decide(filed('b-1'), false);
    expect(outcome).toMatchObject({ ok: true, repeated: false, report: { status: 'dismissed' } });
    expect(outcome.ok && outcome.violation).toBeUndefined();
  });

  it('the same decision again is a repeat with the same violation; the other decision is refused', () => {
    const first = decide(filed('b-1'), true);
    if (!first.ok) throw new Error(first.message);

    const again = decide(first.report, true, T0 + 5 * HOUR);
    expect(again).toMatchObject({ ok: true, repeated: true, report: first.report });
    expect(again.ok && again.violation).toEqual(first.violation);
    expect(decide(first.report, false)).toEqual({ ok: false, message: `report ${first.report.reportId} is already upheld` });
  });
});

describe('the analysts\' queue', () => {
  it('escalates a merchant reported by enough distinct buyers: due sooner, so first in the queue', () => {
    const calm = filed('b-calm', { merchantId: 'm-calm' }, T0);
    const flood = ['b-1', 'b-2', 'b-3'].map((b, n) => filed(b, { merchantId: 'm-hot' }, T0 + (n + 1) * HOUR));
    const byMerchant = new Map([['m-calm', [calm]], ['m-hot', flood]]);

    const queue = queueReports([calm, ...flood], byMerchant, T0 + 4 * HOUR, RULES);

    expect(queue.map((q) => [q.merchantId, q.escalated, q.reportingBuyers])).toEqual([
      ['m-hot', true, 3],
      ['m-hot', true, 3],
      ['m-hot', true, 3],
      ['m-calm', false, 1],
    ]);
    expect(queue[0]!.effectiveDueAtMs).toBe(flood[0]!.filedAtMs + RULES.escalation.handleWithinHours * HOUR);
    expect(queue[3]!.effectiveDueAtMs).toBe(calm.dueAtMs);
  });

  it('counts each buyer once, leaves out dismissed reports and reports older than the window', () => {
    const now = T0 + 40 * DAY;
    const reports: Report[] = [
      filed('b-1', { merchantId: 'm', skuId: 's-1' }, now - DAY),
      filed('b-1', { merchantId: 'm', skuId: 's-2' }, now - DAY), // the same buyer again
      { ...filed('b-2', { merchantId: 'm' }, now - DAY), status: 'dismissed' },
      filed('b-3', { merchantId: 'm' }, now - 31 * DAY), // outside 30 days
      filed('b-4', { merchantId: 'm' }, now - 2 * DAY),
    ];
    expect(reportingBuyers(reports, now, RULES)).toBe(2);
  });

  it('marks a report past its due time overdue', () => {
    const r = filed('b-1');
    expect(queueReports([r], new Map(), r.dueAtMs + 1, RULES)[0]!.overdue).toBe(true);
    expect(queueReports([r], new Map(), r.dueAtMs - 1, RULES)[0]!.overdue).toBe(false);
  });
});

describe('what the buyer sees', () => {
  it('the outcome in Chinese and English, and never the analyst\'s name or note', () => {
    const outcome = decide(filed('b-1'), true);
    if (!outcome.ok) throw new Error(outcome.message);
    const view = buyerReportView(outcome.report);

    expect(view.status).toBe('upheld');
    expect(view.outcome.zh).toContain('成立');
    expect(view.outcome.en).toContain('upheld');
    expect(JSON.stringify(view)).not.toMatch(/alice|listing history|violation-/);
    expect(buyerReportView(filed('b-1')).outcome.en).toContain('2026-12-01 08:00 UTC');
  });
});
