/** The local HTTP gateway over loopback: requests in, payload 2.0 events to the handlers, results back. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHealthHandler } from '../../functions/health/handler';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { compileRoutes, startHttpGateway, type HttpHandler, type RunningGateway } from '../../shared/local/httpGateway';

let gateway: RunningGateway;
const seen: APIGatewayProxyEventV2[] = [];

const echo: HttpHandler = async (event) => {
  seen.push(event);
  return { statusCode: 201, headers: { 'Content-Type': 'application/json', 'X-Route': event.routeKey }, cookies: ['a=1', 'b=2'], body: JSON.stringify({ ok: true }) };
};

beforeAll(async () => {
  gateway = await startHttpGateway({
    routes: [
      // The health route as the shared table has it; the others exercise the gateway itself.
      ...HTTP_ROUTES.filter((r) => r.functionId === 'health'),
      { routeKey: 'POST /v1/orders/{orderId}/notes', functionId: 'echo' },
      { routeKey: 'GET /v1/files/{path+}', functionId: 'echo' },
      { routeKey: 'GET /v1/files/readme', functionId: 'literal' },
      { routeKey: 'GET /v1/inferred', functionId: 'inferred' },
      { routeKey: 'GET /v1/binary', functionId: 'binary' },
      { routeKey: 'GET /v1/broken', functionId: 'broken' },
      { routeKey: 'GET /v1/slow', functionId: 'slow' },
    ],
    handlers: {
      health: makeHealthHandler({ service: 'riskline', version: 'test', checks: { memory: async () => {} } }),
      echo,
      literal: async () => ({ statusCode: 200, body: 'literal' }),
      inferred: async () => ({ risk: 'low', score: 12 }),
      binary: async () => ({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'), isBase64Encoded: true }),
      broken: async () => {
        throw new Error('secret internal detail');
      },
      slow: () => new Promise(() => {}),
    },
    timeoutMs: 200,
  });
});

afterAll(async () => {
  await gateway?.close();
});

describe('local HTTP gateway', () => {
  it('serves the health function of the shared route table', async () => {
    const response = await fetch(`${gateway.url}/v1/health`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ status: 'ok', service: 'riskline', version: 'test', checks: { memory: { ok: true } } });
  });

  it('turns a request into a payload 2.0 event with path parameters, lower-cased headers, query and cookies', async () => {
    seen.length = 0;

    const response = await fetch(`${gateway.url}/v1/orders/o%2D42/notes?lang=zh&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Source': 'Checkout', Cookie: 'session=s1; theme=dark' },
      body: JSON.stringify({ note: '质量很好' }),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-route')).toBe('POST /v1/orders/{orderId}/notes');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const [event] = seen;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/orders/{orderId}/notes',
      rawPath: '/v1/orders/o%2D42/notes',
      rawQueryString: 'lang=zh&tag=a&tag=b',
      pathParameters: { orderId: 'o-42' },
      queryStringParameters: { lang: 'zh', tag: 'a,b' },
      cookies: ['session=s1', 'theme=dark'],
      body: JSON.stringify({ note: '质量很好' }),
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/v1/orders/o%2D42/notes', sourceIp: '127.0.0.1' }, routeKey: 'POST /v1/orders/{orderId}/notes', stage: '$default' },
    });
    expect(event!.headers).toMatchObject({ 'content-type': 'application/json', 'x-request-source': 'Checkout' });
    expect(event!.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a binary body', async () => {
    seen.length = 0;
    const bytes = Uint8Array.from([0, 1, 2, 250]);

    await fetch(`${gateway.url}/v1/orders/o-1/notes`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });

    expect(seen[0]).toMatchObject({ isBase64Encoded: true, body: Buffer.from(bytes).toString('base64') });
  });

  it('prefers a literal route over a greedy one, and gives the greedy one the rest of the path', async () => {
    seen.length = 0;

    const literal = await fetch(`${gateway.url}/v1/files/readme`);
    await fetch(`${gateway.url}/v1/files/a/b/c.txt`);

    expect(await literal.text()).toBe('literal');
    expect(seen[0]).toMatchObject({ routeKey: 'GET /v1/files/{path+}', pathParameters: { path: 'a/b/c.txt' } });
  });

  it('maps results as API Gateway does: inferred JSON, base64 bodies, errors, timeouts and unknown routes', async () => {
    const inferred = await fetch(`${gateway.url}/v1/inferred`);
    const binary = await fetch(`${gateway.url}/v1/binary`);
    const broken = await fetch(`${gateway.url}/v1/broken`);
    const slow = await fetch(`${gateway.url}/v1/slow`);
    const missing = await fetch(`${gateway.url}/v1/nothing-here`);
    const wrongMethod = await fetch(`${gateway.url}/v1/health`, { method: 'DELETE' });

    expect([inferred.status, inferred.headers.get('content-type'), await inferred.json()]).toEqual([200, 'application/json', { risk: 'low', score: 12 }]);
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect([broken.status, await broken.json()]).toEqual([500, { message: 'Internal Server Error' }]);
    expect([slow.status, await slow.json()]).toEqual([503, { message: 'Service Unavailable' }]);
    expect([missing.status, await missing.json()]).toEqual([404, { message: 'Not Found' }]);
    expect(wrongMethod.status).toBe(404);
  });
});

describe('route selection', () => {
  it('falls back to $default and ANY, and rejects a malformed route key', () => {
    const match = compileRoutes([
      { routeKey: 'ANY /v1/things/{id}', functionId: 'any' },
      { routeKey: 'GET /v1/things/{id}', functionId: 'get' },
      { routeKey: '$default', functionId: 'fallback' },
    ]);

    expect(match('GET', '/v1/things/7')).toEqual({ routeKey: 'GET /v1/things/{id}', functionId: 'get', pathParameters: { id: '7' } });
    expect(match('PUT', '/v1/things/7')?.functionId).toBe('any');
    expect(match('GET', '/elsewhere')).toEqual({ routeKey: '$default', functionId: 'fallback', pathParameters: undefined });
    expect(() => compileRoutes([{ routeKey: 'FETCH /x', functionId: 'f' }])).toThrow(/not "METHOD \/path"/);
  });
});
