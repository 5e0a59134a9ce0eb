/** Composition root of the penalty workflow's Task Lambda: DynamoDB, EventBridge and Step Functions adapters. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoBuyerIdentityLinks, DynamoMerchantRegistry } from '../../shared/adapters/dynamodb/identities';
import { DynamoPenaltyApprovals } from '../../shared/adapters/dynamodb/penaltyApprovals';
import { DynamoPenaltyAudit } from '../../shared/adapters/dynamodb/penaltyAudit';
import { DynamoPenaltyCases } from '../../shared/adapters/dynamodb/penaltyCases';
import { EventBridgePenaltyNotices } from '../../shared/adapters/eventbridge/penaltyNotices';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createPenaltyService } from '../../shared/app/penalties/service';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makePenaltyWorkflowHandler } from './handler';

const documents = createDocumentClient();

export const handler: (event: unknown, context: Context) => Promise<unknown> = makePenaltyWorkflowHandler({
  service: createPenaltyService({
    cases: new DynamoPenaltyCases(documents, requireEnv(TABLES.penaltyCases.envVar)),
    audit: new DynamoPenaltyAudit(documents, requireEnv(TABLES.penaltyAudit.envVar)),
    approvals: new DynamoPenaltyApprovals(documents, requireEnv(TABLES.penaltyApprovals.envVar)),
    registry: new DynamoMerchantRegistry(documents, requireEnv(TABLES.merchantIdentities.envVar)),
    buyerLinks: new DynamoBuyerIdentityLinks(documents, requireEnv(TABLES.buyerLinks.envVar)),
    notices: new EventBridgePenaltyNotices(new EventBridgeClient({}), requireEnv(PENALTY_WORKFLOW.eventBusEnvVar)),
    // The ladder policy of the analysts' live thresholds, cached for CONFIG_CACHE_SECONDS.
    config: liveConfigFromEnv(documents),
    // Starts the executions that wait for approvals; releases those an upheld appeal cancelled.
    executions: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
  }),
});
