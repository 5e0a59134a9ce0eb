/**
 * The backtest: the same history replayed (contracts/replay.md, the same handlers and domain code)
 * once with the baseline version and once with the candidate, then compared on the whole enforcement
 * chain (domain/backtest/compare.ts). Used by `npm run replay -- --compare`, the backtest worker and
 * the local console. The two replays run one after the other: on two cores a parallel run would only
 * make both slower and double the memory.
 */
import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DECIDED_ORDER_TYPES } from '../contracts/events';
import { comparisonRows, compareRuns, RunTally, type BacktestReport, type EventFact } from '../domain/backtest/compare';
import type { Thresholds } from '../domain/config/thresholds';
import type { DecisionKind } from '../domain/records';
import { renderTable } from '../local/table';
import { readInput, ReplayDeadlineError, runReplay, type ReplayOptions } from './replay';

export interface BacktestOptions {
  input: string;
  /** `<outDir>/baseline/` and `<outDir>/candidate/` get each replay's files; `compare.json` and `compare.txt` the comparison. */
  outDir: string;
  baseline: Thresholds;
  candidate: Thresholds;
  batchSize?: number;
  onProgress?: (side: 'baseline' | 'candidate', p: Parameters<NonNullable<ReplayOptions['onProgress']>>[0]) => void;
  /** Wall-clock time (epoch ms) by which both replays must be done; past it the backtest stops with a BacktestDeadlineError. */
  deadlineMs?: number;
}

/** A backtest that did not fit its time: which replay stopped, and how far it got. */
export class BacktestDeadlineError extends Error {
  constructor(
    readonly side: 'baseline' | 'candidate',
    readonly done: number,
    readonly total: number,
  ) {
    super(
      `the ${side} replay reached the time limit after ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events: ` +
        'backtest a shorter period (from, to)',
    );
    this.name = 'BacktestDeadlineError';
  }
}

export interface BacktestResult {
  report: BacktestReport;
  /** The readable comparison table. */
  table: string;
}

/** Amount, currency and label of every decided event in the history (the replay's decisions carry neither). */
async function eventFacts(input: string): Promise<{ facts: Map<string, EventFact>; events: number }> {
  const facts = new Map<string, EventFact>();
  const lines = await readInput(input);
  for (const line of lines) {
    if (line.kind !== 'order') continue;
    let event: { eventId?: unknown; type?: unknown; amount?: unknown; currency?: unknown; label?: { fraud?: unknown } };
    try {
      event = JSON.parse(line.text) as typeof event;
    } catch {
      continue; // poison: the replay counts it
    }
    if (typeof event.eventId !== 'string' || typeof event.type !== 'string' || !DECIDED_ORDER_TYPES.has(event.type as never)) continue;
    if (typeof event.amount !== 'number' || typeof event.currency !== 'string') continue;
    const fraud = event.label?.fraud;
    facts.set(event.eventId, { amount: event.amount, currency: event.currency, ...(typeof fraud === 'boolean' ? { fraud } : {}) });
  }
  return { facts, events: lines.length };
}

async function* jsonl(path: string): AsyncGenerator<Record<string, unknown>> {
  try {
    await access(path);
  } catch {
    return; // a file this replay version does not write (e.g. penalties before the ladder was wired)
  }
  const reader = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of reader) if (text.trim() !== '') yield JSON.parse(text) as Record<string, unknown>;
}

async function tally(dir: string, version: string, facts: ReadonlyMap<string, EventFact>): Promise<RunTally> {
  const t = new RunTally(version);
  for await (const d of jsonl(join(dir, 'decisions.jsonl'))) {
    const eventId = d.eventId as string;
    t.addDecision(
      {
        eventId,
        orderId: d.orderId as string,
        merchantId: d.merchantId as string,
        occurredAt: d.occurredAt as string,
        decision: d.decision as DecisionKind,
        score: d.score as number,
      },
      facts.get(eventId),
    );
  }
  for await (const v of jsonl(join(dir, 'violations.jsonl'))) t.addViolation({ violationId: v.violationId as string, merchantId: v.merchantId as string, type: v.type as string });
  for await (const w of jsonl(join(dir, 'warnings.jsonl'))) t.addWarning(String(w.type));
  for await (const p of jsonl(join(dir, 'penalties.jsonl'))) t.addPenaltyStep(String(p.merchantId), String(p.level));
  for await (const m of jsonl(join(dir, 'merchants.jsonl'))) t.setMerchantLevel(String(m.merchantId), m.penaltyLevel);
  return t;
}

export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  const replay = async (side: 'baseline' | 'candidate', config: Thresholds) => {
    const sideStarted = performance.now();
    try {
      await runReplay({
        input: options.input,
        outDir: join(options.outDir, side),
        config,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.onProgress ? { onProgress: (p) => options.onProgress!(side, p) } : {}),
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      });
    } catch (error) {
      throw error instanceof ReplayDeadlineError ? new BacktestDeadlineError(side, error.done, error.total) : error;
    }
    return Math.round(performance.now() - sideStarted);
  };
  const baselineMs = await replay('baseline', options.baseline);
  const candidateMs = await replay('candidate', options.candidate);

  const { facts, events } = await eventFacts(options.input);
  const [baseline, candidate] = await Promise.all([
    tally(join(options.outDir, 'baseline'), options.baseline.version, facts),
    tally(join(options.outDir, 'candidate'), options.candidate.version, facts),
  ]);
  const report = compareRuns(baseline, candidate, { events, facts, elapsedMs: { baseline: baselineMs, candidate: candidateMs, total: Math.round(performance.now() - started) } });
  const table = formatComparison(report);
  await writeFile(join(options.outDir, 'compare.json'), JSON.stringify(report, null, 2) + '\n');
  await writeFile(join(options.outDir, 'compare.txt'), table + '\n');
  return { report, table };
}

export function formatComparison(report: BacktestReport): string {
  const lines = [
    `backtest: ${report.events} events, baseline ${report.baseline.version} vs candidate ${report.candidate.version} (${(report.elapsedMs.total / 1000).toFixed(1)} s)`,
    renderTable(['', report.baseline.version, report.candidate.version, 'change'], comparisonRows(report), ['left', 'right', 'right', 'left']),
  ];
  if (report.ladder.moved.length > 0) {
    lines.push('merchants moving on the penalty ladder:');
    lines.push(renderTable(['merchant', report.baseline.version, report.candidate.version], report.ladder.moved.slice(0, 20).map((m) => [m.merchantId, m.baseline ?? '—', m.candidate ?? '—'])));
  }
  return lines.join('\n');
}
