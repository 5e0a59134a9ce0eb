/** Composition root of the reports Lambda (buyers file and follow reports; analysts handle the queue). */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoReportStore } from '../../shared/adapters/dynamodb/reports';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createReportService } from '../../shared/app/reports/service';
import { jwtBuyerAuthenticator } from '../../shared/http/buyerAuth';
import { jwtAuthenticator } from '../../shared/http/principal';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makeReportsHandler } from './handler';

const logger = new Logger({ serviceName: 'reports' });
const documents = createDocumentClient();

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makeReportsHandler({
  log: logger,
  authenticate: jwtAuthenticator,
  authenticateBuyer: jwtBuyerAuthenticator,
  reports: createReportService({
    store: new DynamoReportStore(documents, requireEnv(TABLES.reports.envVar)),
    // The reports section of the analysts' live thresholds (due times, escalation), cached 30 s.
    config: liveConfigFromEnv(documents, { log: logger }),
    // An upheld report is a violation: in the ledger, and to the penalty workflow as the detectors' are.
    violations: new DynamoViolationLedger(documents, requireEnv(TABLES.violations.envVar)),
    penalties: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
  }),
});
