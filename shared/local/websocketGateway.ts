/**
 * A local API Gateway WebSocket API: a `ws` server on a loopback port that sends the Lambda
 * integrations the events API Gateway sends, and serves API Gateway's @connections management API
 * on the same port, so the push code (the SDK's PostToConnection) runs unchanged against it.
 *
 *  - Upgrade: the REQUEST authorizer (if any) gets the $connect request; a throw is 401, a Deny 403.
 *    Its context is passed to every route of the connection as `requestContext.authorizer`. Then the
 *    $connect integration; a non-2xx answer refuses the upgrade with that status.
 *  - Messages: route selection on `$request.body.action` (a JSON body's `action` naming a route),
 *    otherwise $default. Route responses are not sent back (none is configured in AWS either).
 *  - Close: $disconnect.
 *  - `POST /@connections/{id}` (or `/{stage}/@connections/{id}`) sends the body to the connection as a
 *    text message; 410 when there is no such connection. `GET` describes it, `DELETE` closes it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface AuthorizerAnswer {
  principalId: string;
  policyDocument: { Statement: readonly { Effect: string }[] };
  context?: Record<string, unknown>;
}

export type WebSocketAuthorizer = (event: {
  type: 'REQUEST';
  methodArn: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string> | null;
  requestContext: Record<string, unknown>;
}) => Promise<AuthorizerAnswer>;

export type WebSocketRouteHandler = (event: {
  requestContext: Record<string, unknown> & { routeKey: string; connectionId: string; eventType: 'CONNECT' | 'DISCONNECT' | 'MESSAGE' };
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string> | null;
  body?: string;
  isBase64Encoded: boolean;
}) => Promise<{ statusCode?: number } | void | unknown>;

export interface WebSocketGatewayOptions {
  authorizer?: WebSocketAuthorizer;
  /** Integrations by route key: `$connect`, `$disconnect`, `$default`, or an `action` value. */
  routes: Readonly<Record<string, WebSocketRouteHandler>>;
  stage?: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  onError?: (message: string, error: unknown) => void;
}

export interface RunningWebSocketGateway {
  /** Where clients connect, e.g. ws://127.0.0.1:40123 */
  url: string;
  /** The @connections API's endpoint for the management client, e.g. http://127.0.0.1:40123 */
  callbackUrl: string;
  /** Open connections now. */
  connections(): number;
  close(): Promise<void>;
}

interface Connection {
  id: string;
  socket?: WebSocket;
  /** Messages posted while $connect was still running: API Gateway would refuse them; sent once open. */
  pending: string[];
  authorizer: Record<string, unknown> | null;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
}

const ACCOUNT = '000000000000';

export async function startWebSocketGateway(options: WebSocketGatewayOptions): Promise<RunningWebSocketGateway> {
  const stage = options.stage ?? 'local';
  const onError = options.onError ?? (() => {});
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true });
  let domainName = 'localhost';

  const context = (c: Connection, routeKey: string, eventType: 'CONNECT' | 'DISCONNECT' | 'MESSAGE', extra: Record<string, unknown> = {}) => ({
    routeKey,
    eventType,
    connectionId: c.id,
    connectedAt: c.connectedAt,
    requestTimeEpoch: Date.now(),
    requestId: randomUUID(),
    extendedRequestId: randomUUID(),
    messageDirection: 'IN',
    stage,
    apiId: 'local',
    domainName,
    identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    ...extra,
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/' && url.pathname !== `/${stage}`) return refuse(socket, 404, 'Not Found');
    const headers = flatHeaders(req);
    domainName = headers.host ?? domainName;
    const query = Object.fromEntries(url.searchParams);
    const queryStringParameters = Object.keys(query).length > 0 ? query : null;
    const c: Connection = {
      id: connectionId(),
      pending: [],
      authorizer: null,
      connectedAt: Date.now(),
      lastActiveAt: Date.now(),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    };
    if (options.authorizer) {
      let answer: AuthorizerAnswer;
      try {
        answer = await options.authorizer({
          type: 'REQUEST',
          methodArn: `arn:aws:execute-api:local:${ACCOUNT}:local/${stage}/$connect`,
          headers,
          queryStringParameters,
          requestContext: context(c, '$connect', 'CONNECT'),
        });
      } catch {
        return refuse(socket, 401, 'Unauthorized');
      }
      if (!answer.policyDocument.Statement.every((s) => s.Effect === 'Allow')) return refuse(socket, 403, 'Forbidden');
      c.authorizer = { principalId: answer.principalId, ...answer.context };
    }
    connections.set(c.id, c);
    let status = 200;
    try {
      const result = await options.routes.$connect?.({ requestContext: context(c, '$connect', 'CONNECT'), headers, queryStringParameters, isBase64Encoded: false });
      status = statusOf(result);
    } catch (error) {
      onError('$connect integration failed', error);
      status = 500;
    }
    if (status < 200 || status > 299) {
      connections.delete(c.id);
      return refuse(socket, status, status === 500 ? 'Internal Server Error' : 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      c.socket = ws;
      for (const message of c.pending.splice(0)) ws.send(message);
      ws.on('message', (data, isBinary) => {
        c.lastActiveAt = Date.now();
        const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
        void route(c, body, isBinary);
      });
      ws.on('close', (code, reason) => {
        connections.delete(c.id);
        void invoke('$disconnect', {
          requestContext: context(c, '$disconnect', 'DISCONNECT', { disconnectStatusCode: code, disconnectReason: reason.toString() }),
          isBase64Encoded: false,
        });
      });
    });
  }

  async function route(c: Connection, body: string, isBinary: boolean): Promise<void> {
    let routeKey = '$default';
    if (!isBinary) {
      try {
        const action = (JSON.parse(body) as { action?: unknown }).action;
        if (typeof action === 'string' && options.routes[action]) routeKey = action;
      } catch {
        // not JSON: $default
      }
    }
    await invoke(routeKey, { requestContext: context(c, routeKey, 'MESSAGE', { messageId: randomUUID() }), body, isBase64Encoded: isBinary });
  }

  /** Integrations still running (a close waits for them: a $disconnect must not outlive its dependencies). */
  const inFlight = new Set<Promise<void>>();

  function invoke(routeKey: string, event: Parameters<WebSocketRouteHandler>[0]): Promise<void> {
    const handler = options.routes[routeKey] ?? (routeKey === '$disconnect' ? undefined : options.routes.$default);
    if (!handler) return Promise.resolve();
    const run = (async () => {
      try {
        await handler(event);
      } catch (error) {
        onError(`${routeKey} integration failed`, error);
      }
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  /** The @connections management API. */
  async function manage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = /^(?:\/[^/]+)?\/@connections\/([^/]+)$/.exec(path);
    if (!match) return reply(res, 404, { message: 'Not Found' });
    const c = connections.get(decodeURIComponent(match[1]!));
    const body = await readAll(req);
    if (!c) return reply(res, 410, { message: 'Gone' }, { 'x-amzn-errortype': 'GoneException' });
    switch (req.method) {
      case 'POST': {
        const text = body.toString('utf8');
        if (!c.socket) {
          c.pending.push(text);
          return reply(res, 200);
        }
        if (c.socket.readyState !== c.socket.OPEN) return reply(res, 410, { message: 'Gone' }, { 'x-amzn-errortype': 'GoneException' });
        await new Promise<void>((resolve) => c.socket!.send(text, () => resolve()));
        return reply(res, 200);
      }
      case 'GET':
        return reply(res, 200, {
          ConnectedAt: new Date(c.connectedAt).toISOString(),
          LastActiveAt: new Date(c.lastActiveAt).toISOString(),
          Identity: { SourceIp: c.sourceIp, UserAgent: c.userAgent },
        });
      case 'DELETE':
        c.socket?.close(1000, 'closed by the API');
        return reply(res, 204);
      default:
        return reply(res, 405, { message: 'Method Not Allowed' });
    }
  }

  const server: Server = createServer((req, res) => {
    manage(req, res).catch((error: unknown) => {
      onError('@connections request failed', error);
      if (!res.headersSent) reply(res, 500, { message: 'Internal Server Error' });
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    upgrade(req, socket, head).catch((error: unknown) => {
      onError('upgrade failed', error);
      refuse(socket, 500, 'Internal Server Error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${address}:${port}`,
    callbackUrl: `http://${address}:${port}`,
    connections: () => [...connections.values()].filter((c) => c.socket).length,
    close: () => {
      closing ??= (async () => {
        for (const c of connections.values()) c.socket?.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        // terminate() emits 'close' (and so $disconnect) asynchronously: let those start, then finish.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all([...inFlight]);
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** API Gateway connection ids look like `L0SM9cOFvHcCIhw=`. */
function connectionId(): string {
  return randomBytes(10).toString('base64');
}

function statusOf(result: unknown): number {
  if (result && typeof result === 'object' && 'statusCode' in result && typeof result.statusCode === 'number') return result.statusCode;
  return 200;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  return out;
}

function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ message: text })}`);
}

function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
