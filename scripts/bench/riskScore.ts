/**
 * POST /v1/risk-score over loopback HTTP through the local API gateway, with the real Redis feature
 * store, at a steady request rate from autocannon in a separate process; then the same server and
 * load with a handler that returns a constant, the floor of the HTTP path itself.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { makeRiskScoreHandler } from '../../functions/risk-score/handler';
import { MemoryIdempotencyStore } from '../../shared/adapters/memory/idempotency';
import { MemoryDecisionLog, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { dropPrefix } from '../../shared/adapters/redis/admin';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { makeRiskScorer } from '../../shared/app/riskScore';
import { defaultThresholds } from '../../shared/config';
import { startHttpGateway, type HttpHandler } from '../../shared/local/httpGateway';

const run = promisify(execFile);
const AUTOCANNON = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');

interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon in its own process at a fixed overall rate. */
async function load(url: string, body: string, rate: number, seconds: number): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    [AUTOCANNON, '--json', '-R', String(rate), '-c', '32', '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, `${url}/v1/risk-score`],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number };
  return { rps: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

const CANDIDATE = JSON.stringify({
  orderId: 'o-bench',
  merchantId: 'm-7',
  buyer: { id: 'b-42', accountCreatedAt: '2025-06-01T00:00:00Z' },
  amount: 12_950,
  currency: 'CNY',
  items: [{ skuId: 'sku-m-7-health.masks', category: 'health.masks', quantity: 2, unitPrice: 5_975 }],
  payment: { method: 'card', instrumentId: 'pi-b-42', billingCountry: 'CN', issuerCountry: 'CN' },
  device: { id: 'dev-b-42', ip: '203.0.113.7', ipCountry: 'CN' },
  shipping: { addressId: 'addr-b-42', country: 'CN', fee: 1_000 },
});

async function measure(handler: HttpHandler, rate: number, seconds: number): Promise<LoadResult> {
  const gateway = await startHttpGateway({ routes: [{ routeKey: 'POST /v1/risk-score', functionId: 'risk-score' }], handlers: { 'risk-score': handler } });
  try {
    await load(gateway.url, CANDIDATE, Math.min(rate, 200), 2); // warm up the JIT and the connections
    return await load(gateway.url, CANDIDATE, rate, seconds);
  } finally {
    await gateway.close();
  }
}

export async function benchRiskScore(options: { redisUrl: string; rate: number; seconds: number }): Promise<Record<string, unknown>> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 0, commandTimeout: 500 });
  const prefix = `rlbench-${randomUUID()}`;
  try {
    const handler = makeRiskScoreHandler({
      score: makeRiskScorer({ features: createRedisFeatureStore(redis, { prefix }), config: new StaticConfigSource(defaultThresholds), decisions: new MemoryDecisionLog() }),
      idempotency: new MemoryIdempotencyStore(),
      idempotencyTtlSeconds: 60,
    });
    const scored = await measure(handler, options.rate, options.seconds);
    const constant: HttpHandler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"score":0,"decision":"allow"}' });
    const floor = await measure(constant, options.rate, options.seconds);
    return {
      targetRps: options.rate,
      seconds: options.seconds,
      featureStore: 'redis',
      rps: scored.rps,
      p50Ms: scored.p50Ms,
      p99Ms: scored.p99Ms,
      errors: scored.errors + scored.non2xx,
      floorP50Ms: floor.p50Ms,
      floorP99Ms: floor.p99Ms,
      p99OverFloor: Number((scored.p99Ms / Math.max(floor.p99Ms, 1)).toFixed(2)),
    };
  } finally {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  }
}
