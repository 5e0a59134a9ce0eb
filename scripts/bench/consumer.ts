/**
 * The order-stream handler on Kinesis-shaped batches with the real Redis feature store, against the
 * same records only decoded and schema-validated (the floor any consumer pays).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { dropPrefix } from '../../shared/adapters/redis/admin';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import { decodeEvent } from '../../shared/contracts/decode';
import type { FeatureStore } from '../../shared/ports';
import { orderTraffic } from '../../shared/sim/orderTraffic';

export const BATCH_SIZE = 500;

/** Order traffic with payment, device and shipping fields, as Kinesis batches. */
export function kinesisBatches(events: number, seed = 11): KinesisStreamEvent[] {
  const batches: KinesisStreamEvent[] = [];
  let records: KinesisStreamEvent['Records'] = [];
  let n = 0;
  for (const event of orderTraffic({ seed, orders: Math.ceil(events / 2), merchants: 2_000, buyers: 50_000, meanGapMs: 200 })) {
    const enriched = {
      ...event,
      buyer: { ...event.buyer, accountCreatedAt: '2025-01-01T00:00:00Z' },
      device: { id: `dev-${event.buyer.id}`, ip: `10.${n % 250}.${(n >> 8) % 250}.${n % 7}`, ipCountry: 'CN' },
      shipping: { addressId: `addr-${event.buyer.id}`, country: 'CN', fee: 800 },
    };
    records.push({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: event.merchantId,
        sequenceNumber: String(++n),
        data: Buffer.from(JSON.stringify(enriched)).toString('base64'),
        approximateArrivalTimestamp: 0,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${n}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'bench',
      awsRegion: 'local',
      eventSourceARN: 'bench',
    });
    if (records.length === BATCH_SIZE) {
      batches.push({ Records: records });
      records = [];
    }
  }
  if (records.length > 0) batches.push({ Records: records });
  return batches;
}

export async function benchConsumer(options: { events: number; redisUrl?: string }): Promise<Record<string, unknown>> {
  const batches = kinesisBatches(options.events);
  const total = batches.reduce((sum, b) => sum + b.Records.length, 0);

  const decodeStarted = performance.now();
  for (const batch of batches) for (const r of batch.Records) decodeEvent(Buffer.from(r.kinesis.data, 'base64'), 'order');
  const decodeOnlyEventsPerSecond = Math.round(total / ((performance.now() - decodeStarted) / 1000));

  let redis: Redis | undefined;
  let features: FeatureStore;
  const prefix = `rlbench-${randomUUID()}`;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    features = createRedisFeatureStore(redis, { prefix });
  } else {
    features = createMemoryFeatureStore();
  }
  try {
    const pipeline = createOrderPipeline({
      features,
      decisions: new MemoryDecisionLog(),
      violations: new MemoryViolationLedger(),
      config: new StaticConfigSource(defaultThresholds),
    });
    const handler = makeOrderStreamHandler({ pipeline, quarantine: new MemoryQuarantine() });
    const started = performance.now();
    let failed = 0;
    for (const batch of batches) failed += (await handler(batch, {} as never)).batchItemFailures.length;
    const seconds = (performance.now() - started) / 1000;
    return {
      events: total,
      batchSize: BATCH_SIZE,
      featureStore: features.name,
      eventsPerSecond: Math.round(total / seconds),
      decodeOnlyEventsPerSecond,
      failedRecords: failed,
    };
  } finally {
    if (redis) {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  }
}
