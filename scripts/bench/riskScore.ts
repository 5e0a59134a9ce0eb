/**
 * POST /v1/risk-score over loopback HTTP through the local API gateway, with the real Redis feature
 * store, at a constant arrival rate from an open-loop load generator in a separate process
 * (`loadgen.mjs`); then the same server and load with a handler that returns a constant, the floor of
 * the HTTP path itself.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { makeRiskScoreHandler } from '../../functions/risk-score/handler';
import { MemoryIdempotencyStore } from '../../shared/adapters/memory/idempotency';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { dropPrefix } from '../../shared/adapters/redis/admin';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { makeRiskScorer } from '../../shared/app/riskScore';
import { defaultThresholds } from '../../shared/config';
import { startHttpGateway, type HttpHandler } from '../../shared/local/httpGateway';
import { runLoad, type LoadResult } from './load';

const WARMUP_SECONDS = 3;

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

/** Starts the server under test in its own process (as Lambda runs a function: its own heap, default flags). */
async function startServer(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [resolve('scripts/bundled.mjs'), resolve('scripts/bench/riskScoreServer.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) done((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((code) => fail(new Error(`risk-score bench server exited (${code}) before listening`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measure(args: string[], rate: number, seconds: number): Promise<LoadResult> {
  const server = await startServer(args);
  try {
    // Warm-up (JIT, connections) in the measuring process itself, at the measured rate; see loadgen.mjs.
    return await runLoad({ url: `${server.url}/v1/risk-score`, body: CANDIDATE, rate, seconds, warmupSeconds: WARMUP_SECONDS });
  } finally {
    await server.stop();
  }
}

/** The server process: the risk-score handler on the real Redis store, or (`constant`) a handler returning a constant. */
export async function serveRiskScore(mode: 'scored' | 'constant', redisUrl: string, prefix: string): Promise<void> {
  // Only the scored server talks to Redis; the floor's handler needs nothing.
  const redis = mode === 'scored' ? new Redis(redisUrl, { maxRetriesPerRequest: 0, commandTimeout: 500 }) : undefined;
  // The decision log in AWS is a DynamoDB write off this process's heap; here it is counted and let go.
  let decisions = 0;
  const handler: HttpHandler =
    mode === 'scored'
      ? makeRiskScoreHandler({
          score: makeRiskScorer({
            features: createRedisFeatureStore(redis!, { prefix }),
            config: new StaticConfigSource(defaultThresholds),
            decisions: { append: async (d) => void (decisions += d.length) },
          }),
          idempotency: new MemoryIdempotencyStore(),
          idempotencyTtlSeconds: 60,
        })
      : async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"score":0,"decision":"allow"}' });
  const gateway = await startHttpGateway({ routes: [{ routeKey: 'POST /v1/risk-score', functionId: 'risk-score' }], handlers: { 'risk-score': handler } });
  console.log(JSON.stringify({ url: gateway.url }));
  await new Promise<void>((done) => process.once('SIGTERM', () => done()));
  await gateway.close();
  if (mode === 'scored') console.error(`bench: risk-score server recorded ${decisions} decisions`);
  redis?.disconnect();
}

export async function benchRiskScore(options: { redisUrl: string; rate: number; seconds: number }): Promise<Record<string, unknown>> {
  const prefix = `rlbench-${randomUUID()}`;
  try {
    const scored = await measure(['scored', options.redisUrl, prefix], options.rate, options.seconds);
    const floor = await measure(['constant', options.redisUrl, prefix], options.rate, options.seconds);
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
      p99OverFloor: Number((scored.p99Ms / Math.max(floor.p99Ms, 0.01)).toFixed(2)),
    };
  } finally {
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 0 });
    await dropPrefix(redis, prefix);
    redis.disconnect();
  }
}
