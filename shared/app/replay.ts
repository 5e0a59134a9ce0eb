/**
 * The replay / backtest (`contracts/replay.md`): history in JSONL, processed in occurredAt order
 * through the same stream handlers the Lambda functions run, on embedded adapters, with event time
 * as the clock. Used by `npm run replay`, the benchmark and the tests.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { makeReviewStreamHandler } from '../../functions/review-stream/handler';
import { createMemoryFeatureStore } from '../adapters/memory/featureStore';
import { StreamingDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../adapters/memory/sinks';
import { MemoryWarningStore } from '../adapters/memory/warnings';
import type { Thresholds } from '../domain/config/thresholds';
import type { DecisionKind, Violation } from '../domain/records';
import type { StoredWarning } from '../domain/warnings/policy';
import type { FeatureStore } from '../ports';
import { shopVerdicts } from './brushingState';
import { createOrderPipeline } from './orderPipeline';
import { createReviewPipeline } from './reviewPipeline';
import { createEmbeddedPenalties, type MerchantPenaltyStanding } from './penalties/embedded';
import { PenaltyCaseStanding } from './warnings/merchantStanding';
import { createWarningService } from './warnings/outbox';

export interface ReplayOptions {
  input: string;
  outDir: string;
  config: Thresholds;
  /** Records per handler invocation (Lambda's Kinesis batch size). */
  batchSize?: number;
  onProgress?: (p: { done: number; total: number; eventsPerSecond: number }) => void;
  progressEveryMs?: number;
  /** Wall-clock time (epoch ms) after which the replay stops between batches with a ReplayDeadlineError. */
  deadlineMs?: number;
}

/** A replay stopped at its deadline (e.g. a Lambda's time limit), and how far it got. */
export class ReplayDeadlineError extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`the replay reached its time limit after ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events`);
    this.name = 'ReplayDeadlineError';
  }
}

export interface LabelStats {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface ReplaySummary {
  input: string;
  configVersion: string;
  events: number;
  orders: number;
  reviews: number;
  rejected: number;
  duplicates: number;
  decisions: Record<DecisionKind, number>;
  violations: Record<string, number>;
  warnings: number;
  penalties: number;
  merchants: number;
  elapsedMs: number;
  eventsPerSecond: number;
  labels?: LabelStats;
}

interface InputLine {
  line: number;
  text: string;
  atMs: number;
  kind: 'order' | 'review';
}

const OCCURRED_AT = /"occurredAt"\s*:\s*"([^"]*)"/;
const KIND = /"kind"\s*:\s*"(order|review)"/;

/** Reads JSONL (optionally gzipped). Sort keys come from a cheap scan; validation is the handler's job. */
export async function readInput(path: string): Promise<InputLine[]> {
  const raw = createReadStream(path);
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines: InputLine[] = [];
  let n = 0;
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  const failed = new Promise<never>((_, reject) => {
    raw.on('error', reject);
    stream.on('error', reject);
  });
  const consume = (async () => {
    for await (const text of reader) {
      n++;
      if (text.trim() === '') continue;
      const at = OCCURRED_AT.exec(text)?.[1];
      const atMs = at === undefined ? Number.NEGATIVE_INFINITY : Date.parse(at);
      lines.push({
        line: n,
        text,
        atMs: Number.isFinite(atMs) ? atMs : Number.NEGATIVE_INFINITY,
        kind: KIND.exec(text)?.[1] === 'review' ? 'review' : 'order',
      });
    }
  })();
  await Promise.race([consume, failed]);
  return lines;
}

function toKinesisEvent(lines: readonly InputLine[], source: string): KinesisStreamEvent {
  return {
    Records: lines.map(
      (l): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: String(l.line),
          sequenceNumber: String(l.line),
          data: Buffer.from(l.text, 'utf8').toString('base64'),
          approximateArrivalTimestamp: l.atMs / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `replay:${l.line}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'replay',
        awsRegion: 'local',
        eventSourceARN: source,
      }),
    ),
  };
}

/**
 * Appends JSON lines to a file in large writes, and lets the caller wait while the disk catches up.
 * Without that the replay (all memory adapters, no I/O to yield on) would hold every output line in
 * the stream's buffer until the end.
 */
export class JsonlWriter {
  private readonly stream: WriteStream;
  private pending = '';
  count = 0;
  constructor(
    path: string,
    private readonly sizes = { writeFromChars: 1 << 16, waitAboveBytes: 1 << 22 },
  ) {
    // 'drain' follows only a write past the high-water mark: Node's default 16 KiB, or lower when waits are asked for below it.
    this.stream = createWriteStream(path, { highWaterMark: Math.min(sizes.waitAboveBytes, 1 << 14) });
  }
  write(record: unknown): void {
    this.count++;
    this.pending += JSON.stringify(record) + '\n';
    if (this.pending.length >= this.sizes.writeFromChars) this.flush();
  }
  /** Resolves once the file has caught up, when more than a few megabytes are waiting for it. */
  async drained(): Promise<void> {
    if (this.stream.writableLength < this.sizes.waitAboveBytes || !this.stream.writableNeedDrain) return;
    // events.once removes both its listeners when either fires (rejecting on 'error').
    await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}

function labelStats(tp: number, fp: number, fn: number, tn: number): LabelStats {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const r = (x: number) => Number(x.toFixed(4));
  return { tp, fp, fn, tn, precision: r(precision), recall: r(recall), f1: r(f1) };
}

/** Final state of every merchant with a violation or a brushing period. */
async function merchantStates(
  features: FeatureStore,
  violations: Iterable<Violation>,
  penaltiesOf: (merchantId: string) => Promise<MerchantPenaltyStanding>,
) {
  const counts = new Map<string, Record<string, number>>();
  for (const v of violations) {
    const c = counts.get(v.merchantId) ?? {};
    c[v.type] = (c[v.type] ?? 0) + 1;
    counts.set(v.merchantId, c);
  }
  const ids = [...new Set([...counts.keys(), ...(await features.brushing.brushingShops())])].sort();
  const verdicts = await shopVerdicts(features.brushing, ids);
  const kept = ids.filter((id) => counts.has(id) || verdicts.get(id)!.brushing);
  const standings = await Promise.all(kept.map(penaltiesOf));
  return kept.map((merchantId, n) => {
      const verdict = verdicts.get(merchantId)!;
      const { penaltyLevel, blacklisted, creditScore, pendingApproval, violationsUnderInvestigation } = standings[n]!;
      return {
        merchantId,
        violationCounts: counts.get(merchantId) ?? {},
        penaltyLevel,
        blacklisted,
        creditScore,
        pendingApproval,
        violationsUnderInvestigation,
        brushing: {
          periods: verdict.periods.map((p) => ({ start: new Date(p.startMs).toISOString(), end: new Date(p.endMs).toISOString() })),
          suspiciousBuyerIds: verdict.suspiciousBuyerIds,
        },
      };
    });
}

/** One line of warnings.jsonl (replay.md): a warning issued to a buyer, and whether it was withdrawn since. */
function warningLine(w: StoredWarning) {
  return {
    warningId: w.warningId,
    buyerId: w.buyerId,
    type: w.type,
    severity: w.severity,
    message: w.message,
    ...(w.orderId === undefined ? {} : { orderId: w.orderId }),
    ...(w.merchantId === undefined ? {} : { merchantId: w.merchantId }),
    ...(w.skuId === undefined ? {} : { skuId: w.skuId }),
    issuedAt: w.issuedAt,
    ...(w.status === 'withdrawn' ? { withdrawnAt: w.withdrawnAt } : {}),
  };
}

export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 500;
  await mkdir(options.outDir, { recursive: true });
  const out = (name: string) => new JsonlWriter(join(options.outDir, name));
  const files = {
    decisions: out('decisions.jsonl'),
    violations: out('violations.jsonl'),
    warnings: out('warnings.jsonl'),
    penalties: out('penalties.jsonl'),
    merchants: out('merchants.jsonl'),
    rejected: out('rejected.jsonl'),
    // Beyond the contract: every merchant's penalty case (steps, violation statuses), for export:blacklist.
    penaltyCases: out('penalty-cases.jsonl'),
  };

  const lines = await readInput(options.input);
  lines.sort((a, b) => a.atMs - b.atMs); // stable: ties keep input order

  const features = createMemoryFeatureStore();
  const decisionCounts: Record<DecisionKind, number> = { allow: 0, review: 0, block: 0 };
  const violationCounts: Record<string, number> = {};
  const labels = new Map<string, boolean>();
  const confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const decisions = new StreamingDecisionLog((d) => {
    decisionCounts[d.decision]++;
    files.decisions.write({
      eventId: d.eventId,
      orderId: d.orderId,
      buyerId: d.buyerId,
      merchantId: d.merchantId,
      eventType: d.eventType,
      occurredAt: d.occurredAt,
      score: d.score,
      decision: d.decision,
      reasons: d.reasons,
      configVersion: d.configVersion,
    });
    const fraud = labels.get(d.eventId);
    if (fraud === undefined) return;
    const positive = d.decision !== 'allow';
    if (positive && fraud) confusion.tp++;
    else if (positive) confusion.fp++;
    else if (fraud) confusion.fn++;
    else confusion.tn++;
  });
  const ledger = new MemoryViolationLedger((v) => {
    violationCounts[v.type] = (violationCounts[v.type] ?? 0) + 1;
    files.violations.write(v);
  });
  const quarantine = new MemoryQuarantine((r) => files.rejected.write({ line: Number(r.sequenceNumber), reason: r.reason }));
  // The penalty ladder on embedded adapters: every ladder step taken becomes a penalties.jsonl line.
  const penalties = createEmbeddedPenalties({ config: options.config, onStep: (step) => files.penalties.write(step) });
  // Buyer warnings through the in-memory outbox (de-duplicated, rate-limited, withdrawn on cancel, in
  // event time); warnings.jsonl is written from it at the end, withdrawn ones marked.
  const warningStore = new MemoryWarningStore();
  const warnings = createWarningService({ store: warningStore, config: new StaticConfigSource(options.config) });
  const pipeline = createOrderPipeline({
    features,
    violations: ledger,
    decisions,
    config: new StaticConfigSource(options.config),
    penalties: penalties.workflow,
    identities: penalties.buyerLinks,
    warnings,
    // ttlMs 0: the standing is re-read each batch, so the replay does not depend on the wall clock.
    buyerWarnings: { withdrawals: warnings, standing: new PenaltyCaseStanding(penalties.cases, { ttlMs: 0 }) },
  });
  let orders = 0;
  let reviews = 0;
  let duplicates = 0;
  const orderHandler = makeOrderStreamHandler({
    quarantine,
    pipeline: async (items) => {
      orders += items.length;
      for (const i of items) if (i.event.label !== undefined) labels.set(i.event.eventId, i.event.label.fraud);
      const result = await pipeline(items);
      duplicates += result.duplicates;
      return result;
    },
  });
  const reviewPipeline = createReviewPipeline({ features, violations: ledger, config: new StaticConfigSource(options.config), penalties: penalties.workflow, warnings });
  const reviewHandler = makeReviewStreamHandler({
    quarantine,
    process: async (items) => {
      reviews += items.length;
      const result = await reviewPipeline(items);
      duplicates += result.duplicates;
      return result;
    },
  });

  const source = `replay:${basename(options.input)}`;
  const context = {} as never;
  let lastProgress = started;
  for (let i = 0; i < lines.length; ) {
    const kind = lines[i]!.kind;
    let j = i;
    while (j < lines.length && j - i < batchSize && lines[j]!.kind === kind) j++;
    const batch = lines.slice(i, j);
    const handler = kind === 'order' ? orderHandler : reviewHandler;
    const response = await handler(toKinesisEvent(batch, source), context);
    // Embedded adapters do not fail transiently; a record that still fails is a defect, and is
    // reported as rejected (with the error) rather than lost.
    for (const failure of response?.batchItemFailures ?? []) {
      files.rejected.write({ line: Number(failure.itemIdentifier), reason: 'processing error (see logs)' });
    }
    // A handled line's text is not needed again; letting it go keeps the heap (and every full GC's
    // work) down to the state the replay has to keep.
    for (let k = i; k < j; k++) lines[k]!.text = '';
    i = j;
    for (const file of Object.values(files)) await file.drained();
    if (options.deadlineMs !== undefined && Date.now() > options.deadlineMs) {
      await Promise.all(Object.values(files).map((f) => f.close()));
      throw new ReplayDeadlineError(i, lines.length);
    }
    const now = performance.now();
    if (options.onProgress && now - lastProgress >= (options.progressEveryMs ?? 1000)) {
      lastProgress = now;
      options.onProgress({ done: i, total: lines.length, eventsPerSecond: Math.round(i / ((now - started) / 1000)) });
    }
  }

  // History has ended: everything that waits on event time can be judged now.
  await pipeline.flush(Infinity);
  // Credit scores as of the end of history (event time), not the wall clock.
  const endMs = lines.length > 0 && Number.isFinite(lines.at(-1)!.atMs) ? lines.at(-1)!.atMs : 0;
  for (const state of await merchantStates(features, ledger.byId.values(), (id) => penalties.standingOf(id, endMs))) files.merchants.write(state);
  for (const c of penalties.cases.all()) files.penaltyCases.write({ state: c.state, creditScore: (await penalties.standingOf(c.state.merchantId, endMs)).creditScore });
  for (const w of warningStore.all()) files.warnings.write(warningLine(w));
  const elapsedMs = Math.round(performance.now() - started);
  const summary: ReplaySummary = {
    input: options.input,
    configVersion: options.config.version,
    events: lines.length,
    orders,
    reviews,
    rejected: files.rejected.count,
    duplicates,
    decisions: decisionCounts,
    violations: violationCounts,
    warnings: files.warnings.count,
    penalties: files.penalties.count,
    merchants: files.merchants.count,
    elapsedMs,
    eventsPerSecond: Math.round(lines.length / Math.max(elapsedMs / 1000, 1e-3)),
    ...(labels.size > 0 ? { labels: labelStats(confusion.tp, confusion.fp, confusion.fn, confusion.tn) } : {}),
  };
  await Promise.all(Object.values(files).map((f) => f.close()));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(options.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
