/** The reports SLA check: what it publishes from the queue as analysts see it. */
import { describe, expect, it } from 'vitest';
import { makeReportsSlaHandler } from '../../functions/reports-sla/handler';
import { MemoryReportStore } from '../../shared/adapters/memory/reports';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { defaultThresholds } from '../../shared/config';
import { decideReport, type ReportsSla } from '../../shared/domain/reports/report';
import { filed, T0 } from '../contract/reports.contract';

const HOUR = 3_600_000;

describe('reports SLA check', () => {
  it('publishes open, overdue (escalated ones due sooner) and escalated counts, and the oldest open report\'s age', async () => {
    const store = new MemoryReportStore();
    // One shop reported by three buyers 30 h ago: escalated, so due after 24 h, overdue now.
    for (const b of ['b-1', 'b-2', 'b-3']) await store.file(filed(b, { merchantId: 'm-hot' }, T0));
    // One report 30 h old on a calm shop: due after 72 h, not overdue yet.
    await store.file(filed('b-4', { merchantId: 'm-calm' }, T0));
    // A decided report counts for nothing.
    const closed = filed('b-5', { merchantId: 'm-other' }, T0 - 100 * HOUR);
    await store.file(closed);
    const decided = decideReport(closed, { upheld: false, note: 'no evidence' }, 'alice', T0, 'v1');
    if (decided.ok) await store.decide(decided.report);
    const published: ReportsSla[] = [];

    const check = makeReportsSlaHandler({ store, config: new StaticConfigSource(defaultThresholds), publish: (s) => published.push(s), now: () => T0 + 30 * HOUR });
    await check();

    expect(published).toEqual([{ open: 4, overdue: 3, escalated: 3, oldestOpenHours: 30 }]);
  });

  it('publishes zeros for an empty queue (so the alarm sees data, not silence)', async () => {
    const published: ReportsSla[] = [];
    await makeReportsSlaHandler({ store: new MemoryReportStore(), config: new StaticConfigSource(defaultThresholds), publish: (s) => published.push(s), now: () => T0 })();
    expect(published).toEqual([{ open: 0, overdue: 0, escalated: 0, oldestOpenHours: 0 }]);
  });
});
