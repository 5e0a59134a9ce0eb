/** Composition root of the risk-score Lambda. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { RedisIdempotencyStore } from '../../shared/adapters/redis/idempotency';
import { makeRiskScorer } from '../../shared/app/riskScore';
import { defaultThresholds } from '../../shared/config';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { redisFromEnv, withFreshRedisAuth } from '../../shared/lambda/redis';
import { TABLES } from '../../shared/resources';
import { makeRiskScoreHandler } from './handler';

const logger = new Logger({ serviceName: 'risk-score' });
// Checkout waits on this function: fail fast and let the time budget and the degraded policy decide.
const store = redisFromEnv({ connectTimeout: 1_000, commandTimeout: 500, maxRetriesPerRequest: 0 }, logger);
const redis = store.redis;
// The first auth token is signed during init; later refreshes wait at most a few milliseconds (the old token
// stays valid for ten more minutes), so signing never eats into the feature budget.
await store.beforeInvoke();
const RISK_SCORE_AUTH_WAIT_MS = 5;
const documents = createDocumentClient();
// Checkout must get an answer: with the config table unreachable at a cold start, the shipped defaults decide.
// The first read happens during init; later refreshes run in the background (the checkout never waits on them).
const config = liveConfigFromEnv(documents, { onUnavailable: 'seed', refresh: 'background', log: logger });
await config.current();

const handle = makeRiskScoreHandler({
  log: logger,
  idempotency: new RedisIdempotencyStore(redis),
  idempotencyTtlSeconds: defaultThresholds.riskScore.idempotencyTtlSeconds,
  score: makeRiskScorer({
    features: createRedisFeatureStore(redis),
    config,
    decisions: new DynamoDecisionLog(documents, requireEnv(TABLES.decisions.envVar)),
    log: logger,
  }),
});

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = withFreshRedisAuth(store, handle, { maxWaitMs: RISK_SCORE_AUTH_WAIT_MS });
