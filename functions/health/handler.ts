/**
 * GET /v1/health: says the API answers, and runs the dependency checks the composition root gives
 * it (each bounded by a timeout), answering 503 when one fails so a load balancer or a person sees it.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HealthCheck = () => Promise<void>;

export interface HealthHandlerDeps {
  service: string;
  version: string;
  checks?: Record<string, HealthCheck>;
  /** Time allowed to each check (default 1 s). */
  checkTimeoutMs?: number;
  now?: () => number;
}

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface HealthBody {
  status: 'ok' | 'degraded';
  service: string;
  version: string;
  time: string;
  checks: Record<string, CheckResult>;
}

export function makeHealthHandler(deps: HealthHandlerDeps) {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.checkTimeoutMs ?? 1_000;

  async function run(check: HealthCheck): Promise<CheckResult> {
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: true, ms: now() - started };
    } catch (error) {
      return { ok: false, ms: now() - started, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async () => {
    const entries = Object.entries(deps.checks ?? {});
    const results = await Promise.all(entries.map(async ([name, check]) => [name, await run(check)] as const));
    const checks = Object.fromEntries(results);
    const ok = results.every(([, r]) => r.ok);
    const body: HealthBody = { status: ok ? 'ok' : 'degraded', service: deps.service, version: deps.version, time: new Date(now()).toISOString(), checks };
    return {
      statusCode: ok ? 200 : 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(body),
    };
  });
}
