/** Composition root of the reports Lambda (buyers file and follow reports; analysts handle the queue). */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoFlaggedDecisions } from '../../shared/adapters/dynamodb/analystReads';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoReportStore } from '../../shared/adapters/dynamodb/reports';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { DynamoWarningStore } from '../../shared/adapters/dynamodb/warnings';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createReportService } from '../../shared/app/reports/service';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { jwtBuyerAuthenticator } from '../../shared/http/buyerAuth';
import { jwtAuthenticator } from '../../shared/http/principal';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makeReportsHandler } from './handler';

const logger = new Logger({ serviceName: 'reports' });
const documents = createDocumentClient();
// The reports section of the analysts' live thresholds (due times, escalation) and the warnings one, cached 30 s.
const config = liveConfigFromEnv(documents, { log: logger });

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makeReportsHandler({
  log: logger,
  authenticate: jwtAuthenticator,
  authenticateBuyer: jwtBuyerAuthenticator,
  reports: createReportService({
    store: new DynamoReportStore(documents, requireEnv(TABLES.reports.envVar)),
    config,
    // An upheld report is a violation: in the ledger, and to the penalty workflow as the detectors' are.
    violations: new DynamoViolationLedger(documents, requireEnv(TABLES.violations.envVar)),
    penalties: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
    // The outcome reaches the buyer's app as a warning: stored here, pushed by the table's stream (warnings-push).
    // Whether a reported order is the reporter's with that shop (the decisions table's byOrder index).
    orders: new DynamoFlaggedDecisions(documents, requireEnv(TABLES.decisions.envVar)),
    warnings: createWarningService({ store: new DynamoWarningStore(documents, requireEnv(TABLES.warnings.envVar)), config, log: logger }),
  }),
});
