/** Port of buyer reports (投诉与举报): where reports are kept and how the queue and the views read them. */
import type { Report } from '../domain/reports/report';

/** Reports, one item per reportId. Writes are conditional (no transactions). */
export interface ReportStore {
  /** Stores a new report; when one with its id exists, returns that one unchanged (a refiled report is the same report). */
  file(report: Report): Promise<{ report: Report; created: boolean }>;
  get(reportId: string): Promise<Report | null>;
  /** Stores the decision if the report is still open; false when it was decided meanwhile. */
  decide(decided: Report): Promise<boolean>;
  /** The buyer's reports, newest first, at most `limit`. */
  byBuyer(buyerId: string, limit: number): Promise<Report[]>;
  /** How many of the buyer's reports are open. */
  openCountOf(buyerId: string): Promise<number>;
  /** Open reports, earliest due first, at most `limit`. */
  open(limit: number): Promise<Report[]>;
  /** The merchant's reports filed at or after `sinceMs`, newest first, at most `limit`. */
  byMerchant(merchantId: string, sinceMs: number, limit: number): Promise<Report[]>;
}
