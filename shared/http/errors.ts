/**
 * The one place HTTP errors are defined and mapped to responses. Handlers throw; the middleware
 * answers. Callers see the message of errors below 500 only (as middy's http-error-handler does);
 * a 5xx says nothing about internals.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { DependencyError, ValidationError } from '../errors';

export interface FieldIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, issues?: FieldIssue[]) => new HttpError(400, 'invalid_request', message, issues);
export const unauthorized = (message = 'a valid bearer token is required') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const tooManyRequests = (code: string, message: string) => new HttpError(429, code, message);
export const unprocessable = (code: string, message: string) => new HttpError(422, code, message);

export function issuesOf(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) {
    return json(error.statusCode, { error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) });
  }
  if (error instanceof ValidationError) return json(400, { error: 'invalid_request', message: error.message });
  // A store that failed or timed out: the request may succeed if retried, and the caller is told which.
  if (error instanceof DependencyError) return json(503, { error: 'dependency_unavailable', message: `${error.dependency} is unavailable; try again` }, { 'retry-after': '1' });
  return json(500, { error: 'internal_error', message: 'Internal Server Error' });
}

/** Parses and validates a JSON body; a bad one is a 400 that names every bad field. */
export function parseBody<S extends z.ZodType>(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>, schema: S): z.infer<S> {
  if (event.body === undefined || event.body === '') throw badRequest('a JSON body is required');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error.issues);
    throw badRequest(`invalid fields: ${issues.map((i) => i.path).join(', ')}`, issues);
  }
  return parsed.data;
}

/** Parses and validates the query string; a bad one is a 400 that names every bad parameter. */
export function parseQuery<S extends z.ZodType>(event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>, schema: S): z.infer<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error.issues);
  throw badRequest(`invalid query parameters: ${issues.map((i) => i.path).join(', ')}`, issues);
}

/** A path parameter of the route; absent or empty is a 404 (the route did not match a real path). */
export function pathParam(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw notFound(`missing path parameter ${name}`);
  return value;
}

export interface ErrorLog {
  error(message: string, ...extra: unknown[]): void;
}

/** middy middleware: maps any thrown error to a response with errorResponse, logging 5xx. */
export function httpErrors(log?: ErrorLog): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const response = errorResponse(request.error);
      if (response.statusCode !== undefined && response.statusCode >= 500) log?.error('request failed', { error: request.error });
      request.response = response;
    },
  };
}
