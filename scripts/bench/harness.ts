/** What the stream-consumer benchmarks share: the feature store under test and the timed loops. */
import { randomUUID } from 'node:crypto';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { Redis } from 'ioredis';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { dropPrefix } from '../../shared/adapters/redis/admin';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { decodeEvent } from '../../shared/contracts/decode';
import type { FeatureStore } from '../../shared/ports';

/** The real Redis store under a throw-away prefix when `redisUrl` is given, else the memory store. */
export async function withBenchFeatureStore<T>(redisUrl: string | undefined, run: (features: FeatureStore) => Promise<T>): Promise<T> {
  if (!redisUrl) return run(createMemoryFeatureStore());
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `rlbench-${randomUUID()}`;
  try {
    return await run(createRedisFeatureStore(redis, { prefix }));
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
): Promise<{ eventsPerSecond: number; failedRecords: number }> {
  const total = batches.reduce((sum, b) => sum + b.Records.length, 0);
  const started = performance.now();
  let failedRecords = 0;
  for (const batch of batches) failedRecords += (await handler(batch, {} as never)).batchItemFailures.length;
  return { eventsPerSecond: Math.round(total / ((performance.now() - started) / 1000)), failedRecords };
}
