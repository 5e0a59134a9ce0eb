/**
 * What `npm start` does (scripts/start.ts parses the options and calls this; the smoke test calls
 * it with a small event count): simulate a marketplace, run its traffic through the local runtime
 * (streams, event source mappings, the real handlers, DynamoDB on dynalite), then score what was
 * caught against the scenario manifest, print it, and write the HTML report.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamEvent } from '../contracts/events';
import { defaultThresholds, parseThresholds } from '../config';
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision, Violation } from '../domain/records';
import { HTTP_ROUTES } from '../http/routes';
import { Marketplace, type Emergency, type ScenarioManifest } from '../sim/marketplace';
import { EVENT_SOURCE_DEFAULTS, STREAMS, type EventSourceSettings } from '../resources';
import { chooseFeatureStore } from './featureStore';
import { serveAnalystConsole } from './analystConsole';
import { ladderLines, ladderRows } from './ladder';
import { batchWatermark } from './observed';
import { writeReport } from './report';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import { formatDuration, scoreRun, type DetectedViolation, type DetectedWarning, type Scoreboard, type ScenarioRow } from './scoreboard';
import { reviewIdsOf, reviewTrustByScenario, reviewTrustLines } from './reviewTrust';
import { renderTable } from './table';

export interface StartOptions {
  seed: number;
  events: number;
  minutes: number;
  outDir: string;
  /** Usually process.env.REDIS_URL. */
  redisUrl: string | undefined;
  /** Keep the runtime (APIs, report) up after the run, until `signal` aborts. */
  serve?: boolean;
  signal?: AbortSignal;
  /** Where lines go (default: stdout). */
  print?: (line: string) => void;
  /** Rewrite one progress line in place (a terminal); otherwise print a progress line now and then. */
  liveProgress?: boolean;
  httpPort?: number;
  eventSource?: Partial<EventSourceSettings>;
}

export interface RunSummary {
  seed: number;
  events: number;
  orders: number;
  reviews: number;
  minutes: number;
  featureStore: 'redis' | 'memory';
  thresholdsVersion: string;
  emergency: Emergency | null;
  /** Wall clock of the whole run, and of the traffic through the pipeline. */
  elapsedMs: number;
  pipelineMs: number;
  eventsPerSecond: number;
  decisions: Scoreboard['decisions'];
  violations: Record<string, number>;
  warnings: number;
  quarantined: number;
  deadLettered: number;
  /** Wall clock from a record reaching the stream to its consumer finishing it (per invocation's oldest record). */
  lagMs: { p50: number; p95: number; max: number };
  /** Event time an order batch spans, median: the resolution of the detection times. */
  batchSpanMs: number;
  overall: Scoreboard['overall'];
}

export interface StartResult {
  summary: RunSummary;
  scoreboard: Scoreboard;
  manifest: ScenarioManifest;
  reportPath: string;
  files: string[];
}

const OUTPUT_FILES = ['report.html', 'summary.json', 'manifest.json', 'events.jsonl', 'decisions.jsonl', 'violations.jsonl', 'warnings.jsonl', 'dead-letter.jsonl'];

/** The shipped thresholds with the simulator's emergency declared in the price-gouging rules. */
export function declareEmergency(thresholds: Thresholds, emergency: Emergency | null): Thresholds {
  if (emergency === null) return thresholds;
  const rules = thresholds.rules.priceGouging;
  const declared = { id: emergency.id, categories: emergency.categories, regions: emergency.regions, startAt: emergency.startAt };
  return parseThresholds(
    {
      ...thresholds,
      version: `${thresholds.version}+${emergency.id}`,
      rules: { ...thresholds.rules, priceGouging: { ...rules, emergencies: [...rules.emergencies.filter((e) => e.id !== emergency.id), declared] } },
    },
    'thresholds with the simulated emergency',
  );
}

export async function runStart(options: StartOptions): Promise<StartResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const started = performance.now();

  // The first line says which feature store runs, and why.
  const features = await chooseFeatureStore({ redisUrl: options.redisUrl, prefix: `rl-start-${process.pid}-${Date.now().toString(36)}` });
  print(`riskline · ${features.why}`);
  let runtime: LocalRuntime | undefined;
  try {
    const market = new Marketplace({ seed: options.seed, events: options.events, minutes: options.minutes });
    const events = [...market.events()];
    const manifest = market.manifest;
    const fraudInstances = manifest.scenarios.filter((s) => s.fraud).length;
    print(
      `traffic: ${fmt(manifest.events)} events (${fmt(manifest.orders)} orders, ${fmt(manifest.reviews)} reviews) over ${formatDuration(options.minutes * 60_000)} of event time from ${local(manifest.startAt)}, seed ${options.seed}: ${fmt(manifest.merchants)} shops, ${fmt(manifest.buyers)} buyers, ${fraudInstances} injected fraud scenarios, ${manifest.scenarios.length - fraudInstances} honest surprises`,
    );
    const thresholds = declareEmergency(defaultThresholds, manifest.emergency);
    if (manifest.emergency) {
      print(`emergency declared at ${local(manifest.emergency.startAt)} for ${manifest.emergency.categories.join(', ')} in ${manifest.emergency.regions.join(', ')}: passed to the price-gouging rules (thresholds ${thresholds.version})`);
    }

    await mkdir(options.outDir, { recursive: true });
    await Promise.all(OUTPUT_FILES.map((f) => rm(join(options.outDir, f), { force: true })));

    // What the run hears from the pipeline as it happens.
    const decisions = new Map<string, Decision>();
    const decidedAtMs = new Map<string, number>();
    const batchSpans: number[] = [];
    const kinds = { allow: 0, review: 0, block: 0 };
    const violations: DetectedViolation[] = [];
    const warnings: DetectedWarning[] = [];
    const lags: number[] = [];
    let quarantined = 0;
    let reviewsProcessed = 0;
    let lastEventMs = Date.parse(manifest.startAt);
    const notes: string[] = [];
    runtime = await startLocalRuntime({
      features,
      thresholds,
      outDir: options.outDir,
      ...(options.eventSource ? { eventSource: options.eventSource } : {}),
      ...(options.httpPort !== undefined ? { httpPort: options.httpPort } : {}),
      observer: {
        decisions: (ds, watermarkMs) => {
          for (const d of ds) {
            if (decisions.has(d.eventId)) continue;
            decisions.set(d.eventId, d);
            if (watermarkMs !== undefined) decidedAtMs.set(d.eventId, watermarkMs);
            kinds[d.decision]++;
          }
        },
        violations: (vs, watermarkMs) => {
          for (const v of vs) violations.push({ violation: v, detectedAtMs: watermarkMs ?? lastEventMs });
        },
        warning: (w, watermarkMs) => warnings.push({ warning: w, detectedAtMs: watermarkMs ?? Date.parse(w.occurredAt) }),
        batch: (_records, spanMs) => batchSpans.push(spanMs),
        quarantined: (rs) => {
          quarantined += rs.length;
        },
        reviews: (n) => {
          reviewsProcessed += n;
        },
        invocation: (r) => {
          if (r.outcome === 'ok') lags.push(r.maxLagMs);
        },
        log: (level, message) => {
          if (notes.length < 20) notes.push(`${level}: ${message}`);
        },
      },
    });
    const settings = { ...EVENT_SOURCE_DEFAULTS, ...options.eventSource };
    print(
      `embedded AWS: DynamoDB (dynalite) ${runtime.endpoints.dynamodb}, Kinesis (kinesalite) ${runtime.endpoints.kinesis}, HTTP API ${runtime.endpoints.http}; streams ${runtime.streams.orders} (${STREAMS.orders.shardCount} shards), ${runtime.streams.reviews} (${STREAMS.reviews.shardCount}); consumers: batch ${settings.batchSize}, window ${settings.maxBatchingWindowMs} ms, ${settings.retryAttempts} retries, bisect ${settings.bisectBatchOnError ? 'on' : 'off'}, then ${join(options.outDir, 'dead-letter.jsonl')}`,
    );

    // The traffic, in event-time order, onto the streams; the producer keeps the backlog bounded so
    // that what is measured is the pipeline, not a queue.
    const pipelineStarted = performance.now();
    const backlogLimit = settings.batchSize * (STREAMS.orders.shardCount + STREAMS.reviews.shardCount) * 2;
    const progress = new ProgressLine(print, options.liveProgress === true, () => {
      const p = runtime!.progress();
      const elapsed = (performance.now() - pipelineStarted) / 1000;
      return `  ${fmt(p.done)}/${fmt(events.length)} events processed · ${fmt(Math.round(p.done / Math.max(elapsed, 0.001)))} events/s · allow ${fmt(kinds.allow)} review ${fmt(kinds.review)} block ${fmt(kinds.block)} · violations ${violations.length} · warnings ${warnings.length} · event time ${local(new Date(lastEventMs).toISOString())}`;
    });
    const chunk = 250;
    for (let i = 0; i < events.length; i += chunk) {
      while (runtime.progress().put - runtime.progress().done > backlogLimit) await sleep(10);
      const slice = events.slice(i, i + chunk);
      await runtime.put(slice);
      lastEventMs = Date.parse(slice[slice.length - 1]!.occurredAt);
      progress.tick();
    }
    await runtime.drain();
    // The traffic has ended: what waits on event time (brushing windows to confirm) is settled now.
    await batchWatermark.run(lastEventMs, () => runtime!.pipeline.flush(Number.POSITIVE_INFINITY));
    const pipelineMs = performance.now() - pipelineStarted;
    progress.done();
    for (const note of notes) print(`  ${note}`);

    const api = await callApis(runtime.endpoints.http, events);
    for (const line of api) print(line);

    const scoreboard = scoreRun({ manifest, events, decisions, decidedAtMs, violations, warnings, reviewAt: thresholds.scoring.reviewAt, blockAt: thresholds.scoring.blockAt });
    // The review detector's weights as they ended (a ring found late has lowered its first members too).
    const reviewTrust = reviewTrustByScenario(events, await features.store.reviewTrust.read(reviewIdsOf(events)));
    const violationCounts: Record<string, number> = {};
    for (const v of violations) violationCounts[v.violation.type] = (violationCounts[v.violation.type] ?? 0) + 1;
    const sortedLags = [...lags].sort((a, b) => a - b);
    const summary: RunSummary = {
      seed: options.seed,
      events: events.length,
      orders: manifest.orders,
      reviews: reviewsProcessed,
      minutes: options.minutes,
      featureStore: features.kind,
      thresholdsVersion: thresholds.version,
      emergency: manifest.emergency,
      elapsedMs: Math.round(performance.now() - started),
      pipelineMs: Math.round(pipelineMs),
      eventsPerSecond: Math.round(events.length / (pipelineMs / 1000)),
      decisions: scoreboard.decisions,
      violations: violationCounts,
      warnings: warnings.length,
      quarantined,
      deadLettered: runtime.deadLetters.count,
      lagMs: { p50: percentile(sortedLags, 0.5), p95: percentile(sortedLags, 0.95), max: sortedLags[sortedLags.length - 1] ?? 0 },
      batchSpanMs: percentile([...batchSpans].sort((a, b) => a - b), 0.5),
      overall: scoreboard.overall,
    };

    const files = await writeOutputs(options.outDir, { events, manifest, decisions, violations, warnings, summary });
    const ladder = await ladderRows(runtime.penalties.cases, violations.map((v) => v.violation.merchantId));
    const reportPath = join(options.outDir, 'report.html');
    await writeReport(reportPath, { summary, scoreboard, manifest, thresholds, featureStoreWhy: features.why, eventSource: settings, api, warnings: warnings.map((w) => w.warning), ladder });
    files.unshift(reportPath);
    summary.elapsedMs = Math.round(performance.now() - started);
    await writeFile(join(options.outDir, 'summary.json'), JSON.stringify({ ...summary, scenarios: scoreboard.rows, reviewTrust }, null, 2) + '\n');

    for (const line of finalText(summary, scoreboard, files)) print(line);
    for (const line of reviewTrustLines(reviewTrust)) print(line);
    for (const line of ladderLines(ladder)) print(line);

    if (options.serve) {
      print(`serving until Ctrl-C: HTTP API ${runtime.endpoints.http} (${HTTP_ROUTES.map((r) => r.routeKey).join(', ')}), report ${await serveReport(reportPath, options.signal)}`);
      print(`buyer warnings, live: ${runtime.endpoints.buyerPage}/?buyer=${encodeURIComponent(warnings[0]?.warning.buyerId ?? '<buyerId>')} (WebSocket API ${runtime.endpoints.webSocket})`);
      print(await serveAnalystConsole({ dynamodbEndpoint: runtime.endpoints.dynamodb, tables: runtime.tables, seed: thresholds, outDir: options.outDir, reports: runtime.httpHandlers.reports!, ...(options.signal ? { signal: options.signal } : {}) }));
      await waitForAbort(options.signal);
    }
    return { summary, scoreboard, manifest, reportPath, files };
  } finally {
    await runtime?.stop();
    await features.close();
  }
}

function finalText(summary: RunSummary, board: Scoreboard, files: string[]): string[] {
  const out: string[] = [];
  const secs = (summary.pipelineMs / 1000).toFixed(1);
  out.push('');
  out.push(
    `${fmt(summary.events)} events through the streams in ${secs} s (${fmt(summary.eventsPerSecond)} events/s; stream to handled p50 ${fmt(summary.lagMs.p50)} ms, p95 ${fmt(summary.lagMs.p95)} ms); ${summary.quarantined} quarantined, ${summary.deadLettered} dead-lettered`,
  );
  out.push(
    `decisions: allow ${fmt(summary.decisions.allow)}, review ${fmt(summary.decisions.review)}, block ${fmt(summary.decisions.block)} · violations: ${Object.entries(summary.violations).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'} · buyer warnings: ${summary.warnings}`,
  );
  const o = summary.overall;
  out.push(`orders against the labels: precision ${ratio(o.precision)}, recall ${ratio(o.recall)} (tp ${o.tp}, fp ${o.fp}, fn ${o.fn}; review and block count as flagged)`);
  out.push('');
  out.push(
    renderTable(
      ['scenario', 'caught', 'orders flagged', 'violations', 'warnings', 'first detection', 'precision', 'recall'],
      [...board.rows.map(rowCells), ordinaryCells(board)],
      ['left', 'right', 'right', 'left', 'right', 'right', 'right', 'right'],
    ),
  );
  out.push(
    `caught: instances detected by any flag, violation or warning · first detection: event time from the scenario start to the batch that caught it, median over caught instances (a batch spans ${formatDuration(summary.batchSpanMs)} of event time here)`,
  );
  out.push('honest rows and ordinary traffic: everything they show is a false alarm · precision: flags of the rules that caught the scenario that were on its fraud, not on honest traffic');
  out.push('');
  out.push(`report: ${files[0]}`);
  out.push(`files:  ${files.slice(1).join(', ')}`);
  return out;
}

function rowCells(row: ScenarioRow): string[] {
  const flagged = row.orders === 0 ? '—' : `${row.flagged}/${row.orders}${row.flagged > 0 ? ` (r${row.review} b${row.block})` : ''}`;
  const violations = Object.entries(row.violations).map(([t, n]) => `${t} ${n}`).join(', ') || '—';
  const median = row.detectionMs.length === 0 ? '—' : formatDuration(row.detectionMs[Math.floor((row.detectionMs.length - 1) / 2)]!);
  return [
    `${row.fraud ? '' : '(honest) '}${row.scenario}`,
    row.fraud ? `${row.caught}/${row.instances}` : row.caught === 0 ? 'none' : `${row.caught}/${row.instances} false`,
    flagged,
    violations,
    String(row.warnings || '—'),
    row.fraud ? median : '—',
    row.fraud ? ratio(row.precision) : '—',
    row.fraud ? ratio(row.recall) : '—',
  ];
}

function ordinaryCells(board: Scoreboard): string[] {
  const o = board.ordinary;
  const violations = Object.entries(o.violations).map(([t, n]) => `${t} ${n}`).join(', ') || '—';
  return ['(honest) ordinary traffic', '—', `${o.flagged}/${fmt(o.orders)}`, violations, String(o.warnings || '—'), '—', '—', '—'];
}

/** One request to each HTTP function, as checkout and a load balancer would make it. */
async function callApis(baseUrl: string, events: readonly StreamEvent[]): Promise<string[]> {
  const lines: string[] = [];
  try {
    const health = await fetch(`${baseUrl}/v1/health`);
    const body = (await health.json()) as { status?: string; checks?: Record<string, { ok: boolean }> };
    lines.push(`GET  ${baseUrl}/v1/health -> ${health.status} ${body.status} (${Object.entries(body.checks ?? {}).map(([k, v]) => `${k} ${v.ok ? 'ok' : 'failing'}`).join(', ')})`);
    const sample = [...events].reverse().find((e) => e.kind === 'order' && e.type === 'order.placed' && e.label?.scenario === 'account_takeover');
    if (sample && sample.kind === 'order') {
      const { eventId: _id, label: _label, ...candidate } = sample;
      const response = await fetch(`${baseUrl}/v1/risk-score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(candidate) });
      const scored = (await response.json()) as { decision?: string; score?: number; reasons?: { code: string }[]; message?: string };
      lines.push(
        `POST ${baseUrl}/v1/risk-score (an account-takeover order) -> ${response.status} ${scored.decision ?? scored.message ?? ''}${scored.score !== undefined ? ` score ${scored.score}` : ''}${scored.reasons?.length ? ` [${scored.reasons.map((r) => r.code).join(', ')}]` : ''}`,
      );
    }
  } catch (error) {
    lines.push(`HTTP API check failed: ${(error as Error).message}`);
  }
  return lines;
}

async function writeOutputs(
  dir: string,
  r: { events: readonly StreamEvent[]; manifest: ScenarioManifest; decisions: ReadonlyMap<string, Decision>; violations: readonly DetectedViolation[]; warnings: readonly DetectedWarning[]; summary: RunSummary },
): Promise<string[]> {
  const path = (name: string) => join(dir, name);
  await writeFile(path('manifest.json'), JSON.stringify(r.manifest, null, 2) + '\n');
  await writeJsonl(path('events.jsonl'), r.events);
  await writeJsonl(path('decisions.jsonl'), r.decisions.values());
  await writeJsonl(
    path('violations.jsonl'),
    r.violations.map((v): Violation & { detectedAt: string } => ({ ...v.violation, detectedAt: new Date(v.detectedAtMs).toISOString() })),
  );
  await writeJsonl(path('warnings.jsonl'), r.warnings.map((w) => w.warning));
  const files = ['summary.json', 'manifest.json', 'events.jsonl', 'decisions.jsonl', 'violations.jsonl', 'warnings.jsonl'].map(path);
  if (r.summary.deadLettered > 0) files.push(path('dead-letter.jsonl'));
  return files;
}

async function writeJsonl(path: string, rows: Iterable<unknown>): Promise<void> {
  const out = createWriteStream(path);
  for (const row of rows) if (!out.write(JSON.stringify(row) + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Serves the report on its own loopback port while --serve keeps the run up. */
async function serveReport(reportPath: string, signal: AbortSignal | undefined): Promise<string> {
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const server = createServer((req, res) => {
    if (req.url !== '/' && req.url !== '/report.html') {
      res.writeHead(404).end();
      return;
    }
    readFile(reportPath).then(
      (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  signal?.addEventListener('abort', () => server.close(), { once: true });
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}/`;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

class ProgressLine {
  private last = 0;
  constructor(
    private readonly print: (line: string) => void,
    private readonly live: boolean,
    private readonly text: () => string,
  ) {}
  tick(): void {
    const now = performance.now();
    if (now - this.last < (this.live ? 250 : 10_000)) return;
    this.last = now;
    if (this.live) {
      process.stdout.write(`\r\x1b[2K${this.text()}`);
    } else this.print(this.text());
  }
  done(): void {
    if (this.live) {
      process.stdout.write(`\r\x1b[2K${this.text()}\n`);
    } else this.print(this.text());
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function ratio(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

/** An ISO time as Beijing wall-clock time, the simulated marketplace's. */
export function local(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') + ' (UTC+8)';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
