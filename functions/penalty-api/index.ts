/** Composition root of the penalty API Lambda (analysts' approvals and investigations, merchants' appeals and credit). */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoPenaltyApprovals } from '../../shared/adapters/dynamodb/penaltyApprovals';
import { DynamoPenaltyAudit } from '../../shared/adapters/dynamodb/penaltyAudit';
import { DynamoPenaltyCases } from '../../shared/adapters/dynamodb/penaltyCases';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { jwtAuthenticator } from '../../shared/http/principal';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makePenaltyApiHandler } from './handler';

const logger = new Logger({ serviceName: 'penalty-api' });
const documents = createDocumentClient();

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makePenaltyApiHandler({
  log: logger,
  cases: new DynamoPenaltyCases(documents, requireEnv(TABLES.penaltyCases.envVar)),
  audit: new DynamoPenaltyAudit(documents, requireEnv(TABLES.penaltyAudit.envVar)),
  approvals: new DynamoPenaltyApprovals(documents, requireEnv(TABLES.penaltyApprovals.envVar)),
  executions: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
  // The ladder policy of the analysts' live thresholds (credit scores, appeal windows), cached 30 s.
  config: liveConfigFromEnv(documents, { log: logger }),
  authenticate: jwtAuthenticator,
});
