/**
 * The event source mapping emulator against kinesalite through the real Kinesis client: one test per
 * Lambda semantic (partial batch response, bisect on error, retries then the on-failure destination,
 * record age, shard order).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localKinesisClient } from '../../shared/local/clients';
import { startKinesalite, type RunningEmulator } from '../../shared/local/emulators';
import {
  JsonlDeadLetterFile,
  readPartialResponse,
  startEventSourceMapping,
  type EventSourceMappingOptions,
  type KinesisEventSourceMapping,
  type OnFailureRecord,
} from '../../shared/local/esm';
import { EVENT_SOURCE_DEFAULTS } from '../../shared/resources';

interface Payload {
  key: string;
  n: number;
}

interface Delivery {
  shardId: string;
  sequenceNumbers: string[];
  payloads: Payload[];
}

let emulator: RunningEmulator;
let kinesis: KinesisClient;
let dir: string;
let streamCount = 0;
const mappings: KinesisEventSourceMapping[] = [];

beforeAll(async () => {
  emulator = await startKinesalite();
  kinesis = localKinesisClient(emulator.endpoint);
  dir = await mkdtemp(join(tmpdir(), 'riskline-esm-'));
});

afterEach(async () => {
  await Promise.all(mappings.splice(0).map((m) => m.stop()));
});

afterAll(async () => {
  kinesis?.destroy();
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function createStream(shards: number): Promise<string> {
  const name = `esm-test-${++streamCount}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return name;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Puts payloads in order, one PutRecords call each so that the stream's order is the given order. */
async function put(streamName: string, payloads: readonly Payload[]): Promise<string[]> {
  const sequenceNumbers: string[] = [];
  for (const p of payloads) {
    const out = await kinesis.send(
      new PutRecordsCommand({ StreamName: streamName, Records: [{ PartitionKey: p.key, Data: Buffer.from(JSON.stringify(p)) }] }),
    );
    sequenceNumbers.push(out.Records![0]!.SequenceNumber!);
  }
  return sequenceNumbers;
}

function payloads(count: number, key = 'k'): Payload[] {
  return Array.from({ length: count }, (_, n) => ({ key, n }));
}

function read(event: KinesisStreamEvent): Delivery {
  const records = event.Records;
  return {
    shardId: records[0]!.eventID.split(':')[0]!,
    sequenceNumbers: records.map((r) => r.kinesis.sequenceNumber),
    payloads: records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as Payload),
  };
}

async function readDeadLetters(path: string): Promise<OnFailureRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OnFailureRecord);
}

async function map(
  streamName: string,
  handler: EventSourceMappingOptions['handler'],
  settings: EventSourceMappingOptions['settings'],
  extra: Partial<EventSourceMappingOptions> = {},
): Promise<{ mapping: KinesisEventSourceMapping; deadLetters: JsonlDeadLetterFile }> {
  const deadLetters = new JsonlDeadLetterFile(join(dir, `${streamName}.dead-letter.jsonl`));
  const mapping = await startEventSourceMapping({
    client: kinesis,
    streamName,
    functionName: 'test-consumer',
    handler,
    onFailure: deadLetters,
    settings: { maxBatchingWindowMs: 0, ...settings },
    idlePollMs: 10,
    retryBaseMs: 0,
    ...extra,
  });
  mappings.push(mapping);
  return { mapping, deadLetters };
}

describe('event source mapping emulator', () => {
  it('reads its defaults from the one definition the CDK mapping uses', async () => {
    const stream = await createStream(1);

    const { mapping } = await map(stream, async () => {}, {});

    expect(mapping.settings).toMatchObject({ ...EVENT_SOURCE_DEFAULTS, maxBatchingWindowMs: 0 });
  });

  it('retries from the lowest failed sequence number of a partial batch response', async () => {
    const stream = await createStream(1);
    const seq = await put(stream, payloads(6));
    const deliveries: Delivery[] = [];
    let failedOnce = false;
    const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
      deliveries.push(read(event));
      if (failedOnce) return { batchItemFailures: [] };
      failedOnce = true;
      // Records 4 and 2 fail: Lambda resumes at the lowest, 2, and sends 2..5 again.
      return { batchItemFailures: [{ itemIdentifier: seq[4]! }, { itemIdentifier: seq[2]! }] };
    };

    const { mapping, deadLetters } = await map(stream, handler, { batchSize: 10 });
    await mapping.drain();

    expect(deliveries.map((d) => d.sequenceNumbers)).toEqual([seq, seq.slice(2)]);
    expect(mapping.checkpoints().get(deliveries[0]!.shardId)).toBe(seq[5]);
    expect(mapping.stats).toMatchObject({ invocations: 2, retries: 1, records: 6, deadLetteredBatches: 0 });
    expect(deadLetters.count).toBe(0);
  });

  it('bisects a batch that throws until the failing record is alone, and processes the others', async () => {
    const stream = await createStream(1);
    const seq = await put(stream, payloads(8));
    const deliveries: { sequenceNumbers: string[]; ok: boolean }[] = [];
    const handler = async (event: KinesisStreamEvent): Promise<void> => {
      const delivery = read(event);
      const ok = !delivery.payloads.some((p) => p.n === 5);
      deliveries.push({ sequenceNumbers: delivery.sequenceNumbers, ok });
      if (!ok) throw new Error('cannot process record 5');
    };

    const { mapping, deadLetters } = await map(stream, handler, { batchSize: 8, retryAttempts: 2, bisectBatchOnError: true });
    await mapping.drain();

    expect(deliveries).toEqual([
      { sequenceNumbers: seq, ok: false },
      { sequenceNumbers: seq.slice(0, 4), ok: true },
      { sequenceNumbers: seq.slice(4, 8), ok: false },
      { sequenceNumbers: seq.slice(4, 6), ok: false },
      { sequenceNumbers: [seq[4]], ok: true },
      // The record alone: its first invocation and two retries, then the on-failure destination.
      { sequenceNumbers: [seq[5]], ok: false },
      { sequenceNumbers: [seq[5]], ok: false },
      { sequenceNumbers: [seq[5]], ok: false },
      { sequenceNumbers: seq.slice(6, 8), ok: true },
    ]);
    const [dead] = await readDeadLetters(deadLetters.path);
    expect(dead?.KinesisBatchInfo).toMatchObject({ startSequenceNumber: seq[5], endSequenceNumber: seq[5], batchSize: 1 });
    expect(mapping.stats).toMatchObject({ bisections: 3, retries: 2, deadLetteredRecords: 1, records: 8 });
  });

  it('after the last retry sends the batch to the on-failure destination with its metadata, then goes on', async () => {
    const stream = await createStream(1);
    const seq = await put(stream, payloads(3));
    const attempts: string[][] = [];
    const handler = async (event: KinesisStreamEvent): Promise<void> => {
      const delivery = read(event);
      attempts.push(delivery.sequenceNumbers);
      if (delivery.payloads.some((p) => p.n < 3)) throw new TypeError('downstream is down');
    };
    const { mapping, deadLetters } = await map(stream, handler, { batchSize: 10, retryAttempts: 3, bisectBatchOnError: false });
    await mapping.drain();

    const later = await put(stream, [{ key: 'k', n: 3 }]);
    await mapping.drain();

    const deadLettered = await readDeadLetters(deadLetters.path);
    expect(attempts).toEqual([seq, seq, seq, seq, later]);
    expect(deadLettered).toHaveLength(1);
    const [dead] = deadLettered;
    expect(dead).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4, functionArn: mapping.functionArn },
      responseContext: { functionError: 'Unhandled' },
      version: '1.0',
      streamName: stream,
      error: 'TypeError: downstream is down',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: seq[0],
        endSequenceNumber: seq[2],
        batchSize: 3,
        streamArn: expect.stringContaining(`stream/${stream}`),
      },
    });
    expect(Date.parse(dead!.KinesisBatchInfo.approximateArrivalOfFirstRecord)).not.toBeNaN();
    expect(Date.parse(dead!.KinesisBatchInfo.approximateArrivalOfLastRecord)).toBeGreaterThanOrEqual(
      Date.parse(dead!.KinesisBatchInfo.approximateArrivalOfFirstRecord),
    );
    expect(mapping.checkpoints().get('shardId-000000000000')).toBe(later[0]);
  });

  it('discards records older than the maximum record age without invoking the function', async () => {
    const stream = await createStream(1);
    const seq = await put(stream, payloads(2));
    let invocations = 0;
    const twoDaysLater = () => Date.now() + 2 * 86_400_000;

    const { mapping, deadLetters } = await map(
      stream,
      async () => {
        invocations++;
      },
      { maxRecordAgeSeconds: 86_400 },
      { now: twoDaysLater },
    );
    await mapping.drain();

    const [dead] = await readDeadLetters(deadLetters.path);
    expect(invocations).toBe(0);
    expect(dead).toMatchObject({
      requestContext: { condition: 'RecordAgeExceeded', approximateInvokeCount: 0 },
      KinesisBatchInfo: { startSequenceNumber: seq[0], endSequenceNumber: seq[1], batchSize: 2 },
    });
  });

  it('keeps each shard in sequence order, one batch at a time, through retries', async () => {
    const stream = await createStream(3);
    const keys = Array.from({ length: 12 }, (_, i) => `shop-${i}`);
    const sent = Array.from({ length: 120 }, (_, i) => ({ key: keys[(i * 7) % keys.length]!, n: i }));
    await put(stream, sent);
    const inFlight = new Map<string, number>();
    let maxInFlightPerShard = 0;
    const processed = new Map<string, Payload[]>();
    const processedSeq = new Map<string, string[]>();
    let invocation = 0;
    const handler = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
      const delivery = read(event);
      const shard = delivery.shardId;
      inFlight.set(shard, (inFlight.get(shard) ?? 0) + 1);
      maxInFlightPerShard = Math.max(maxInFlightPerShard, inFlight.get(shard)!);
      await new Promise((resolve) => setImmediate(resolve));
      // Every third invocation fails from its middle record: the rest must come again, in order.
      const failFrom = ++invocation % 3 === 0 && delivery.payloads.length > 1 ? Math.floor(delivery.payloads.length / 2) : delivery.payloads.length;
      const done = delivery.payloads.slice(0, failFrom);
      processed.set(shard, [...(processed.get(shard) ?? []), ...done]);
      processedSeq.set(shard, [...(processedSeq.get(shard) ?? []), ...delivery.sequenceNumbers.slice(0, failFrom)]);
      inFlight.set(shard, inFlight.get(shard)! - 1);
      return { batchItemFailures: delivery.sequenceNumbers.slice(failFrom).map((itemIdentifier) => ({ itemIdentifier })) };
    };

    const { mapping, deadLetters } = await map(stream, handler, { batchSize: 7, retryAttempts: 10 });
    await mapping.drain();

    const all = [...processed.values()].flat();
    expect(all.map((p) => p.n).sort((a, b) => a - b)).toEqual(sent.map((p) => p.n));
    for (const sequence of processedSeq.values()) {
      const asNumbers = sequence.map(BigInt);
      expect(asNumbers.every((s, i) => i === 0 || s > asNumbers[i - 1]!)).toBe(true);
    }
    for (const key of keys) {
      const ofKey = all.filter((p) => p.key === key).map((p) => p.n);
      expect(ofKey).toEqual(sent.filter((p) => p.key === key).map((p) => p.n));
    }
    expect(processed.size).toBeGreaterThan(1);
    expect(maxInFlightPerShard).toBe(1);
    expect(deadLetters.count).toBe(0);
  });
});

describe('reading a partial batch response', () => {
  const records = [{ SequenceNumber: '10' }, { SequenceNumber: '11' }, { SequenceNumber: '12' }];

  it('treats no response and an empty list as success', () => {
    expect(readPartialResponse(undefined, records)).toEqual({ kind: 'ok' });
    expect(readPartialResponse({ batchItemFailures: [] }, records)).toEqual({ kind: 'ok' });
  });

  it('resumes at the lowest failed record', () => {
    const outcome = readPartialResponse({ batchItemFailures: [{ itemIdentifier: '12' }, { itemIdentifier: '11' }] }, records);

    expect(outcome).toMatchObject({ kind: 'partial', fromIndex: 1 });
  });

  it('fails the whole batch on an identifier that is empty or not in the batch', () => {
    expect(readPartialResponse({ batchItemFailures: [{ itemIdentifier: '' }] }, records)).toMatchObject({ kind: 'error' });
    expect(readPartialResponse({ batchItemFailures: [{ itemIdentifier: '99' }] }, records)).toMatchObject({ kind: 'error' });
  });
});
