/**
 * npm run bench [-- --events N] [--only replay,consumer,...] [--replay-rules-off F,..] [--consumer-rules-off F,..]
 * Measures throughput on generated traffic. Progress goes to stderr; the last line on stdout is one
 * JSON object with every figure, so CI and people can diff runs.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runReplay } from '../shared/app/replay';
import { defaultThresholds } from '../shared/config';
import type { Thresholds } from '../shared/domain/config/thresholds';
import { orderTraffic } from '../shared/sim/orderTraffic';
import { benchConsumer } from './bench/consumer';
import { benchReviewConsumer } from './bench/reviewConsumer';
import { benchRiskScore } from './bench/riskScore';
import { benchWarnings } from './bench/warnings';
import { probeRedis } from '../shared/adapters/redis/admin';

async function writeTraffic(path: string, events: number): Promise<number> {
  const out = createWriteStream(path);
  let n = 0;
  // Each order yields two events (placed, then paid or payment_failed).
  for (const event of orderTraffic({ seed: 42, orders: Math.ceil(events / 2), merchants: 5_000, buyers: 200_000, meanGapMs: 500 })) {
    if (!out.write(JSON.stringify(event) + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    n++;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return n;
}

/** The shipped thresholds with some rule families turned off: what the rest of the replay costs without them. */
function withRulesOff(off: readonly string[]): Thresholds {
  const families = Object.keys(defaultThresholds.rules);
  const unknown = off.filter((name) => !families.includes(name));
  if (unknown.length > 0) throw new Error(`--replay-rules-off: no rule family ${unknown.join(', ')} (there are ${families.join(', ')})`);
  const config = structuredClone(defaultThresholds);
  for (const name of off) config.rules[name as keyof Thresholds['rules']].enabled = false;
  return config;
}

async function benchReplay(events: number, config: Thresholds, rulesOff: readonly string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'riskline-bench-'));
  try {
    const input = join(dir, 'events.jsonl');
    const written = await writeTraffic(input, events);
    console.error(`bench: replaying ${written} generated order events`);
    const summary = await runReplay({
      input,
      outDir: join(dir, 'out'),
      config,
      onProgress: (p) => console.error(`bench: replay ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s`),
    });
    return {
      ...(rulesOff.length === 0 ? {} : { rulesOff }),
      events: summary.events,
      elapsedMs: summary.elapsedMs,
      eventsPerSecond: summary.eventsPerSecond,
      decisions: summary.decisions,
      violations: summary.violations,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '500000' },
      'consumer-events': { type: 'string', default: '100000' },
      'review-events': { type: 'string', default: '50000' },
      warnings: { type: 'string', default: '1200' },
      rps: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '20' },
      only: { type: 'string' },
      'replay-rules-off': { type: 'string' },
      'consumer-rules-off': { type: 'string' },
    },
  });
  const number = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const events = number('events', values.events);
  const only = values.only?.split(',');
  const wanted = (name: string) => only === undefined || only.includes(name);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = await probeRedis(redisUrl);
  if (!redis.ok) console.error(`bench: ${redis.reason}; the consumer runs on the in-memory store and the risk-score benchmark is skipped`);

  const result: Record<string, unknown> = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length } };
  const rulesOff = values['replay-rules-off']?.split(',').filter(Boolean) ?? [];
  const replayConfig = withRulesOff(rulesOff); // a misspelt family fails here, before any benchmark runs
  const consumerRulesOff = values['consumer-rules-off']?.split(',').filter(Boolean) ?? [];
  const consumerConfig = withRulesOff(consumerRulesOff);
  if (wanted('replay')) result.replay = await benchReplay(events, replayConfig, rulesOff);
  if (wanted('consumer')) {
    console.error('bench: order-stream consumer on Kinesis-shaped batches');
    result.consumer = await benchConsumer({
      events: number('consumer-events', values['consumer-events']),
      config: consumerConfig,
      rulesOff: consumerRulesOff,
      ...(redis.ok ? { redisUrl } : {}),
    });
  }
  if (wanted('reviewConsumer')) {
    console.error('bench: review-stream consumer on Kinesis-shaped batches');
    result.reviewConsumer = await benchReviewConsumer({ events: number('review-events', values['review-events']), ...(redis.ok ? { redisUrl } : {}) });
  }
  if (wanted('riskScore') && redis.ok) {
    console.error(`bench: risk score over loopback HTTP at ${values.rps} requests/s for ${values.seconds} s, then the constant-handler floor`);
    result.riskScore = await benchRiskScore({ redisUrl, rate: number('rps', values.rps), seconds: number('seconds', values.seconds) });
  }
  if (wanted('warnings')) {
    console.error(`bench: buyer warnings, from the triggering order event to the WebSocket message (${values.warnings} warnings)`);
    const w = await benchWarnings({ warnings: number('warnings', values.warnings) });
    result.warnings = { p50Ms: w.p50Ms, p99Ms: w.p99Ms, maxMs: w.maxMs, warnings: w.warnings, connections: w.connections, measured: w.measured };
  }
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
