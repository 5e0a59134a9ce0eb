/**
 * The warnings WebSocket API's $connect authorizer (Lambda REQUEST authorizer). A browser cannot put
 * a header on a WebSocket, so the buyer's token comes as the `token` query parameter. A valid token
 * gets an Allow policy whose context carries `buyerId`: the connection belongs to that buyer, and
 * every route of it sees `requestContext.authorizer.buyerId`. Anything else is `Unauthorized` (401).
 *
 * The verifier is the identity provider's JWT check in AWS and the development token locally; both
 * end in the same `buyerOf(claims)` (shared/http/buyerAuth.ts).
 */
import { buyerOf, type TokenVerifier } from '../../shared/http/buyerAuth';
import type { Log } from '../../shared/lambda/kinesisConsumer';

/** The fields of API Gateway's REQUEST authorizer event this function reads. */
export interface SocketAuthorizerEvent {
  type?: 'REQUEST';
  methodArn: string;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext?: { connectionId?: string; routeKey?: string };
}

export interface SocketAuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow'; Resource: string }[] };
  context: { buyerId: string };
}

export interface SocketAuthorizerDeps {
  verify: TokenVerifier;
  log?: Pick<Log, 'warn'>;
}

export function makeSocketAuthorizerHandler(deps: SocketAuthorizerDeps) {
  return async (event: SocketAuthorizerEvent): Promise<SocketAuthorizerResult> => {
    const token = event.queryStringParameters?.token;
    let buyerId: string;
    try {
      if (token === undefined || token === '') throw new Error('no token query parameter');
      buyerId = buyerOf(await deps.verify(token)).buyerId;
    } catch (error) {
      deps.log?.warn('connection refused', { reason: error instanceof Error ? error.message : String(error) });
      // API Gateway answers 401 to exactly this error message.
      throw new Error('Unauthorized');
    }
    return {
      principalId: buyerId,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
      context: { buyerId },
    };
  };
}
