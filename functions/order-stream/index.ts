/**
 * Composition root of the order-stream Lambda: wires the real adapters from the environment once per
 * cold start. Everything else is in the handler factory and the shared pipeline.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamEvent, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import { requireEnv } from '../../shared/lambda/env';
import { TABLES } from '../../shared/resources';
import { makeOrderStreamHandler } from './handler';

const logger = new Logger({ serviceName: 'order-stream' });
const documents = createDocumentClient();
const features = createRedisFeatureStore(requireEnv('REDIS_URL'));

export const handler: (event: KinesisStreamEvent, context: Context) => Promise<unknown> = makeOrderStreamHandler({
  log: logger,
  quarantine: new DynamoQuarantine(documents, requireEnv(TABLES.quarantine.envVar)),
  pipeline: createOrderPipeline({
    features,
    violations: new DynamoViolationLedger(documents, requireEnv(TABLES.violations.envVar)),
    decisions: new DynamoDecisionLog(documents, requireEnv(TABLES.decisions.envVar)),
    config: new StaticConfigSource(defaultThresholds),
  }),
});
