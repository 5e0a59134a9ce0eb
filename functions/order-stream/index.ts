/**
 * Composition root of the order-stream Lambda: wires the real adapters from the environment once per
 * cold start. Everything else is in the handler factory and the shared pipeline.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { KinesisStreamEvent, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { DynamoBuyerIdentityLinks } from '../../shared/adapters/dynamodb/identities';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { DynamoPenaltyCases } from '../../shared/adapters/dynamodb/penaltyCases';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { DynamoWarningStore } from '../../shared/adapters/dynamodb/warnings';
import { DynamoShadowResults } from '../../shared/adapters/dynamodb/shadowResults';
import { createRedisFeatureStore, LAMBDA_REDIS_OPTIONS } from '../../shared/adapters/redis/featureStore';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { PenaltyCaseStanding } from '../../shared/app/warnings/merchantStanding';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { requireEnv } from '../../shared/lambda/env';
import { redisFromEnv, withFreshRedisAuth } from '../../shared/lambda/redis';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makeOrderStreamHandler } from './handler';

const logger = new Logger({ serviceName: 'order-stream' });
const documents = createDocumentClient();
// In AWS: signs in to ElastiCache with IAM, a fresh token before each invocation (withFreshRedisAuth below).
const store = redisFromEnv(LAMBDA_REDIS_OPTIONS, logger);
// The first auth token is signed during init, so the first invocation does not wait for it.
await store.beforeInvoke();
const features = createRedisFeatureStore(store.redis);
// The analysts' live thresholds, suppressions and shadow candidate, cached for CONFIG_CACHE_SECONDS.
const config = liveConfigFromEnv(documents, { log: logger });
// Buyer warnings are stored here; the table's stream pushes them to buyers (functions/warnings-push).
const warnings = createWarningService({ store: new DynamoWarningStore(documents, requireEnv(TABLES.warnings.envVar)), config, log: logger });

const handle = makeOrderStreamHandler({
  log: logger,
  quarantine: new DynamoQuarantine(documents, requireEnv(TABLES.quarantine.envVar)),
  pipeline: createOrderPipeline({
    features,
    violations: new DynamoViolationLedger(documents, requireEnv(TABLES.violations.envVar)),
    decisions: new DynamoDecisionLog(documents, requireEnv(TABLES.decisions.envVar)),
    config,
    suppressions: config,
    shadow: { config, sink: new DynamoShadowResults(documents, requireEnv(TABLES.shadowResults.envVar)), log: logger },
    identities: new DynamoBuyerIdentityLinks(documents, requireEnv(TABLES.buyerLinks.envVar)),
    penalties: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
    warnings,
    buyerWarnings: {
      withdrawals: warnings,
      standing: new PenaltyCaseStanding(new DynamoPenaltyCases(documents, requireEnv(TABLES.penaltyCases.envVar))),
    },
  }),
});

export const handler: (event: KinesisStreamEvent, context: Context) => Promise<unknown> = withFreshRedisAuth(store, handle);
