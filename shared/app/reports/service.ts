/**
 * Buyer reports, the application side: filing (with the per-buyer limit), the analysts' queue (with
 * each merchant's reporting-buyer count) and decisions (an upheld report records a violation in the
 * ledger and hands it to the penalty workflow; either outcome is sent to the buyer as a notice).
 * The reports function, the SLA check and the local runtime use it.
 */
import { mapBounded } from '../../adapters/dynamodb/concurrency';
import {
  decideReport,
  fileReport,
  outcomeNotice,
  queueReports,
  refiledReportId,
  reportingBuyers,
  type QueuedReport,
  type Report,
  type ReportDecision,
  type ReportInput,
  type ReportRules,
} from '../../domain/reports/report';
import type { ConfigSource, PenaltyWorkflow, RecentDecisions, ReportStore, ViolationLedger, WarningOutbox } from '../../ports';

const DAY_MS = 86_400_000;
/** Times one buyer may file the same report (merchant, category, subject) again after decisions. */
const MAX_REFILINGS = 5;
/** A merchant's reports read for its reporting-buyer count, at most. */
const MERCHANT_REPORTS_READ = 500;

export interface ReportServiceDeps {
  store: ReportStore;
  config: ConfigSource;
  violations: ViolationLedger;
  penalties: PenaltyWorkflow;
  /** Where the outcome notice to the buyer goes (the buyer warnings); without it the buyer sees the outcome only in their list. */
  warnings?: WarningOutbox;
  /** The decision log's orders: a report naming an order is marked a verified purchase when the order is the reporter's with that merchant. */
  orders?: Pick<RecentDecisions, 'byOrder'>;
}

export type FileOutcome =
  | { kind: 'filed' | 'existing'; report: Report }
  | { kind: 'too_many'; open: number; limit: number }
  | { kind: 'refiled_too_often'; times: number };
export type DecisionOutcome = { kind: 'decided'; report: Report; repeated: boolean } | { kind: 'not_found' } | { kind: 'conflict'; message: string };

export function createReportService(deps: ReportServiceDeps) {
  async function rules() {
    return (await deps.config.current()).reports;
  }

  /**
   * Decides a report. The decision is stored first (conditional on the report being open), then its
   * effects are delivered (the violation, the buyer's notice). All are idempotent by id, and the same
   * decision sent again (a retry after a failed delivery) delivers them again, so an upheld report
   * always reaches the penalty case.
   */
  async function decide(reportId: string, decision: ReportDecision, by: string, atMs: number): Promise<DecisionOutcome> {
    const config = await deps.config.current();
    const report = await deps.store.get(reportId);
    if (report === null) return { kind: 'not_found' };
    const outcome = decideReport(report, decision, by, atMs, config.version);
    if (!outcome.ok) return { kind: 'conflict', message: outcome.message };
    // Decided meanwhile: read again, where the same decision is a repeat and the other a conflict.
    if (!outcome.repeated && !(await deps.store.decide(outcome.report))) return decide(reportId, decision, by, atMs);
    if (outcome.violation) {
      await deps.violations.record([outcome.violation]);
      await deps.penalties.onViolations([outcome.violation]);
    }
    const notice = outcomeNotice(outcome.report);
    if (deps.warnings && notice) await deps.warnings.request([notice]);
    return { kind: 'decided', report: outcome.report, repeated: outcome.repeated };
  }

  return {
    async file(buyerId: string, input: ReportInput, atMs: number): Promise<FileOutcome> {
      const r = await rules();
      let report = fileReport(buyerId, input, atMs, r);
      // A retried request finds its report (still open) before the limit is looked at; the same
      // report filed again after a decision is a new one, a generation after the decided one.
      for (let generation = 0; ; generation++) {
        const existing = await deps.store.get(report.reportId);
        if (existing === null) break;
        if (existing.status === 'open') return { kind: 'existing', report: existing };
        if (generation >= MAX_REFILINGS) return { kind: 'refiled_too_often', times: generation + 1 };
        report = { ...report, reportId: refiledReportId(existing) };
      }
      const open = await deps.store.openCountOf(buyerId);
      if (open >= r.maxOpenPerBuyer) return { kind: 'too_many', open, limit: r.maxOpenPerBuyer };
      if (input.orderId !== undefined && deps.orders) {
        const decisions = await deps.orders.byOrder(input.orderId);
        report = { ...report, verifiedPurchase: decisions.some((d) => d.buyerId === buyerId && d.merchantId === input.merchantId) };
      }
      const stored = await deps.store.file(report);
      return { kind: stored.created ? 'filed' : 'existing', report: stored.report };
    },

    async ofBuyer(buyerId: string, limit: number): Promise<Report[]> {
      return deps.store.byBuyer(buyerId, limit);
    },

    /** Open reports in the order analysts should take them, each with its merchant's reporting-buyer count. */
    async queue(atMs: number, limit: number): Promise<QueuedReport[]> {
      return readQueue(deps.store, await rules(), atMs, limit);
    },

    /** A merchant's reports in the escalation window, and how many distinct buyers filed them. */
    async ofMerchant(merchantId: string, atMs: number): Promise<{ reports: Report[]; reportingBuyers: number; escalated: boolean }> {
      const r = await rules();
      const reports = await deps.store.byMerchant(merchantId, atMs - r.escalation.windowDays * DAY_MS, MERCHANT_REPORTS_READ);
      const buyers = reportingBuyers(reports, atMs, r);
      return { reports, reportingBuyers: buyers, escalated: buyers >= r.escalation.distinctBuyers };
    },

    async get(reportId: string): Promise<Report | null> {
      return deps.store.get(reportId);
    },

    decide,
  };
}

export type ReportService = ReturnType<typeof createReportService>;

/** The open queue (at most `limit` reports, earliest due first), each with its merchant's reporting-buyer count. */
export async function readQueue(store: Pick<ReportStore, 'open' | 'byMerchant'>, rules: ReportRules, atMs: number, limit: number): Promise<QueuedReport[]> {
  const open = await store.open(limit);
  const merchants = [...new Set(open.map((o) => o.merchantId))];
  const since = atMs - rules.escalation.windowDays * DAY_MS;
  const recent = await mapBounded(merchants, 8, (m) => store.byMerchant(m, since, MERCHANT_REPORTS_READ));
  return queueReports(open, new Map(merchants.map((m, n) => [m, recent[n]!])), atMs, rules);
}
