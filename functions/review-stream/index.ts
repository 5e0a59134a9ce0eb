/**
 * Composition root of the review-stream Lambda: wires the real adapters from the environment once per
 * cold start. Everything else is in the handler factory and the shared review pipeline.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { KinesisStreamEvent, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { DynamoWarningStore } from '../../shared/adapters/dynamodb/warnings';
import { createRedisFeatureStore, LAMBDA_REDIS_OPTIONS } from '../../shared/adapters/redis/featureStore';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createReviewPipeline } from '../../shared/app/reviewPipeline';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { redisFromEnv, withFreshRedisAuth } from '../../shared/lambda/redis';
import { PENALTY_WORKFLOW, TABLES } from '../../shared/resources';
import { makeReviewStreamHandler } from './handler';

const logger = new Logger({ serviceName: 'review-stream' });
const documents = createDocumentClient();
// The analysts' live thresholds, cached for CONFIG_CACHE_SECONDS (the shipped defaults until one is published).
const config = liveConfigFromEnv(documents, { log: logger });
const store = redisFromEnv(LAMBDA_REDIS_OPTIONS, logger);
// The first auth token is signed during init, so the first invocation does not wait for it.
await store.beforeInvoke();

const handle = makeReviewStreamHandler({
  log: logger,
  quarantine: new DynamoQuarantine(documents, requireEnv(TABLES.quarantine.envVar)),
  process: createReviewPipeline({
    features: createRedisFeatureStore(store.redis),
    violations: new DynamoViolationLedger(documents, requireEnv(TABLES.violations.envVar)),
    config,
    penalties: new SfnPenaltyWorkflow(new SFNClient({}), requireEnv(PENALTY_WORKFLOW.stateMachineArnEnvVar)),
    // Buyer warnings are stored here; the table's stream pushes them to buyers (functions/warnings-push).
    warnings: createWarningService({ store: new DynamoWarningStore(documents, requireEnv(TABLES.warnings.envVar)), config, log: logger }),
  }),
});

export const handler: (event: KinesisStreamEvent, context: Context) => Promise<unknown> = withFreshRedisAuth(store, handle);
