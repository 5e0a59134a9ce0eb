/** Composition root of the reports SLA check (EventBridge schedule): metrics through Powertools (EMF). */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoReportStore } from '../../shared/adapters/dynamodb/reports';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { REPORTS_SLA, TABLES } from '../../shared/resources';
import { makeReportsSlaHandler } from './handler';

const logger = new Logger({ serviceName: REPORTS_SLA.service });
const metrics = new Metrics({ namespace: REPORTS_SLA.namespace, serviceName: REPORTS_SLA.service });
const documents = createDocumentClient();

const check = makeReportsSlaHandler({
  store: new DynamoReportStore(documents, requireEnv(TABLES.reports.envVar)),
  // Due times and escalation from the analysts' live thresholds.
  config: liveConfigFromEnv(documents, { log: logger }),
  publish: (sla) => {
    metrics.addMetric(REPORTS_SLA.metrics.open, MetricUnit.Count, sla.open);
    metrics.addMetric(REPORTS_SLA.metrics.overdue, MetricUnit.Count, sla.overdue);
    metrics.addMetric(REPORTS_SLA.metrics.escalated, MetricUnit.Count, sla.escalated);
    metrics.addMetric(REPORTS_SLA.metrics.oldestOpenHours, MetricUnit.Count, sla.oldestOpenHours);
    metrics.publishStoredMetrics();
    logger.info('reports sla', { ...sla });
  },
});

export const handler = async (): Promise<void> => {
  await check();
};
