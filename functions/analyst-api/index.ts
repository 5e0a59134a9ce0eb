/** Composition root of the analyst API Lambda: DynamoDB adapters, the Cognito JWT's claims, backtests started by the jobs table's stream. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DynamoFlaggedDecisions, DynamoPenaltyLadder } from '../../shared/adapters/dynamodb/analystReads';
import { DynamoBacktestJobs } from '../../shared/adapters/dynamodb/backtestJobs';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoConfigAuditLog } from '../../shared/adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoShadowResults } from '../../shared/adapters/dynamodb/shadowResults';
import { createConfigService } from '../../shared/app/config/service';
import { defaultThresholds } from '../../shared/config';
import { jwtAuthenticator } from '../../shared/http/principal';
import { requireEnv } from '../../shared/lambda/env';
import { ANALYST_CONSOLE, TABLES } from '../../shared/resources';
import { makeAnalystApiHandler } from './handler';

const logger = new Logger({ serviceName: 'analyst-api' });
const documents = createDocumentClient();

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makeAnalystApiHandler({
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
  decisions: new DynamoFlaggedDecisions(documents, requireEnv(TABLES.decisions.envVar)),
  ladder: new DynamoPenaltyLadder(documents, requireEnv(TABLES.penaltyCases.envVar)),
  authenticate: jwtAuthenticator,
  consoleAuth: { mode: 'cognito', domain: requireEnv(ANALYST_CONSOLE.loginDomainEnvVar), clientId: requireEnv(ANALYST_CONSOLE.clientIdEnvVar) },
});
