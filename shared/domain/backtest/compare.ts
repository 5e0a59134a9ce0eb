/**
 * The backtest of the whole enforcement chain: two replays of the same history, one per thresholds
 * version, compared on what they would have done: decisions by kind and which orders change, buyer
 * warnings, violations, merchants on the penalty ladder, order value blocked, and precision / recall
 * against labels (also as a curve over the review threshold). Pure: the replay's files are read by
 * shared/app/backtest.ts and fed to a tally per run.
 */
import { z } from 'zod';
import { PENALTY_LEVELS, type PenaltyLevel } from '../penalties/policy';
import type { DecisionKind } from '../records';

export const BacktestRequestSchema = z.object({
  /** The version to try. */
  candidate: z.string().trim().min(1).max(100),
  /** What to compare it with; default: the live version. */
  baseline: z.string().trim().min(1).max(100).optional(),
  /** Event-time range of the history (default: all of it). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type BacktestRequest = z.infer<typeof BacktestRequestSchema>;

export type BacktestStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BacktestJob {
  backtestId: string;
  status: BacktestStatus;
  requestedBy: string;
  requestedAt: string;
  candidate: string;
  baseline: string;
  from?: string;
  to?: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  report?: BacktestReport;
}

/**
 * A job as readers should see it: one still `running` long after the worker's time limit was killed
 * (out of memory, say) without recording its end, and is shown failed. The stored record is not changed.
 */
export function asSeen(job: BacktestJob, nowMs: number, workerLimitMs: number | undefined): BacktestJob {
  if (job.status !== 'running' || workerLimitMs === undefined || job.startedAt === undefined) return job;
  const startedMs = Date.parse(job.startedAt);
  if (!(nowMs - startedMs > workerLimitMs)) return job;
  return {
    ...job,
    status: 'failed',
    finishedAt: new Date(startedMs + workerLimitMs).toISOString(),
    error: 'the worker stopped without recording the end (out of memory or killed): run it again on a shorter period (from, to)',
  };
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

export function labelStats(tp: number, fp: number, fn: number, tn: number): LabelStats {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const r = (x: number) => Number(x.toFixed(4));
  return { tp, fp, fn, tn, precision: r(precision), recall: r(recall), f1: r(f1) };
}

/** What the history says about a decided event (from the input, not the replay's output). */
export interface EventFact {
  amount: number;
  currency: string;
  /** The label, when the history has one. */
  fraud?: boolean;
}

export interface DecisionRow {
  eventId: string;
  orderId: string;
  merchantId: string;
  occurredAt: string;
  decision: DecisionKind;
  score: number;
}

export interface RunTotals {
  version: string;
  decisions: Record<DecisionKind, number>;
  labels: LabelStats | null;
  warnings: { total: number; byType: Record<string, number> };
  violations: { total: number; byType: Record<string, number> };
  penalties: { steps: number; merchantsByLevel: Record<string, number> };
  /** Sum of the amounts of blocked orders, minor units, per currency. */
  valueBlocked: Record<string, number>;
}

export interface ChangedDecision {
  eventId: string;
  orderId: string;
  merchantId: string;
  occurredAt: string;
  from: DecisionKind;
  to: DecisionKind;
  scoreFrom: number;
  scoreTo: number;
  fraud?: boolean;
}

export interface LadderMove {
  merchantId: string;
  baseline: PenaltyLevel | null;
  candidate: PenaltyLevel | null;
}

export interface CurvePoint {
  threshold: number;
  baseline: { precision: number; recall: number; flagged: number };
  candidate: { precision: number; recall: number; flagged: number };
}

export interface TimelinePoint {
  /** Start of the hour (ISO). */
  hour: string;
  baseline: { review: number; block: number };
  candidate: { review: number; block: number };
}

export interface BacktestReport {
  events: number;
  baseline: RunTotals;
  candidate: RunTotals;
  changedDecisions: { total: number; transitions: Record<string, number>; samples: ChangedDecision[] };
  violations: { candidateOnly: number; baselineOnly: number; samples: { violationId: string; merchantId: string; type: string; side: 'candidate_only' | 'baseline_only' }[] };
  /** `available` is false when the replays wrote no penalty ladder state (nothing to compare). */
  ladder: { available: boolean; moved: LadderMove[]; movedCount: number };
  /** Precision and recall if the review threshold were `threshold`, from each run's scores (null without labels). */
  curve: CurvePoint[] | null;
  timeline: TimelinePoint[];
  elapsedMs: { baseline: number; candidate: number; total: number };
}

const SAMPLE_LIMIT = 50;
const LADDER_LIMIT = 200;
const KINDS: readonly DecisionKind[] = ['allow', 'review', 'block'];

/** Everything one run did, accumulated record by record (decisions, violations, warnings, ladder). */
export class RunTally {
  readonly decisions: Record<DecisionKind, number> = { allow: 0, review: 0, block: 0 };
  readonly byEvent = new Map<string, { decision: DecisionKind; score: number; row: DecisionRow }>();
  readonly valueBlocked: Record<string, number> = {};
  readonly hourly = new Map<string, { review: number; block: number }>();
  readonly warningsByType: Record<string, number> = {};
  readonly violations = new Map<string, { merchantId: string; type: string }>();
  readonly levels = new Map<string, PenaltyLevel | null>();
  penaltySteps = 0;
  /** Score histograms of labelled events: [fraud, honest] counts per score 0..100. */
  private readonly fraudAt = new Array<number>(101).fill(0);
  private readonly honestAt = new Array<number>(101).fill(0);
  private readonly confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  private labelled = 0;

  constructor(readonly version: string) {}

  addDecision(row: DecisionRow, fact: EventFact | undefined): void {
    if (this.byEvent.has(row.eventId)) return;
    this.byEvent.set(row.eventId, { decision: row.decision, score: row.score, row });
    this.decisions[row.decision]++;
    if (row.decision === 'block' && fact) this.valueBlocked[fact.currency] = (this.valueBlocked[fact.currency] ?? 0) + fact.amount;
    if (row.decision !== 'allow') {
      const hour = `${row.occurredAt.slice(0, 13)}:00:00.000Z`;
      const h = this.hourly.get(hour) ?? { review: 0, block: 0 };
      h[row.decision]++;
      this.hourly.set(hour, h);
    }
    if (fact?.fraud === undefined) return;
    this.labelled++;
    const score = Math.max(0, Math.min(100, Math.round(row.score)));
    (fact.fraud ? this.fraudAt : this.honestAt)[score]!++;
    const positive = row.decision !== 'allow';
    if (positive && fact.fraud) this.confusion.tp++;
    else if (positive) this.confusion.fp++;
    else if (fact.fraud) this.confusion.fn++;
    else this.confusion.tn++;
  }

  addWarning(type: string): void {
    this.warningsByType[type] = (this.warningsByType[type] ?? 0) + 1;
  }

  addViolation(v: { violationId: string; merchantId: string; type: string }): void {
    if (!this.violations.has(v.violationId)) this.violations.set(v.violationId, { merchantId: v.merchantId, type: v.type });
  }

  /** A penalty step (penalties.jsonl): the merchant's level is the highest step seen unless merchants.jsonl says otherwise. */
  addPenaltyStep(merchantId: string, level: string): void {
    this.penaltySteps++;
    const parsed = asLevel(level);
    if (parsed === null) return;
    const current = this.levels.get(merchantId) ?? null;
    if (current === null || PENALTY_LEVELS.indexOf(parsed) > PENALTY_LEVELS.indexOf(current)) this.levels.set(merchantId, parsed);
  }

  /** A merchant's final state (merchants.jsonl): its level is authoritative (an upheld appeal can lower it). */
  setMerchantLevel(merchantId: string, level: unknown): void {
    if (level === null || level === undefined) {
      if (this.levels.has(merchantId)) this.levels.set(merchantId, null);
      return;
    }
    const parsed = asLevel(level);
    if (parsed !== null) this.levels.set(merchantId, parsed);
  }

  get hasLadder(): boolean {
    return this.penaltySteps > 0 || [...this.levels.values()].some((l) => l !== null);
  }

  totals(): RunTotals {
    const violationsByType: Record<string, number> = {};
    for (const v of this.violations.values()) violationsByType[v.type] = (violationsByType[v.type] ?? 0) + 1;
    const merchantsByLevel: Record<string, number> = {};
    for (const level of this.levels.values()) if (level !== null) merchantsByLevel[level] = (merchantsByLevel[level] ?? 0) + 1;
    const c = this.confusion;
    return {
      version: this.version,
      decisions: { ...this.decisions },
      labels: this.labelled === 0 ? null : labelStats(c.tp, c.fp, c.fn, c.tn),
      warnings: { total: Object.values(this.warningsByType).reduce((a, n) => a + n, 0), byType: { ...this.warningsByType } },
      violations: { total: this.violations.size, byType: violationsByType },
      penalties: { steps: this.penaltySteps, merchantsByLevel },
      valueBlocked: { ...this.valueBlocked },
    };
  }

  /** Precision, recall and flagged count if `score >= threshold` were the flag, for each threshold. */
  curve(thresholds: readonly number[]): { threshold: number; precision: number; recall: number; flagged: number }[] | null {
    if (this.labelled === 0) return null;
    const fraudTotal = this.fraudAt.reduce((a, n) => a + n, 0);
    return thresholds.map((t) => {
      let tp = 0;
      let fp = 0;
      for (let s = Math.max(0, Math.ceil(t)); s <= 100; s++) {
        tp += this.fraudAt[s]!;
        fp += this.honestAt[s]!;
      }
      const r = (x: number) => Number(x.toFixed(4));
      return { threshold: t, precision: tp + fp === 0 ? 1 : r(tp / (tp + fp)), recall: fraudTotal === 0 ? 0 : r(tp / fraudTotal), flagged: tp + fp };
    });
  }
}

function asLevel(level: unknown): PenaltyLevel | null {
  return typeof level === 'string' && (PENALTY_LEVELS as readonly string[]).includes(level) ? (level as PenaltyLevel) : null;
}

export const CURVE_THRESHOLDS: readonly number[] = Array.from({ length: 21 }, (_, i) => i * 5);

export function compareRuns(
  baseline: RunTally,
  candidate: RunTally,
  input: { events: number; facts: ReadonlyMap<string, EventFact>; elapsedMs: BacktestReport['elapsedMs'] },
): BacktestReport {
  const transitions: Record<string, number> = {};
  const samples: ChangedDecision[] = [];
  let changed = 0;
  for (const [eventId, b] of baseline.byEvent) {
    const c = candidate.byEvent.get(eventId);
    if (!c || c.decision === b.decision) continue;
    changed++;
    const key = `${b.decision}->${c.decision}`;
    transitions[key] = (transitions[key] ?? 0) + 1;
    if (samples.length < SAMPLE_LIMIT) {
      const fraud = input.facts.get(eventId)?.fraud;
      samples.push({
        eventId,
        orderId: b.row.orderId,
        merchantId: b.row.merchantId,
        occurredAt: b.row.occurredAt,
        from: b.decision,
        to: c.decision,
        scoreFrom: b.score,
        scoreTo: c.score,
        ...(fraud === undefined ? {} : { fraud }),
      });
    }
  }

  const violationSamples: BacktestReport['violations']['samples'] = [];
  let candidateOnly = 0;
  let baselineOnly = 0;
  for (const [violationId, v] of candidate.violations) {
    if (baseline.violations.has(violationId)) continue;
    candidateOnly++;
    if (violationSamples.length < SAMPLE_LIMIT) violationSamples.push({ violationId, ...v, side: 'candidate_only' });
  }
  for (const [violationId, v] of baseline.violations) {
    if (candidate.violations.has(violationId)) continue;
    baselineOnly++;
    if (violationSamples.length < SAMPLE_LIMIT) violationSamples.push({ violationId, ...v, side: 'baseline_only' });
  }

  const moved: LadderMove[] = [];
  let movedCount = 0;
  for (const merchantId of [...new Set([...baseline.levels.keys(), ...candidate.levels.keys()])].sort()) {
    const b = baseline.levels.get(merchantId) ?? null;
    const c = candidate.levels.get(merchantId) ?? null;
    if (b === c) continue;
    movedCount++;
    if (moved.length < LADDER_LIMIT) moved.push({ merchantId, baseline: b, candidate: c });
  }

  const bc = baseline.curve(CURVE_THRESHOLDS);
  const cc = candidate.curve(CURVE_THRESHOLDS);
  const curve =
    bc && cc
      ? CURVE_THRESHOLDS.map((threshold, i) => ({
          threshold,
          baseline: { precision: bc[i]!.precision, recall: bc[i]!.recall, flagged: bc[i]!.flagged },
          candidate: { precision: cc[i]!.precision, recall: cc[i]!.recall, flagged: cc[i]!.flagged },
        }))
      : null;

  const hours = [...new Set([...baseline.hourly.keys(), ...candidate.hourly.keys()])].sort();
  const zero = { review: 0, block: 0 };
  const timeline = hours.map((hour) => ({ hour, baseline: baseline.hourly.get(hour) ?? zero, candidate: candidate.hourly.get(hour) ?? zero }));

  return {
    events: input.events,
    baseline: baseline.totals(),
    candidate: candidate.totals(),
    changedDecisions: { total: changed, transitions, samples },
    violations: { candidateOnly, baselineOnly, samples: violationSamples },
    ladder: { available: baseline.hasLadder || candidate.hasLadder, moved, movedCount },
    curve,
    timeline,
    elapsedMs: input.elapsedMs,
  };
}

/** Rows of the readable comparison table: what, baseline, candidate, change. */
export function comparisonRows(report: BacktestReport): string[][] {
  const b = report.baseline;
  const c = report.candidate;
  const delta = (x: number, y: number) => (y - x === 0 ? '0' : `${y - x > 0 ? '+' : ''}${y - x}`);
  const row = (what: string, x: number, y: number) => [what, String(x), String(y), delta(x, y)];
  const ratio = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(3));
  const rows: string[][] = KINDS.map((k) => row(`decisions: ${k}`, b.decisions[k], c.decisions[k]));
  rows.push(['decisions changed', '', String(report.changedDecisions.total), Object.entries(report.changedDecisions.transitions).map(([t, n]) => `${t} ${n}`).join(', ') || '—']);
  if (b.labels || c.labels) {
    rows.push(['precision (review+block)', ratio(b.labels?.precision), ratio(c.labels?.precision), '']);
    rows.push(['recall (review+block)', ratio(b.labels?.recall), ratio(c.labels?.recall), '']);
  }
  rows.push(row('buyer warnings', b.warnings.total, c.warnings.total));
  for (const type of [...new Set([...Object.keys(b.violations.byType), ...Object.keys(c.violations.byType)])].sort()) {
    rows.push(row(`violations: ${type}`, b.violations.byType[type] ?? 0, c.violations.byType[type] ?? 0));
  }
  if (report.ladder.available) {
    rows.push(row('penalty steps', b.penalties.steps, c.penalties.steps));
    for (const level of PENALTY_LEVELS) rows.push(row(`merchants at ${level}`, b.penalties.merchantsByLevel[level] ?? 0, c.penalties.merchantsByLevel[level] ?? 0));
    rows.push(['merchants moving on the ladder', '', String(report.ladder.movedCount), '']);
  } else {
    rows.push(['penalty ladder', '—', '—', 'not in the replay output']);
  }
  for (const currency of [...new Set([...Object.keys(b.valueBlocked), ...Object.keys(c.valueBlocked)])].sort()) {
    const x = b.valueBlocked[currency] ?? 0;
    const y = c.valueBlocked[currency] ?? 0;
    rows.push([`order value blocked (${currency})`, (x / 100).toFixed(2), (y / 100).toFixed(2), `${y - x >= 0 ? '+' : ''}${((y - x) / 100).toFixed(2)}`]);
  }
  return rows;
}
