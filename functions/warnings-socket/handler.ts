/**
 * The warnings WebSocket API's routes (API Gateway WebSocket API), one function for all of them:
 *
 *   $connect     the authorizer (warnings-socket-authorizer) verified the buyer's token and passed
 *                `buyerId` in its context: the connection is recorded as that buyer's
 *   $disconnect  the record goes (a connection that vanishes without one is cleaned up when a push
 *                finds it gone, or by the table's TTL)
 *   $default     anything the client sends keeps the connection alive and is otherwise ignored
 *
 * The local WebSocket gateway (shared/local/websocketGateway.ts) sends the same event shapes.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Log } from '../../shared/lambda/kinesisConsumer';
import type { WarningConnections } from '../../shared/ports';

/** What API Gateway sends a WebSocket route's Lambda integration (the fields this function reads). */
export interface WebSocketRouteEvent {
  requestContext: {
    routeKey: string;
    connectionId: string;
    eventType?: 'CONNECT' | 'DISCONNECT' | 'MESSAGE';
    connectedAt?: number;
    requestTimeEpoch?: number;
    /** The $connect authorizer's context; API Gateway passes it to every route of the connection. */
    authorizer?: Record<string, unknown> | null;
  };
  body?: string;
  isBase64Encoded?: boolean;
}

export interface WarningsSocketDeps {
  connections: WarningConnections;
  /** How long a connection record lives (API Gateway closes a connection after 2 hours). */
  connectionTtlMs?: number;
  log?: Pick<Log, 'warn'>;
}

const TWO_HOURS_MS = 2 * 3_600_000;

export function makeWarningsSocketHandler(deps: WarningsSocketDeps) {
  const ttlMs = deps.connectionTtlMs ?? TWO_HOURS_MS + 5 * 60_000;
  return async (event: WebSocketRouteEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const { routeKey, connectionId } = event.requestContext;
    const buyerId = event.requestContext.authorizer?.buyerId;
    switch (routeKey) {
      case '$connect': {
        if (typeof buyerId !== 'string' || buyerId === '') return { statusCode: 401, body: 'Unauthorized' };
        const atMs = event.requestContext.connectedAt ?? event.requestContext.requestTimeEpoch ?? Date.now();
        await deps.connections.add({ buyerId, connectionId, connectedAtMs: atMs, expiresAtMs: atMs + ttlMs });
        return { statusCode: 200 };
      }
      case '$disconnect':
        if (typeof buyerId === 'string' && buyerId !== '') await deps.connections.remove(buyerId, connectionId);
        else deps.log?.warn('disconnect without the authorizer context; the record expires instead', { connectionId });
        return { statusCode: 200 };
      default:
        return { statusCode: 200 };
    }
  };
}
