/** Composition root of the warnings-push Lambda (the warnings table's stream to buyers' WebSockets). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { ApiGatewayConnectionPusher, createManagementClient } from '../../shared/adapters/apigateway/connectionPusher';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoWarningConnections } from '../../shared/adapters/dynamodb/warnings';
import { createWarningPush } from '../../shared/app/warnings/push';
import { requireEnv } from '../../shared/lambda/env';
import { TABLES } from '../../shared/resources';
import { makeWarningsPushHandler } from './handler';

const logger = new Logger({ serviceName: 'warnings-push' });

export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> = makeWarningsPushHandler({
  log: logger,
  push: createWarningPush({
    connections: new DynamoWarningConnections(createDocumentClient(), requireEnv(TABLES.warningConnections.envVar)),
    // https://{apiId}.execute-api.{region}.amazonaws.com/{stage}
    pusher: new ApiGatewayConnectionPusher(createManagementClient(requireEnv('WEBSOCKET_CALLBACK_URL'))),
    log: logger,
  }),
});
