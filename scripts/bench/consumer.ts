/**
 * The order-stream handler on Kinesis-shaped batches with the real Redis feature store, against the
 * same records only decoded and schema-validated (the floor any consumer pays).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import { orderTraffic } from '../../shared/sim/orderTraffic';
import { decodeOnlyRate, timeHandler, withBenchFeatureStore } from './harness';

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

/** `config` defaults to the shipped thresholds; `rulesOff` only labels the result when families were turned off. */
export async function benchConsumer(options: {
  events: number;
  redisUrl?: string;
  config?: Thresholds;
  rulesOff?: readonly string[];
}): Promise<Record<string, unknown>> {
  const batches = kinesisBatches(options.events);
  const decodeOnlyEventsPerSecond = decodeOnlyRate(batches, 'order');
  return withBenchFeatureStore(options.redisUrl, async (features, redisCpu) => {
    const pipeline = createOrderPipeline({
      features,
      decisions: new MemoryDecisionLog(),
      violations: new MemoryViolationLedger(),
      config: new StaticConfigSource(options.config ?? defaultThresholds),
    });
    const handler = makeOrderStreamHandler({ pipeline, quarantine: new MemoryQuarantine() });
    const timed = await timeHandler(batches, handler, redisCpu);
    return {
      ...(options.rulesOff?.length ? { rulesOff: options.rulesOff } : {}),
      events: batches.reduce((sum, b) => sum + b.Records.length, 0),
      batchSize: BATCH_SIZE,
      featureStore: features.name,
      eventsPerSecond: timed.eventsPerSecond,
      decodeOnlyEventsPerSecond,
      failedRecords: timed.failedRecords,
      cpuUsPerEvent: timed.cpuUsPerEvent,
      ...(timed.redisCallsPerEvent ? { redisCallsPerEvent: timed.redisCallsPerEvent } : {}),
    };
  });
}
