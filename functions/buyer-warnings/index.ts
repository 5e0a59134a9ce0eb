/** Composition root of the buyer-warnings Lambda (a buyer lists and acknowledges their warnings). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoWarningStore } from '../../shared/adapters/dynamodb/warnings';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { jwtBuyerAuthenticator } from '../../shared/http/buyerAuth';
import { requireEnv } from '../../shared/lambda/env';
import { liveConfigFromEnv } from '../../shared/lambda/liveConfig';
import { TABLES } from '../../shared/resources';
import { makeBuyerWarningsHandler } from './handler';

const logger = new Logger({ serviceName: 'buyer-warnings' });

const documents = createDocumentClient();

export const handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> = makeBuyerWarningsHandler({
  log: logger,
  authenticate: jwtBuyerAuthenticator,
  // The buyer's read marks reach their other open apps through the table's stream (warnings-push).
  warnings: createWarningService({
    store: new DynamoWarningStore(documents, requireEnv(TABLES.warnings.envVar)),
    // The warnings section of the analysts' live thresholds (retention, de-duplication), cached 30 s.
    config: liveConfigFromEnv(documents, { log: logger }),
    log: logger,
  }),
});
