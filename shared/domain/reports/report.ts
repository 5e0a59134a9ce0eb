/**
 * Buyer reports (投诉与举报): a buyer reports a merchant for one of the conducts the platform
 * enforces; analysts handle reports in a queue with a due time; an upheld report becomes a violation
 * on the merchant's penalty case, and the buyer sees the outcome. Pure: the ids, the lifecycle, the
 * queue's order and escalation, and what the buyer is shown.
 *
 * A report is a signal, not a strike: many distinct buyers reporting one merchant escalate its
 * reports (first in the queue, due sooner), but only an analyst's decision counts against the
 * merchant. So a competitor's report flood cannot move the penalty ladder on its own.
 */
import { z } from 'zod';
import { stableId } from '../ids';
import { VIOLATION_TYPES } from '../penalties/policy';
import type { ReportRules } from '../config/reportRules';
import type { Violation, ViolationType, WarningRequest } from '../records';
import { reportOutcomeText } from './messages';

export { DEFAULT_REPORT_RULES, ReportRulesSchema, type ReportRules } from '../config/reportRules';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What a buyer can report: the conducts the penalty ladder counts, so an upheld report is a violation of its category. */
export const REPORT_CATEGORIES = VIOLATION_TYPES;
export type ReportCategory = ViolationType;

const id = z.string().trim().min(1, 'must not be empty').max(200, 'is too long');

/** A buyer's report, as the buyer sends it. */
export const ReportInputSchema = z.strictObject({
  merchantId: id,
  category: z.enum(REPORT_CATEGORIES),
  /** What it is about, when the buyer can say: an order, a product, a review. */
  orderId: id.optional(),
  skuId: id.optional(),
  reviewId: id.optional(),
  statement: z.string().trim().min(1, 'say what happened').max(2_000, 'at most 2,000 characters'),
});
export type ReportInput = z.infer<typeof ReportInputSchema>;

export type ReportStatus = 'open' | 'upheld' | 'dismissed';

export const ReportDecisionSchema = z.strictObject({
  upheld: z.boolean(),
  /** Why: it goes on the report and, when upheld, into the violation's evidence and the audit trail. */
  note: z.string().trim().min(1, 'a reason is required').max(2_000),
});
export type ReportDecision = z.infer<typeof ReportDecisionSchema>;

export interface Report {
  reportId: string;
  buyerId: string;
  merchantId: string;
  category: ReportCategory;
  orderId?: string;
  skuId?: string;
  reviewId?: string;
  statement: string;
  filedAt: string;
  filedAtMs: number;
  /** When analysts should have answered (filedAt + handleWithinHours). */
  dueAtMs: number;
  status: ReportStatus;
  decidedBy?: string;
  decidedAt?: string;
  note?: string;
  /** The violation an upheld report recorded. */
  violationId?: string;
  /**
   * When the report names an order: whether the decision log has that order from this buyer with
   * this merchant (a purchase the reporter made), for the analysts' triage. Never shown to the buyer.
   */
  verifiedPurchase?: boolean;
}

/** What a report is about, with only the ids it names (optional fields stay absent, never undefined). */
function subjectOf(r: Pick<Report, 'orderId' | 'skuId' | 'reviewId'>): Pick<Report, 'orderId' | 'skuId' | 'reviewId'> {
  return {
    ...(r.orderId === undefined ? {} : { orderId: r.orderId }),
    ...(r.skuId === undefined ? {} : { skuId: r.skuId }),
    ...(r.reviewId === undefined ? {} : { reviewId: r.reviewId }),
  };
}

/** One report per buyer, merchant, category and subject: filing it again (a retried request) is the same report. */
export function reportIdOf(buyerId: string, input: ReportInput): string {
  return stableId('report', buyerId, input.merchantId, input.category, input.orderId ?? '', input.skuId ?? '', input.reviewId ?? '');
}

/**
 * The id of the same report filed again after `previous` was decided (new evidence, as the dismissal
 * invites). Derived from the decision, so retrying that new filing finds it rather than a third one.
 */
export function refiledReportId(previous: Report): string {
  return stableId('report', previous.reportId, previous.decidedAt ?? '');
}

export function fileReport(buyerId: string, input: ReportInput, atMs: number, rules: ReportRules): Report {
  return {
    reportId: reportIdOf(buyerId, input),
    buyerId,
    merchantId: input.merchantId,
    category: input.category,
    ...subjectOf(input),
    statement: input.statement,
    filedAt: new Date(atMs).toISOString(),
    filedAtMs: atMs,
    dueAtMs: atMs + rules.handleWithinHours * HOUR_MS,
    status: 'open',
  };
}

export type DecideOutcome =
  | { ok: true; report: Report; violation?: Violation; repeated: boolean }
  | { ok: false; message: string };

/**
 * An analyst's decision on a report. Deciding an open report closes it; deciding it again the same
 * way (a retried request) answers the same, so its effects can be delivered again; deciding it the
 * other way is refused.
 */
export function decideReport(report: Report, decision: ReportDecision, by: string, atMs: number, configVersion: string): DecideOutcome {
  const status: ReportStatus = decision.upheld ? 'upheld' : 'dismissed';
  if (report.status !== 'open') {
    if (report.status !== status) return { ok: false, message: `report ${report.reportId} is already ${report.status}` };
    return { ok: true, report, repeated: true, ...(decision.upheld ? { violation: reportViolation(report, configVersion) } : {}) };
  }
  const decided: Report = { ...report, status, decidedBy: by, decidedAt: new Date(atMs).toISOString(), note: decision.note };
  if (!decision.upheld) return { ok: true, report: decided, repeated: false };
  const violation = reportViolation(decided, configVersion);
  return { ok: true, report: { ...decided, violationId: violation.violationId }, violation, repeated: false };
}

/**
 * The violation an upheld report records: of the report's category, at the time it was filed (the
 * conduct happened before the buyer reported it), with the report as evidence. Its id derives from
 * the report, so delivering it again changes nothing.
 */
export function reportViolation(report: Report, configVersion: string): Violation {
  return {
    violationId: stableId('violation', 'buyer_report', report.reportId),
    merchantId: report.merchantId,
    type: report.category,
    occurredAt: report.filedAt,
    evidence: {
      source: 'buyer_report',
      reportId: report.reportId,
      buyerId: report.buyerId,
      ...subjectOf(report),
      statement: report.statement.slice(0, 500),
      upheldBy: report.decidedBy,
      upheldAt: report.decidedAt,
      note: report.note,
    },
    configVersion,
    // The analyst's decision is the attribution: the strike needs no link to the merchant's accounts.
    ...(report.decidedBy !== undefined && report.decidedAt !== undefined ? { establishedBy: { by: report.decidedBy, at: report.decidedAt, note: report.note ?? '' } } : {}),
  };
}

/** How many distinct buyers reported the merchant within the window ending at `atMs` (dismissed reports do not count). */
export function reportingBuyers(merchantReports: readonly Report[], atMs: number, rules: ReportRules): number {
  const since = atMs - rules.escalation.windowDays * DAY_MS;
  const buyers = new Set<string>();
  for (const r of merchantReports) if (r.status !== 'dismissed' && r.filedAtMs >= since && r.filedAtMs <= atMs) buyers.add(r.buyerId);
  return buyers.size;
}

/** An open report as the analysts' queue shows it. */
export interface QueuedReport extends Report {
  /** Distinct buyers who reported this merchant within the escalation window. */
  reportingBuyers: number;
  escalated: boolean;
  /** Its due time, sooner when escalated. */
  effectiveDueAtMs: number;
  effectiveDueAt: string;
  overdue: boolean;
}

/**
 * The analysts' queue: open reports with their merchant's reporting-buyer count, escalated when it
 * reaches the threshold, ordered by (effective) due time, earliest first. `merchantReports` holds,
 * per merchant, its reports within the escalation window.
 */
export function queueReports(open: readonly Report[], merchantReports: ReadonlyMap<string, readonly Report[]>, atMs: number, rules: ReportRules): QueuedReport[] {
  const counts = new Map<string, number>();
  const queued = open
    .filter((r) => r.status === 'open')
    .map((r): QueuedReport => {
      let buyers = counts.get(r.merchantId);
      if (buyers === undefined) counts.set(r.merchantId, (buyers = reportingBuyers(merchantReports.get(r.merchantId) ?? [r], atMs, rules)));
      const escalated = buyers >= rules.escalation.distinctBuyers;
      const effectiveDueAtMs = escalated ? Math.min(r.dueAtMs, r.filedAtMs + rules.escalation.handleWithinHours * HOUR_MS) : r.dueAtMs;
      return { ...r, reportingBuyers: buyers, escalated, effectiveDueAtMs, effectiveDueAt: new Date(effectiveDueAtMs).toISOString(), overdue: effectiveDueAtMs < atMs };
    });
  return queued.sort((a, b) => a.effectiveDueAtMs - b.effectiveDueAtMs || a.reportId.localeCompare(b.reportId));
}

/** What the buyer who filed it sees: an allowlist (never the analyst's note or name), and the outcome in words. */
export type BuyerReportView = Pick<Report, 'reportId' | 'merchantId' | 'category' | 'orderId' | 'skuId' | 'reviewId' | 'statement' | 'filedAt' | 'status' | 'decidedAt'> & {
  outcome: { zh: string; en: string };
};

export function buyerReportView(report: Report): BuyerReportView {
  const outcome = reportOutcomeText(report.category, report.status, new Date(report.dueAtMs).toISOString());
  return {
    reportId: report.reportId,
    merchantId: report.merchantId,
    category: report.category,
    ...subjectOf(report),
    statement: report.statement,
    filedAt: report.filedAt,
    status: report.status,
    ...(report.decidedAt === undefined ? {} : { decidedAt: report.decidedAt }),
    outcome,
  };
}

/**
 * The notice that tells the buyer a decision was made (a buyer warning of type `report_outcome`, so it
 * reaches their app like the other warnings). Its id derives from the report: delivered once.
 */
export function outcomeNotice(report: Report): WarningRequest | undefined {
  if (report.status === 'open' || report.decidedAt === undefined) return undefined;
  return {
    warningId: stableId('warn', report.buyerId, 'report_outcome', report.reportId),
    buyerId: report.buyerId,
    type: 'report_outcome',
    severity: 'info',
    merchantId: report.merchantId,
    ...(report.orderId === undefined ? {} : { orderId: report.orderId }),
    ...(report.skuId === undefined ? {} : { skuId: report.skuId }),
    params: { category: report.category, outcome: report.status },
    occurredAt: report.decidedAt,
    sourceEventId: `report:${report.reportId}`,
  };
}

/** How the queue stands against its due times: what the SLA metrics and alarm are made of. */
export interface ReportsSla {
  open: number;
  overdue: number;
  escalated: number;
  /** Age of the oldest open report, in hours (0 when none is open). */
  oldestOpenHours: number;
}

export function reportsSla(queue: readonly QueuedReport[], atMs: number): ReportsSla {
  let overdue = 0;
  let escalated = 0;
  let oldest = atMs;
  for (const r of queue) {
    if (r.overdue) overdue++;
    if (r.escalated) escalated++;
    oldest = Math.min(oldest, r.filedAtMs);
  }
  return { open: queue.length, overdue, escalated, oldestOpenHours: Math.round(((atMs - oldest) / HOUR_MS) * 10) / 10 };
}
