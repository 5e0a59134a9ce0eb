/** Composition root of the warnings WebSocket routes ($connect, $disconnect, $default). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoWarningConnections } from '../../shared/adapters/dynamodb/warnings';
import { requireEnv } from '../../shared/lambda/env';
import { TABLES } from '../../shared/resources';
import { makeWarningsSocketHandler, type WebSocketRouteEvent } from './handler';

const logger = new Logger({ serviceName: 'warnings-socket' });

export const handler: (event: WebSocketRouteEvent) => Promise<APIGatewayProxyStructuredResultV2> = makeWarningsSocketHandler({
  log: logger,
  connections: new DynamoWarningConnections(createDocumentClient(), requireEnv(TABLES.warningConnections.envVar)),
});
