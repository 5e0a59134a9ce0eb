/** In-memory ReportStore: the fast test double and the embedded twin of the DynamoDB one (same contract suite). */
import type { Report } from '../../domain/reports/report';
import type { ReportStore } from '../../ports';

export class MemoryReportStore implements ReportStore {
  private readonly byId = new Map<string, Report>();

  async file(report: Report): Promise<{ report: Report; created: boolean }> {
    const existing = this.byId.get(report.reportId);
    if (existing) return { report: { ...existing }, created: false };
    this.byId.set(report.reportId, { ...report });
    return { report: { ...report }, created: true };
  }

  async get(reportId: string): Promise<Report | null> {
    const r = this.byId.get(reportId);
    return r ? { ...r } : null;
  }

  async decide(decided: Report): Promise<boolean> {
    const current = this.byId.get(decided.reportId);
    if (!current || current.status !== 'open') return false;
    this.byId.set(decided.reportId, { ...decided });
    return true;
  }

  async byBuyer(buyerId: string, limit: number): Promise<Report[]> {
    return this.select((r) => r.buyerId === buyerId, newestFirst, limit);
  }

  async openCountOf(buyerId: string): Promise<number> {
    return this.select((r) => r.buyerId === buyerId && r.status === 'open', newestFirst).length;
  }

  async open(limit: number): Promise<Report[]> {
    return this.select((r) => r.status === 'open', (a, b) => a.dueAtMs - b.dueAtMs || a.reportId.localeCompare(b.reportId), limit);
  }

  async byMerchant(merchantId: string, sinceMs: number, limit: number): Promise<Report[]> {
    return this.select((r) => r.merchantId === merchantId && r.filedAtMs >= sinceMs, newestFirst, limit);
  }

  private select(keep: (r: Report) => boolean, order: (a: Report, b: Report) => number, limit = Infinity): Report[] {
    return [...this.byId.values()].filter(keep).sort(order).slice(0, limit).map((r) => ({ ...r }));
  }
}

const newestFirst = (a: Report, b: Report) => b.filedAtMs - a.filedAtMs || b.reportId.localeCompare(a.reportId);
