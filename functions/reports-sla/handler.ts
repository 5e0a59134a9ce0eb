/**
 * The reports SLA check (及时处理: reports are handled in time), run on a schedule: reads the open
 * queue as analysts see it and publishes how many reports are open, overdue and escalated, and the
 * oldest one's age. The CDK app alarms when reports stay overdue.
 */
import { readQueue } from '../../shared/app/reports/service';
import { reportsSla, type ReportsSla } from '../../shared/domain/reports/report';
import type { ConfigSource, ReportStore } from '../../shared/ports';

/** Open reports read at most per check. */
export const SLA_QUEUE_LIMIT = 1_000;

export interface ReportsSlaDeps {
  store: Pick<ReportStore, 'open' | 'byMerchant'>;
  config: ConfigSource;
  publish: (sla: ReportsSla) => void;
  now?: () => number;
}

export function makeReportsSlaHandler(deps: ReportsSlaDeps): () => Promise<ReportsSla> {
  return async () => {
    const atMs = (deps.now ?? Date.now)();
    const rules = (await deps.config.current()).reports;
    const sla = reportsSla(await readQueue(deps.store, rules, atMs, SLA_QUEUE_LIMIT), atMs);
    deps.publish(sla);
    return sla;
  };
}
