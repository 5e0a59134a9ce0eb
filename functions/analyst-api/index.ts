/**
 * Composition root of the analyst API Lambda: DynamoDB adapters, the Cognito JWT's claims, backtests
 * started by the jobs table's stream, and the feature store (read only) for the velocity view.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoFlaggedDecisions, DynamoPenaltyLadder } from '../../shared/adapters/dynamodb/analystReads';
import { DynamoBacktestJobs } from '../../shared/adapters/dynamodb/backtestJobs';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoConfigAuditLog } from '../../shared/adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoShadowResults } from '../../shared/adapters/dynamodb/shadowResults';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { createConfigService } from '../../shared/app/config/service';
import { defaultThresholds } from '../../shared/config';
import { jwtAuthenticator } from '../../shared/http/principal';
import { requireEnv } from '../../shared/lambda/env';
import { redisFromEnv, withFreshRedisAuth } from '../../shared/lambda/redis';
import { ANALYST_CONSOLE, BACKTEST_WORKER, TABLES } from '../../shared/resources';
import { makeAnalystApiHandler } from './handler';

const logger = new Logger({ serviceName: 'analyst-api' });
const documents = createDocumentClient();
// Only the velocity view reads Redis: a slow or absent store fails that route (503), not the others.
const store = redisFromEnv({ connectTimeout: 2_000, commandTimeout: 2_000, maxRetriesPerRequest: 1 }, logger);
await store.beforeInvoke();

const handle = makeAnalystApiHandler({
  log: logger,
  config: createConfigService({
    store: new DynamoConfigStore(documents, requireEnv(TABLES.configVersions.envVar)),
    audit: new DynamoConfigAuditLog(documents, requireEnv(TABLES.configAudit.envVar)),
    seed: defaultThresholds,
  }),
  shadow: new DynamoShadowResults(documents, requireEnv(TABLES.shadowResults.envVar)),
  backtests: new DynamoBacktestJobs(documents, requireEnv(TABLES.backtests.envVar)),
  // The backtests table's stream starts the worker (functions/backtest-worker): nothing to launch here.
  launcher: { launch: async () => {} },
  // The worker's Lambda timeout, and a minute's grace.
  backtestWorkerLimitMs: (BACKTEST_WORKER.timeoutMinutes + 1) * 60_000,
  decisions: new DynamoFlaggedDecisions(documents, requireEnv(TABLES.decisions.envVar)),
  ladder: new DynamoPenaltyLadder(documents, requireEnv(TABLES.penaltyCases.envVar)),
  velocity: createRedisFeatureStore(store.redis).sets,
  authenticate: jwtAuthenticator,
  consoleAuth: { mode: 'cognito', domain: requireEnv(ANALYST_CONSOLE.loginDomainEnvVar), clientId: requireEnv(ANALYST_CONSOLE.clientIdEnvVar) },
});

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = withFreshRedisAuth(store, handle, {
  maxWaitMs: 100,
});
