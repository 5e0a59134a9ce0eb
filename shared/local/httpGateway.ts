/**
 * A local API Gateway HTTP API: a node:http server on a loopback port that turns each request into a
 * payload format 2.0 event (APIGatewayProxyEventV2), invokes the Lambda handler registered for the
 * matching route, and maps the result back to HTTP as API Gateway does. Every HTTP function the
 * project grows is served locally by adding its route to shared/http/routes.ts and its handler here.
 *
 * Route selection follows API Gateway: the most specific path wins (literal segments over
 * `{param}`, `{param}` over `{proxy+}`), a method over ANY, and `$default` catches the rest. No route
 * answers 404 `{"message":"Not Found"}`, a handler error 500 `{"message":"Internal Server Error"}`,
 * a handler slower than the integration timeout 503, a body over 10 MB 413.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { HttpRoute } from '../http/routes';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2 | unknown> | APIGatewayProxyResultV2;

export interface HttpGatewayOptions {
  routes: readonly Pick<HttpRoute, 'routeKey' | 'functionId'>[];
  /** Handler per functionId; every route's function must have one. */
  handlers: Readonly<Record<string, HttpHandler>>;
  /** Loopback by default; port 0 picks a free one. */
  host?: string;
  port?: number;
  /** API Gateway's integration timeout is 30 s. */
  timeoutMs?: number;
  maxBodyBytes?: number;
  onRequest?: (entry: { method: string; path: string; routeKey: string | null; status: number; ms: number }) => void;
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json';

interface CompiledRoute {
  routeKey: string;
  functionId: string;
  method: string | null;
  segments: string[];
  isDefault: boolean;
}

export interface RouteMatch {
  routeKey: string;
  functionId: string;
  pathParameters: Record<string, string> | undefined;
}

export function compileRoutes(routes: HttpGatewayOptions['routes']): (method: string, path: string) => RouteMatch | undefined {
  const compiled: CompiledRoute[] = routes.map((r) => {
    if (r.routeKey === '$default') return { ...r, method: null, segments: [], isDefault: true };
    const match = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/\S*)$/.exec(r.routeKey);
    if (!match) throw new Error(`route key ${JSON.stringify(r.routeKey)} is not "METHOD /path" or $default`);
    const segments = match[2]!.split('/').filter(Boolean);
    segments.forEach((s, i) => {
      if (s.endsWith('+}') && i !== segments.length - 1) throw new Error(`route key ${r.routeKey}: a greedy {param+} must be the last segment`);
    });
    return { routeKey: r.routeKey, functionId: r.functionId, method: match[1] === 'ANY' ? null : match[1]!, segments, isDefault: false };
  });

  return (method, path) => {
    const parts = path.split('/').filter(Boolean);
    let best: { route: CompiledRoute; params: Record<string, string>; rank: number[] } | undefined;
    for (const route of compiled) {
      if (route.isDefault || (route.method !== null && route.method !== method)) continue;
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      // Rank: literal segments first, then single-segment params, then a specific method.
      const literals = route.segments.filter((s) => !s.startsWith('{')).length;
      const singles = route.segments.filter((s) => s.startsWith('{') && !s.endsWith('+}')).length;
      const rank = [literals, singles, route.method === null ? 0 : 1];
      if (!best || compareRank(rank, best.rank) > 0) best = { route, params, rank };
    }
    if (best) {
      const hasParams = Object.keys(best.params).length > 0;
      return { routeKey: best.route.routeKey, functionId: best.route.functionId, pathParameters: hasParams ? best.params : undefined };
    }
    const fallback = compiled.find((r) => r.isDefault);
    return fallback ? { routeKey: '$default', functionId: fallback.functionId, pathParameters: undefined } : undefined;
  };
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function matchSegments(template: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.startsWith('{') && t.endsWith('+}')) {
      if (i >= parts.length) return undefined;
      params[t.slice(1, -2)] = parts.slice(i).map(safeDecode).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = safeDecode(part);
    else if (t !== part) return undefined;
  }
  return parts.length === template.length ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Content types API Gateway passes as text; anything else arrives base64-encoded. */
function isText(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === JSON_TYPE ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

export interface RequestParts {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

/** The payload format 2.0 event API Gateway sends for this request on this route. */
export function toApiGatewayEventV2(request: RequestParts, match: RouteMatch, nowMs: number, requestId: string): APIGatewayProxyEventV2 {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(',') : value;
    if (name === 'cookie') cookies = joined.split(/;\s*/).filter(Boolean);
    else headers[name.toLowerCase()] = joined;
  }

  let queryStringParameters: Record<string, string> | undefined;
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters ??= {};
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }

  const domainName = headers.host ?? 'localhost';
  const text = isText(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: clfTime(nowMs),
      timeEpoch: nowMs,
    },
    isBase64Encoded: request.body.length > 0 && !text,
  };
  if (cookies) event.cookies = cookies;
  if (queryStringParameters) event.queryStringParameters = queryStringParameters;
  if (match.pathParameters) event.pathParameters = match.pathParameters;
  if (request.body.length > 0) event.body = text ? request.body.toString('utf8') : request.body.toString('base64');
  return event;
}

/**
 * API Gateway's reading of a 2.0 result: an object with a statusCode is a structured response;
 * anything else (a string, an object without statusCode) is a 200 JSON body.
 */
export function fromApiGatewayResultV2(result: unknown): HttpResponse {
  if (result === undefined || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(body, 'utf8') };
  }
  const r = result as { statusCode: unknown; headers?: Record<string, unknown>; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) {
    throw new Error(`invalid statusCode ${JSON.stringify(r.statusCode)}`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(r.cookies) && r.cookies.length > 0) headers['set-cookie'] = r.cookies.map(String);
  const raw = r.body === undefined || r.body === null ? '' : String(r.body);
  const body = r.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { statusCode: r.statusCode, headers, body };
}

function message(statusCode: number, text: string): HttpResponse {
  return { statusCode, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify({ message: text })) };
}

export async function startHttpGateway(options: HttpGatewayOptions): Promise<RunningGateway> {
  for (const route of options.routes) {
    if (!options.handlers[route.functionId]) throw new Error(`route ${route.routeKey}: no handler for function ${route.functionId}`);
  }
  const match = compileRoutes(options.routes);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  async function answer(req: IncomingMessage): Promise<{ response: HttpResponse; routeKey: string | null }> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return { response: message(413, 'Request Entity Too Large'), routeKey: null };
    const path = url.split('?')[0]!;
    const route = match(method, path);
    if (!route) return { response: message(404, 'Not Found'), routeKey: null };

    const nowMs = Date.now();
    const requestId = randomUUID();
    const event = toApiGatewayEventV2(
      { method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', protocol: `HTTP/${req.httpVersion}` },
      route,
      nowMs,
      requestId,
    );
    const context = httpContext(route.functionId, requestId, nowMs + timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve(options.handlers[route.functionId]!(event, context)),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
        }),
      ]);
      if (result === TIMED_OUT) return { response: message(503, 'Service Unavailable'), routeKey: route.routeKey };
      return { response: fromApiGatewayResultV2(result), routeKey: route.routeKey };
    } catch {
      return { response: message(500, 'Internal Server Error'), routeKey: route.routeKey };
    } finally {
      clearTimeout(timer);
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    answer(req)
      .catch(() => ({ response: message(500, 'Internal Server Error'), routeKey: null }))
      .then(({ response, routeKey }) => {
        const headers = { ...response.headers, 'content-length': String(response.body.length), 'apigw-requestid': 'local' };
        res.writeHead(response.statusCode, headers);
        res.end(req.method === 'HEAD' ? undefined : response.body);
        options.onRequest?.({ method: req.method ?? '', path: req.url ?? '', routeKey, status: response.statusCode, ms: Math.round(performance.now() - started) });
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
    url: `http://${address}:${port}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

const TIMED_OUT = Symbol('timed out');

/** The body, or undefined when it exceeds the limit (the rest is drained and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** API Gateway's requestContext.time, e.g. 28/Nov/2026:09:57:03 +0000. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function httpContext(functionName: string, awsRequestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
