/**
 * Buyer warnings, locally: the time from a triggering order event to the WebSocket message on the
 * buyer's open connection. The path is the one the local runtime runs: the order-stream handler
 * (Kinesis-shaped batches, one at a time as one shard's consumer does), the order pipeline with the
 * price-gouging detector, the warning service on the warnings table (dynalite: a read, a rate-limit
 * update and a conditional put per warning), the push through the SDK's PostToConnection to the local
 * WebSocket gateway, and a `ws` client per buyer in this process.
 *
 * The clock starts when the handler is invoked with the batch holding the event; Lambda's batching
 * window (up to 1 s in AWS) and Kinesis propagation come before that and are not included.
 */
import { performance } from 'node:perf_hooks';
import type { KinesisStreamEvent } from 'aws-lambda';
import { WebSocket } from 'ws';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { localDynamoClient } from '../../shared/local/clients';
import { startDynalite } from '../../shared/local/emulators';
import { createTables } from '../../shared/local/provision';
import { startLocalWarnings } from '../../shared/local/warnings';

export interface WarningsBenchOptions {
  /** Warnings to measure (each from its own gouged order). */
  warnings: number;
  /** Buyers with an open connection; the warnings are spread over them. */
  buyers?: number;
  /** Order events per handler invocation, of which `gougedPerBatch` trigger a warning. */
  batchSize?: number;
  gougedPerBatch?: number;
}

export interface WarningsBenchResult {
  warnings: number;
  connections: number;
  batchSize: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Where the clock starts and stops. */
  measured: string;
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const SKUS = 20;

function order(n: number, overrides: Partial<OrderEvent> & { sku: number; unitPrice: number; at: number }): OrderEvent {
  const { sku, unitPrice, at, ...rest } = overrides;
  return {
    schemaVersion: 1,
    kind: 'order',
    eventId: `bench-w-${n}`,
    type: 'order.paid',
    occurredAt: new Date(at).toISOString(),
    orderId: `bench-o-${n}`,
    merchantId: `m-${sku % 7}`,
    buyer: { id: `b-history-${n % 5_000}` },
    amount: unitPrice,
    currency: 'CNY',
    items: [{ skuId: `sku-bench-${sku}`, category: 'health.masks', quantity: 1, unitPrice }],
    shipping: { country: 'CN', fee: 0 },
    ...rest,
  };
}

function kinesisBatch(events: readonly OrderEvent[], first: number): KinesisStreamEvent {
  return {
    Records: events.map((e, i) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: e.merchantId,
        sequenceNumber: String(first + i),
        data: Buffer.from(JSON.stringify(e), 'utf8').toString('base64'),
        approximateArrivalTimestamp: Date.now() / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${first + i}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'bench',
      awsRegion: 'local',
      eventSourceARN: 'arn:aws:kinesis:local:000000000000:stream/riskline-orders',
    })),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

export async function benchWarnings(options: WarningsBenchOptions): Promise<WarningsBenchResult> {
  const buyers = options.buyers ?? 250;
  const batchSize = options.batchSize ?? 20;
  const gougedPerBatch = options.gougedPerBatch ?? 5;
  const config = new StaticConfigSource(defaultThresholds);
  const limit = defaultThresholds.warnings.rateLimit;
  // The default rate limit must not hold any measured warning back: a buyer's warnings are spread
  // `buyers * gapMs` apart in event time, so that no fixed window holds more than the limit.
  const gapMs = Math.ceil((limit.windowMinutes * 60_000) / (buyers * Math.max(1, limit.maxPerWindow - 1))) + 1;

  const dynamo = await startDynalite();
  const client = localDynamoClient(dynamo.endpoint);
  const documents = createDocumentClient({ endpoint: dynamo.endpoint });
  const sockets: WebSocket[] = [];
  const local = await startLocalWarnings({ documents, tables: await createTables(client, 'bench'), config });
  try {
    const pipeline = createOrderPipeline({
      features: createMemoryFeatureStore(),
      violations: new MemoryViolationLedger(),
      decisions: new MemoryDecisionLog(),
      config,
      warnings: local.service,
      buyerWarnings: local.sources,
    });
    const handler = makeOrderStreamHandler({ quarantine: new MemoryQuarantine(), pipeline });
    let sequence = 1;
    const invoke = async (events: readonly OrderEvent[]) => {
      await handler(kinesisBatch(events, sequence), {} as never);
      sequence += events.length;
    };

    // Nineteen days of ordinary sales give each SKU its usual price (about 10 CNY).
    let n = 0;
    const history: OrderEvent[] = [];
    for (let d = 0; d < 19; d++) for (let sku = 0; sku < SKUS; sku++) for (let k = 0; k < 8; k++) history.push(order(n++, { sku, unitPrice: 990 + (k % 3) * 10, at: T0 + d * DAY + k * 600_000 + sku }));
    for (let i = 0; i < history.length; i += 500) await invoke(history.slice(i, i + 500));

    // Every buyer's app is open.
    const arrivals = new Map<string, number>();
    await Promise.all(
      Array.from({ length: buyers }, async (_, b) => {
        const ws = new WebSocket(`${local.endpoints.webSocket}?token=${encodeURIComponent(local.devToken(`b-bench-${b}`))}`);
        sockets.push(ws);
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { type: string; warning?: { orderId?: string } };
          if (message.type === 'warning.issued' && message.warning?.orderId) arrivals.set(message.warning.orderId, performance.now());
        });
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
      }),
    );

    // The measured traffic: batches of ordinary orders with a few gouged ones (3.4 times the usual price).
    const started = new Map<string, number>();
    const dayMs = T0 + 20 * DAY;
    let gouged = 0;
    while (gouged < options.warnings) {
      const batch: OrderEvent[] = [];
      const triggering: string[] = [];
      for (let k = 0; k < batchSize; k++) {
        const at = dayMs + (gouged + k) * gapMs;
        if (k < gougedPerBatch && gouged < options.warnings) {
          const e = order(n++, { sku: gouged % SKUS, unitPrice: 3_400, at, type: 'order.placed', buyer: { id: `b-bench-${gouged % buyers}` } });
          batch.push(e);
          triggering.push(e.orderId);
          gouged++;
        } else {
          batch.push(order(n++, { sku: k % SKUS, unitPrice: 1_000, at, type: 'order.placed' }));
        }
      }
      const t0 = performance.now();
      for (const orderId of triggering) started.set(orderId, t0);
      await invoke(batch);
    }

    const deadline = performance.now() + 30_000;
    while (arrivals.size < started.size && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (arrivals.size < started.size) throw new Error(`only ${arrivals.size} of ${started.size} warnings reached their buyer's connection`);
    const latencies = [...started].map(([orderId, t0]) => arrivals.get(orderId)! - t0).sort((a, b) => a - b);
    const round = (x: number) => Number(x.toFixed(2));
    return {
      warnings: latencies.length,
      connections: buyers,
      batchSize,
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      maxMs: round(latencies[latencies.length - 1]!),
      measured: 'order-stream handler invoked with the batch -> the warning message received on the buyer\'s WebSocket (dynalite, local WebSocket gateway)',
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    await local.stop();
    documents.destroy();
    client.destroy();
    await dynamo.close();
  }
}
