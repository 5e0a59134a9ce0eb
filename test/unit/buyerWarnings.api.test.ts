/** The buyer API, the WebSocket routes and their authorizer, with the memory adapters and development tokens. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeBuyerWarningsHandler } from '../../functions/buyer-warnings/handler';
import { makeWarningsSocketHandler } from '../../functions/warnings-socket/handler';
import { makeSocketAuthorizerHandler } from '../../functions/warnings-socket-authorizer/handler';
import { MemoryWarningConnections, MemoryWarningStore } from '../../shared/adapters/memory/warnings';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { defaultThresholds } from '../../shared/config';
import { devBuyerAuthenticator, devBuyerToken, devTokenVerifier, jwtBuyerAuthenticator, verifyDevBuyerToken } from '../../shared/http/buyerAuth';
import { lambdaContext } from '../support/kinesis';
import { warningRequest } from '../contract/warnings.contract';

const SECRET = 'test-secret';
const NOW = Date.parse('2026-11-29T08:00:00Z');

function request(routeKey: string, path: Record<string, string>, options: { token?: string; query?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    pathParameters: path,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    isBase64Encoded: false,
    requestContext: { timeEpoch: NOW, http: { method: routeKey.split(' ')[0]! } } as APIGatewayProxyEventV2['requestContext'],
  };
}

const LIST = 'GET /v1/buyers/{buyerId}/warnings';
const ACK = 'POST /v1/buyers/{buyerId}/warnings/{warningId}/ack';

async function setup() {
  const warnings = createWarningService({ store: new MemoryWarningStore(), config: new StaticConfigSource(defaultThresholds) });
  const mine = warningRequest({ buyerId: 'b-1', occurredAt: '2026-11-28T08:00:00.000Z' });
  const theirs = warningRequest({ buyerId: 'b-2', occurredAt: '2026-11-28T08:00:00.000Z' });
  await warnings.issue([mine, theirs]);
  const handler = makeBuyerWarningsHandler({ warnings, authenticate: devBuyerAuthenticator(SECRET) });
  const call = async (event: APIGatewayProxyEventV2) => {
    const response = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') as Record<string, unknown> };
  };
  return { call, mine, theirs };
}

describe('buyer warnings API', () => {
  it('lists the buyer\'s own warnings with the messages a buyer reads, and nothing internal', async () => {
    const { call, mine } = await setup();

    const { status, body } = await call(request(LIST, { buyerId: 'b-1' }, { token: devBuyerToken('b-1', SECRET) }));

    expect(status).toBe(200);
    expect(body).toEqual({
      buyerId: 'b-1',
      unread: 1,
      warnings: [
        {
          warningId: mine.warningId,
          type: 'price_gouging',
          severity: 'warning',
          status: 'unread',
          message: { zh: expect.stringContaining('3.4 倍'), en: expect.stringContaining('3.4 times') },
          orderId: mine.orderId,
          merchantId: 'm-1',
          skuId: 'sku-1',
          issuedAt: '2026-11-28T08:00:00.000Z',
        },
      ],
    });
  });

  it('acknowledges a warning', async () => {
    const { call, mine } = await setup();

    const { status, body } = await call(request(ACK, { buyerId: 'b-1', warningId: mine.warningId }, { token: devBuyerToken('b-1', SECRET) }));

    expect(status).toBe(200);
    expect(body.warning).toMatchObject({ warningId: mine.warningId, status: 'read', readAt: new Date(NOW).toISOString() });
  });

  it.each([
    ['no token', request(LIST, { buyerId: 'b-1' }), 401, 'unauthorized'],
    ['a token signed with another secret', request(LIST, { buyerId: 'b-1' }, { token: devBuyerToken('b-1', 'other') }), 401, 'unauthorized'],
    ['another buyer\'s list', request(LIST, { buyerId: 'b-2' }, { token: devBuyerToken('b-1', SECRET) }), 403, 'forbidden'],
    ['a page size over 100', request(LIST, { buyerId: 'b-1' }, { token: devBuyerToken('b-1', SECRET), query: { limit: '500' } }), 400, 'invalid_request'],
    ['a cursor the API did not issue', request(LIST, { buyerId: 'b-1' }, { token: devBuyerToken('b-1', SECRET), query: { cursor: 'abc' } }), 400, 'invalid_request'],
    ['an unknown warning', request(ACK, { buyerId: 'b-1', warningId: 'warn-unknown' }, { token: devBuyerToken('b-1', SECRET) }), 404, 'not_found'],
  ])('answers %s with %i', async (_what, event, status, error) => {
    const { call } = await setup();

    const response = await call(event);

    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
  });

  it('answers 404 for another buyer\'s warning under the buyer\'s own path', async () => {
    const { call, theirs } = await setup();

    const response = await call(request(ACK, { buyerId: 'b-1', warningId: theirs.warningId }, { token: devBuyerToken('b-1', SECRET) }));

    expect(response.status).toBe(404);
  });

  it('reads the buyer from the claims API Gateway\'s JWT authorizer verified, as the development token gives them', () => {
    const event = request(LIST, { buyerId: 'b-1' });
    (event.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: verifyDevBuyerToken(devBuyerToken('b-1', SECRET), SECRET) } };
    const cognito = request(LIST, { buyerId: 'b-9' });
    (cognito.requestContext as unknown as Record<string, unknown>).authorizer = { jwt: { claims: { sub: 'uuid-1', 'custom:buyerId': 'b-9' } } };

    expect(jwtBuyerAuthenticator(event)).toEqual({ buyerId: 'b-1' });
    expect(jwtBuyerAuthenticator(cognito)).toEqual({ buyerId: 'b-9' });
    expect(() => jwtBuyerAuthenticator(request(LIST, { buyerId: 'b-1' }))).toThrow(/bearer token/);
  });
});

describe('warnings WebSocket API', () => {
  const authorize = makeSocketAuthorizerHandler({ verify: devTokenVerifier(SECRET) });
  const methodArn = 'arn:aws:execute-api:local:000000000000:api/live/$connect';

  it('lets a connection in with a valid token, as its buyer', async () => {
    const answer = await authorize({ type: 'REQUEST', methodArn, queryStringParameters: { token: devBuyerToken('b-1', SECRET) } });

    expect(answer).toEqual({
      principalId: 'b-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
      context: { buyerId: 'b-1' },
    });
  });

  it.each([
    ['no token', null],
    ['a forged token', { token: 'dev.b-1.forged' }],
    ['another scheme', { token: 'eyJhbGciOi.x.y' }],
  ])('refuses a connection with %s', async (_what, query) => {
    await expect(authorize({ type: 'REQUEST', methodArn, queryStringParameters: query })).rejects.toThrow('Unauthorized');
  });

  it('records the connection as its buyer\'s on $connect and forgets it on $disconnect', async () => {
    const connections = new MemoryWarningConnections();
    const socket = makeWarningsSocketHandler({ connections });
    const context = { connectionId: 'c-1', connectedAt: NOW, authorizer: { principalId: 'b-1', buyerId: 'b-1' } };

    const connected = await socket({ requestContext: { ...context, routeKey: '$connect', eventType: 'CONNECT' } });
    const during = await connections.ofBuyer('b-1');
    const message = await socket({ requestContext: { ...context, routeKey: '$default', eventType: 'MESSAGE' }, body: 'ping' });
    await socket({ requestContext: { ...context, routeKey: '$disconnect', eventType: 'DISCONNECT' } });

    expect(connected.statusCode).toBe(200);
    expect(message.statusCode).toBe(200);
    expect(during).toEqual(['c-1']);
    expect(await connections.ofBuyer('b-1')).toEqual([]);
  });

  it('refuses a $connect that reached it without the authorizer\'s buyer', async () => {
    const connections = new MemoryWarningConnections();
    const socket = makeWarningsSocketHandler({ connections });

    const answer = await socket({ requestContext: { connectionId: 'c-x', routeKey: '$connect', eventType: 'CONNECT' } });

    expect(answer.statusCode).toBe(401);
    expect(await connections.ofBuyer('b-1')).toEqual([]);
  });
});
