/**
 * Buyer reports (投诉与举报): how soon analysts answer, how many open reports a buyer may have, and
 * when many buyers reporting one merchant escalate its reports. Used by shared/domain/reports.
 */
import { z } from 'zod';

export const ReportRulesSchema = z.object({
  /** Analysts answer a report within this many hours of its filing: its due time in the queue. */
  handleWithinHours: z.number().positive(),
  /** Open reports one buyer may have at once; past it a new report is refused (429), not queued. */
  maxOpenPerBuyer: z.number().int().min(1),
  escalation: z.object({
    /** A merchant reported by at least this many distinct buyers within `windowDays` has its open reports escalated. */
    distinctBuyers: z.number().int().min(2),
    windowDays: z.number().positive(),
    /** An escalated report is due this many hours after its filing (when sooner than its own due time). */
    handleWithinHours: z.number().positive(),
  }),
});
export type ReportRules = z.infer<typeof ReportRulesSchema>;

/** Stored versions written before reports existed read with these. */
export const DEFAULT_REPORT_RULES: ReportRules = {
  handleWithinHours: 72,
  maxOpenPerBuyer: 10,
  escalation: { distinctBuyers: 3, windowDays: 30, handleWithinHours: 24 },
};
