/** What the stream-consumer benchmarks share: the feature store under test and the timed loops. */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { dropPrefix } from '../../shared/adapters/redis/admin';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { decodeEvent } from '../../shared/contracts/decode';
import type { FeatureStore } from '../../shared/ports';

/** What the Redis server has done so far: CPU seconds (user + system, INFO cpu) and calls per command (INFO commandstats). */
export type RedisCpu = () => Promise<{ cpuSeconds: number; calls: Map<string, number> }>;

// Calls that are not the feature store's work: the scripts that wrap commands (counted themselves) and the benchmark's own probes.
const NOT_WORK = new Set(['evalsha', 'eval', 'info', 'config|resetstat', 'script|load', 'ping', 'scan', 'unlink']);

/**
 * The real Redis store under a throw-away prefix when `redisUrl` is given, else the memory store;
 * with Redis, `redisCpu` reads the server's CPU time, so a benchmark can say where the time goes.
 */
export async function withBenchFeatureStore<T>(redisUrl: string | undefined, run: (features: FeatureStore, redisCpu?: RedisCpu) => Promise<T>): Promise<T> {
  if (!redisUrl) return run(createMemoryFeatureStore());
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `rlbench-${randomUUID()}`;
  const redisCpu: RedisCpu = async () => {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const calls = new Map<string, number>();
    for (const [, command, n] of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(command!, Number(n));
    return { cpuSeconds: field('used_cpu_user') + field('used_cpu_sys'), calls };
  };
  try {
    return await run(createRedisFeatureStore(redis, { prefix }), redisCpu);
  } finally {
    await dropPrefix(redis, prefix);
    redis.disconnect();
  }
}

/** Records per second when they are only decoded and schema-validated: the floor of any consumer. */
export function decodeOnlyRate(batches: readonly KinesisStreamEvent[], kind: 'order' | 'review'): number {
  const total = batches.reduce((sum, b) => sum + b.Records.length, 0);
  const started = performance.now();
  for (const batch of batches) for (const r of batch.Records) decodeEvent(Buffer.from(r.kinesis.data, 'base64'), kind);
  return Math.round(total / ((performance.now() - started) / 1000));
}

/** Runs a handler over every batch, in order; returns its rate and the records it reported failed. */
export async function timeHandler(
  batches: readonly KinesisStreamEvent[],
  handler: (event: KinesisStreamEvent, context: never) => Promise<KinesisStreamBatchResponse>,
  redisCpu?: RedisCpu,
): Promise<{
  eventsPerSecond: number;
  failedRecords: number;
  cpuUsPerEvent: { node: number; redis?: number };
  /** Redis commands per event (those the scripts ran included), the busiest first. */
  redisCallsPerEvent?: Record<string, number>;
}> {
  const total = batches.reduce((sum, b) => sum + b.Records.length, 0);
  const redisBefore = await redisCpu?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let failedRecords = 0;
  for (const batch of batches) failedRecords += (await handler(batch, {} as never)).batchItemFailures.length;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisAfter = await redisCpu?.();
  const perEvent = (us: number) => Math.round((10 * us) / total) / 10;
  const calls: Record<string, number> = {};
  if (redisBefore && redisAfter) {
    const done = [...redisAfter.calls]
      .filter(([command]) => !NOT_WORK.has(command))
      .map(([command, n]): [string, number] => [command, n - (redisBefore.calls.get(command) ?? 0)])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    calls.total = perEvent(done.reduce((sum, [, n]) => sum + n, 0));
    for (const [command, n] of done) calls[command] = perEvent(n);
  }
  return {
    eventsPerSecond: Math.round(total / seconds),
    failedRecords,
    // This process's CPU (all its threads, GC included) and the Redis server's, per event.
    cpuUsPerEvent: {
      node: perEvent(cpu.user + cpu.system),
      ...(redisBefore === undefined || redisAfter === undefined ? {} : { redis: perEvent((redisAfter.cpuSeconds - redisBefore.cpuSeconds) * 1e6) }),
    },
    ...(redisBefore === undefined ? {} : { redisCallsPerEvent: calls }),
  };
}
