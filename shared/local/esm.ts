/**
 * An event source mapping for Kinesis with Lambda's semantics, for the embedded runtime: it reads a
 * stream through the real Kinesis API (kinesalite locally) and invokes a Lambda handler with
 * Kinesis-shaped events, as the Lambda service does.
 *
 * What it reproduces (settings from EVENT_SOURCE_DEFAULTS, shared with the CDK mapping):
 * - one poller per shard (GetShardIterator / GetRecords); a shard's next batch waits for the previous
 *   one, retries included, so records of a shard reach the handler in sequence order;
 * - batches of at most `batchSize` records and 6 MB, invoked when full or when the batching window
 *   since the first gathered record has passed;
 * - partial batch responses: the lowest failed sequence number is the checkpoint, and the records
 *   from it on are retried; an unusable response (unknown or empty itemIdentifier) fails the batch;
 * - on a thrown error, bisect-on-error splits the batch in halves and retries each (a split does not
 *   consume the retry quota); a batch that cannot be split is retried `retryAttempts` times;
 * - then the on-failure destination: one record per discarded batch with the metadata Lambda sends to
 *   an SQS on-failure queue (shard, sequence number range, approximate arrival, invoke count), plus
 *   the stream name and the error, since the local destination is a file people read;
 * - records older than `maxRecordAgeSeconds` (since they reached the stream) are discarded the same way.
 *
 * Streams are addressed by name: kinesalite knows no StreamARN parameter.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { EVENT_SOURCE_DEFAULTS, type EventSourceSettings } from '../resources';

/** Lambda's limit on an invocation payload, which also bounds a stream batch. */
const MAX_BATCH_BYTES = 6 * 1024 * 1024;
/** GetRecords returns at most this many records per call. */
const MAX_GET_RECORDS = 10_000;

export type KinesisHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | void | null | undefined> | KinesisStreamBatchResponse | void;

export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What Lambda sends to an on-failure destination for a discarded Kinesis batch, plus the local extras. */
export interface OnFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: OnFailureCondition;
    approximateInvokeCount: number;
  };
  responseContext: {
    statusCode: number;
    executedVersion: string;
    functionError?: 'Unhandled';
  };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Local extra: the stream's name (streams are addressed by name locally). */
  streamName: string;
  /** Local extra: why the last attempt failed. */
  error: string;
}

export interface OnFailureDestination {
  send(record: OnFailureRecord): Promise<void>;
}

/** The local on-failure destination: one JSON object per discarded batch, appended to a file. */
export class JsonlDeadLetterFile implements OnFailureDestination {
  count = 0;
  private tail: Promise<void> = Promise.resolve();
  private ready: Promise<unknown> | undefined;

  constructor(readonly path: string) {}

  send(record: OnFailureRecord): Promise<void> {
    this.ready ??= mkdir(dirname(this.path), { recursive: true });
    // Appends are chained so that concurrent shards never interleave partial lines.
    this.tail = this.tail.then(async () => {
      await this.ready;
      await appendFile(this.path, JSON.stringify(record) + '\n');
      this.count++;
    });
    return this.tail;
  }
}

export interface InvocationReport {
  streamName: string;
  shardId: string;
  records: number;
  /** Retries this batch had consumed before this invocation. */
  retries: number;
  outcome: 'ok' | 'partial' | 'error';
  durationMs: number;
  /** Wall-clock time from the oldest record's arrival on the stream to the end of the invocation. */
  maxLagMs: number;
  error?: string;
}

export interface EventSourceMappingOptions {
  client: KinesisClient;
  streamName: string;
  functionName: string;
  handler: KinesisHandler;
  onFailure: OnFailureDestination;
  settings?: Partial<EventSourceSettings>;
  /** Pause after a GetRecords call that returned nothing (Lambda polls an idle shard about once a second). */
  idlePollMs?: number;
  /** Delay before the n-th retry of a failed batch: min(retryBaseMs * 2^(n-1), retryMaxMs). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Invocation timeout reported to the handler through context.getRemainingTimeInMillis. */
  timeoutMs?: number;
  onInvoke?: (report: InvocationReport) => void;
  /** Called when reading the stream fails (the poller backs off and tries again). */
  onPollError?: (error: unknown, shardId: string) => void;
  now?: () => number;
}

export interface MappingStats {
  invocations: number;
  /** Records handled to the end: processed, or discarded to the on-failure destination. */
  records: number;
  retries: number;
  bisections: number;
  deadLetteredBatches: number;
  deadLetteredRecords: number;
}

interface Batch {
  records: KinesisRecord[];
  /** Retries consumed so far (bisecting does not consume any). */
  retries: number;
  /** Invocations of these records so far, for the on-failure record's approximateInvokeCount. */
  invocations: number;
}

type Outcome = { kind: 'ok' } | { kind: 'partial'; fromIndex: number; error: string } | { kind: 'error'; error: string };

interface ShardState {
  shardId: string;
  /** The last sequence number whose record is done (processed or discarded). */
  checkpoint: string | undefined;
  /** Id of the latest GetRecords call that found nothing new, with nothing buffered and nothing in flight. */
  idlePoll: number;
  finished: boolean;
}

export class KinesisEventSourceMapping {
  readonly settings: EventSourceSettings;
  private readonly stats_: MappingStats = { invocations: 0, records: 0, retries: 0, bisections: 0, deadLetteredBatches: 0, deadLetteredRecords: 0 };
  private readonly shards = new Map<string, ShardState>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private streamArn = '';
  private pollSeq = 0;
  private waiters: (() => void)[] = [];
  private started = false;
  private fatal: unknown;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.settings = { ...EVENT_SOURCE_DEFAULTS, ...options.settings };
    this.now = options.now ?? Date.now;
    const s = this.settings;
    if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1 && s.batchSize <= MAX_GET_RECORDS)) throw new Error(`batchSize must be 1..${MAX_GET_RECORDS}`);
    if (!(s.retryAttempts >= 0)) throw new Error('retryAttempts must be at least 0');
    if (!(s.maxBatchingWindowMs >= 0)) throw new Error('maxBatchingWindowMs must be at least 0');
    if (s.parallelizationFactor !== 1) throw new Error('only parallelizationFactor 1 is emulated (one batch per shard at a time)');
  }

  get stats(): Readonly<MappingStats> {
    return { ...this.stats_ };
  }

  /** The last done sequence number of each shard. */
  checkpoints(): Map<string, string | undefined> {
    return new Map([...this.shards.values()].map((s) => [s.shardId, s.checkpoint]));
  }

  get functionArn(): string {
    return `arn:aws:lambda:local:000000000000:function:${this.options.functionName}`;
  }

  /** Starts one poller per shard (children of a split or merge start when their parents are done). */
  async start(): Promise<void> {
    if (this.started) throw new Error('already started');
    this.started = true;
    const { StreamDescriptionSummary } = await this.options.client.send(new DescribeStreamSummaryCommand({ StreamName: this.options.streamName }));
    this.streamArn = StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:local:000000000000:stream/${this.options.streamName}`;
    await this.discoverShards();
  }

  /**
   * Resolves once every record that was on the stream when it was called has been handled: each shard
   * has since read nothing new with nothing buffered or in flight. Rejects if a poller died.
   */
  async drain(): Promise<void> {
    if (!this.started) throw new Error('not started');
    const mark = this.pollSeq;
    for (;;) {
      if (this.fatal !== undefined) throw this.fatal;
      const open = [...this.shards.values()].filter((s) => !s.finished);
      if (open.every((s) => s.idlePoll > mark)) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake();
    await Promise.allSettled(this.loops.values());
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async discoverShards(): Promise<void> {
    const shards: Shard[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.options.client.send(
        NextToken ? new ListShardsCommand({ NextToken }) : new ListShardsCommand({ StreamName: this.options.streamName }),
      );
      shards.push(...(page.Shards ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    const known = new Set(shards.map((s) => s.ShardId!));
    const done = (id: string | undefined) => id === undefined || !known.has(id) || this.shards.get(id)?.finished === true;
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.shards.has(id)) continue;
      // Lambda finishes a parent before reading its children, keeping per-key order across a reshard.
      if (!done(shard.ParentShardId) || !done(shard.AdjacentParentShardId)) continue;
      const state: ShardState = { shardId: id, checkpoint: undefined, idlePoll: 0, finished: false };
      this.shards.set(id, state);
      const loop = this.pollShard(state).catch((error: unknown) => {
        this.fatal = error;
        this.wake();
      });
      this.loops.set(id, loop);
    }
  }

  private async iterator(shard: ShardState, afterSequence: string | undefined): Promise<string | undefined> {
    const type: ShardIteratorType = afterSequence !== undefined ? 'AFTER_SEQUENCE_NUMBER' : this.settings.startingPosition;
    const { ShardIterator } = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamName: this.options.streamName,
        ShardId: shard.shardId,
        ShardIteratorType: type,
        ...(afterSequence !== undefined ? { StartingSequenceNumber: afterSequence } : {}),
      }),
    );
    return ShardIterator;
  }

  private async pollShard(shard: ShardState): Promise<void> {
    const { batchSize, maxBatchingWindowMs } = this.settings;
    const idlePollMs = this.options.idlePollMs ?? 250;
    const signal = this.abort.signal;
    let iterator: string | undefined;
    let lastFetched: string | undefined;
    let needIterator = true;
    let closed = false;
    let failures = 0;
    const buffer: KinesisRecord[] = [];
    let gatheringSince: number | undefined;

    while (!signal.aborted) {
      if (!closed && buffer.length < batchSize) {
        const pollId = ++this.pollSeq;
        let fetched: KinesisRecord[];
        try {
          if (needIterator) {
            iterator = await this.iterator(shard, lastFetched);
            needIterator = false;
          }
          const out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize - buffer.length }));
          fetched = out.Records ?? [];
          iterator = out.NextShardIterator;
          failures = 0;
          if (iterator === undefined) closed = true;
        } catch (error) {
          if (signal.aborted) return;
          // An expired iterator is normal after a long retry: take a new one after the last fetched record.
          needIterator = true;
          this.options.onPollError?.(error, shard.shardId);
          await sleep(Math.min(100 * 2 ** failures++, 5_000), signal);
          continue;
        }
        if (fetched.length > 0) {
          buffer.push(...fetched);
          lastFetched = fetched[fetched.length - 1]!.SequenceNumber;
          gatheringSince ??= this.now();
        } else if (buffer.length === 0) {
          shard.idlePoll = pollId;
          this.wake();
        }
      }

      if (buffer.length === 0) {
        if (closed) break;
        await sleep(idlePollMs, signal);
        continue;
      }

      const waited = this.now() - (gatheringSince ?? this.now());
      const ready = closed || buffer.length >= batchSize || batchBytes(buffer) >= MAX_BATCH_BYTES || waited >= maxBatchingWindowMs;
      if (!ready) {
        // Keep gathering: poll again soon, but not faster than the window needs.
        await sleep(Math.min(idlePollMs, maxBatchingWindowMs - waited), signal);
        continue;
      }
      const records = takeBatch(buffer, batchSize);
      gatheringSince = buffer.length > 0 ? this.now() : undefined;
      await this.deliver(shard, records);
    }
    if (closed && !signal.aborted) {
      shard.finished = true;
      this.wake();
      await this.discoverShards();
    }
  }

  /** Invokes the handler until every record of the batch is processed or discarded, in order. */
  private async deliver(shard: ShardState, records: KinesisRecord[]): Promise<void> {
    const { retryAttempts, bisectBatchOnError, maxRecordAgeSeconds } = this.settings;
    const queue: Batch[] = [{ records, retries: 0, invocations: 0 }];
    while (queue.length > 0) {
      if (this.abort.signal.aborted) return;
      const batch = queue.shift()!;

      const oldestAllowed = this.now() - maxRecordAgeSeconds * 1000;
      const expired = batch.records.filter((r) => arrivalMs(r) < oldestAllowed);
      if (expired.length > 0) {
        await this.discard(shard, expired, batch.invocations, 'RecordAgeExceeded', `record older than maxRecordAgeSeconds (${maxRecordAgeSeconds})`);
        batch.records = batch.records.filter((r) => arrivalMs(r) >= oldestAllowed);
        if (batch.records.length === 0) continue;
      }

      const outcome = await this.invoke(shard, batch);
      batch.invocations++;
      if (outcome.kind === 'ok') {
        this.done(shard, batch.records);
        continue;
      }
      if (outcome.kind === 'partial') {
        // The lowest failed record is the checkpoint: what came before it is done.
        this.done(shard, batch.records.slice(0, outcome.fromIndex));
        const rest: Batch = { records: batch.records.slice(outcome.fromIndex), retries: batch.retries, invocations: batch.invocations };
        if (rest.retries >= retryAttempts) {
          await this.discard(shard, rest.records, rest.invocations, 'RetryAttemptsExhausted', outcome.error);
          continue;
        }
        rest.retries++;
        this.stats_.retries++;
        await sleep(this.retryDelay(rest.retries), this.abort.signal);
        queue.unshift(rest);
        continue;
      }
      if (bisectBatchOnError && batch.records.length > 1) {
        const half = Math.ceil(batch.records.length / 2);
        this.stats_.bisections++;
        queue.unshift(
          { records: batch.records.slice(0, half), retries: batch.retries, invocations: batch.invocations },
          { records: batch.records.slice(half), retries: batch.retries, invocations: batch.invocations },
        );
        continue;
      }
      if (batch.retries >= retryAttempts) {
        await this.discard(shard, batch.records, batch.invocations, 'RetryAttemptsExhausted', outcome.error);
        continue;
      }
      batch.retries++;
      this.stats_.retries++;
      await sleep(this.retryDelay(batch.retries), this.abort.signal);
      queue.unshift(batch);
    }
  }

  private retryDelay(retry: number): number {
    const base = this.options.retryBaseMs ?? 200;
    return Math.min(base * 2 ** (retry - 1), this.options.retryMaxMs ?? 5_000);
  }

  private async invoke(shard: ShardState, batch: Batch): Promise<Outcome> {
    const started = this.now();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const requestId = randomUUID();
    const event: KinesisStreamEvent = { Records: batch.records.map((r) => this.toLambdaRecord(shard.shardId, r)) };
    const context = lambdaContext(this.options.functionName, this.functionArn, requestId, started + timeoutMs, this.now);
    this.stats_.invocations++;
    let outcome: Outcome;
    try {
      const response = await this.options.handler(event, context);
      outcome = this.settings.reportBatchItemFailures ? readPartialResponse(response, batch.records) : { kind: 'ok' };
    } catch (error) {
      outcome = { kind: 'error', error: describeError(error) };
    }
    const ended = this.now();
    this.options.onInvoke?.({
      streamName: this.options.streamName,
      shardId: shard.shardId,
      records: batch.records.length,
      retries: batch.retries,
      outcome: outcome.kind,
      durationMs: ended - started,
      maxLagMs: ended - Math.min(...batch.records.map(arrivalMs)),
      ...(outcome.kind === 'ok' ? {} : { error: outcome.error }),
    });
    return outcome;
  }

  private done(shard: ShardState, records: readonly KinesisRecord[]): void {
    if (records.length === 0) return;
    shard.checkpoint = records[records.length - 1]!.SequenceNumber;
    this.stats_.records += records.length;
  }

  private async discard(shard: ShardState, records: readonly KinesisRecord[], invocations: number, condition: OnFailureCondition, error: string): Promise<void> {
    const first = records[0]!;
    const last = records[records.length - 1]!;
    await this.options.onFailure.send({
      requestContext: { requestId: randomUUID(), functionArn: this.functionArn, condition, approximateInvokeCount: invocations },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(condition === 'RetryAttemptsExhausted' ? { functionError: 'Unhandled' as const } : {}) },
      version: '1.0',
      timestamp: new Date(this.now()).toISOString(),
      KinesisBatchInfo: {
        shardId: shard.shardId,
        startSequenceNumber: first.SequenceNumber!,
        endSequenceNumber: last.SequenceNumber!,
        approximateArrivalOfFirstRecord: new Date(arrivalMs(first)).toISOString(),
        approximateArrivalOfLastRecord: new Date(arrivalMs(last)).toISOString(),
        batchSize: records.length,
        streamArn: this.streamArn,
      },
      streamName: this.options.streamName,
      error,
    });
    this.stats_.deadLetteredBatches++;
    this.stats_.deadLetteredRecords += records.length;
    this.done(shard, records);
  }

  private toLambdaRecord(shardId: string, r: KinesisRecord): KinesisStreamRecord {
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.PartitionKey!,
        sequenceNumber: r.SequenceNumber!,
        data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
        approximateArrivalTimestamp: arrivalMs(r) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shardId}:${r.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::000000000000:role/${this.options.functionName}`,
      awsRegion: 'local',
      eventSourceARN: this.streamArn,
    };
  }
}

/** Creates and starts a mapping. */
export async function startEventSourceMapping(options: EventSourceMappingOptions): Promise<KinesisEventSourceMapping> {
  const mapping = new KinesisEventSourceMapping(options);
  await mapping.start();
  return mapping;
}

/**
 * Lambda's reading of a partial batch response: no response or an empty list is success; otherwise
 * the lowest failed sequence number is where processing resumes. An itemIdentifier that is missing,
 * empty or not in the batch makes the whole batch a failure.
 */
export function readPartialResponse(response: unknown, records: readonly Pick<KinesisRecord, 'SequenceNumber'>[]): Outcome {
  if (response === undefined || response === null) return { kind: 'ok' };
  const failures = (response as KinesisStreamBatchResponse).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'ok' };
  if (!Array.isArray(failures)) return { kind: 'error', error: 'invalid partial batch response: batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'ok' };
  const index = new Map(records.map((r, i) => [r.SequenceNumber!, i]));
  let lowest = Infinity;
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    const at = typeof id === 'string' && id !== '' ? index.get(id) : undefined;
    if (at === undefined) return { kind: 'error', error: `invalid partial batch response: itemIdentifier ${JSON.stringify(id)} is not in the batch` };
    lowest = Math.min(lowest, at);
  }
  return { kind: 'partial', fromIndex: lowest, error: `partial batch failure: ${failures.length} of ${records.length} records reported failed` };
}

function takeBatch(buffer: KinesisRecord[], batchSize: number): KinesisRecord[] {
  let bytes = 0;
  let n = 0;
  while (n < buffer.length && n < batchSize) {
    const size = recordBytes(buffer[n]!);
    if (n > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    n++;
  }
  return buffer.splice(0, n);
}

function recordBytes(r: KinesisRecord): number {
  // As Lambda counts it: the base64 payload plus the record's envelope, roughly.
  return Math.ceil(((r.Data?.byteLength ?? 0) * 4) / 3) + (r.PartitionKey?.length ?? 0) + 200;
}

function batchBytes(records: readonly KinesisRecord[]): number {
  let total = 0;
  for (const r of records) total += recordBytes(r);
  return total;
}

function arrivalMs(r: KinesisRecord): number {
  return r.ApproximateArrivalTimestamp?.getTime() ?? 0;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function lambdaContext(functionName: string, functionArn: string, awsRequestId: string, deadline: number, now: () => number): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
