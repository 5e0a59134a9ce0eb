/**
 * What a run caught, scored against the simulator's scenario manifest: per injected scenario, the
 * orders flagged (review or block), the violations recorded against its shops, the buyer warnings,
 * how long after the scenario began (in event time) it was first detected, and the false alarms on
 * the honest surprises and on ordinary traffic. Labels are read here only, never by detection.
 */
import type { StreamEvent } from '../contracts/events';
import type { Decision, DecisionKind, Violation, WarningRequest } from '../domain/records';
import type { ScenarioInstance, ScenarioManifest } from '../sim/marketplace';

export interface DetectedViolation {
  violation: Violation;
  /** Event time at which it was recorded (the recording batch's watermark, or the end of the traffic). */
  detectedAtMs: number;
}

export interface DetectedWarning {
  warning: WarningRequest;
  detectedAtMs: number;
}

export interface RunRecords {
  manifest: ScenarioManifest;
  events: readonly StreamEvent[];
  decisions: ReadonlyMap<string, Decision>;
  /**
   * Event time at which each decision was made: the watermark of its batch, since a batch's later
   * events may be what flagged an earlier one. Missing: the decided event's own time.
   */
  decidedAtMs: ReadonlyMap<string, number>;
  violations: readonly DetectedViolation[];
  warnings: readonly DetectedWarning[];
  /** Score at or above which a decision is `review`, and `block` (for the charts). */
  reviewAt: number;
  blockAt: number;
}

export interface InstanceResult {
  instance: ScenarioInstance;
  /** Orders of the scenario that got a decision, and those flagged (review or block). */
  orders: number;
  flagged: number;
  review: number;
  block: number;
  violations: Violation[];
  warnings: number;
  /** Event time from the scenario's start to its first detection; null when not detected. */
  detectionMs: number | null;
  /** Reason codes, violation types and warning types that detected it. */
  detectedBy: string[];
}

export interface ScenarioRow {
  scenario: string;
  fraud: boolean;
  instances: number;
  caught: number;
  orders: number;
  flagged: number;
  review: number;
  block: number;
  violations: Record<string, number>;
  warnings: number;
  detectionMs: number[];
  /** Fraud rows: flags of the rules that caught this scenario that were on this fraud, rather than on honest traffic. */
  precision: number | null;
  /** Fraud rows: share of its orders flagged, or of its instances caught when it has no orders. */
  recall: number | null;
  detectedBy: string[];
}

export interface TimelineBucket {
  startMs: number;
  orders: number;
  fraudOrders: number;
  review: number;
  block: number;
  violations: number;
}

export interface Scoreboard {
  rows: ScenarioRow[];
  instances: InstanceResult[];
  /** Ordinary traffic: orders with no scenario, and what was flagged among them. */
  ordinary: { orders: number; flagged: number; violations: Record<string, number>; warnings: number };
  /** Order level, all scenarios: review and block count as positive. */
  overall: { tp: number; fp: number; fn: number; tn: number; precision: number | null; recall: number | null };
  decisions: Record<DecisionKind, number>;
  /** Decided events by score, in bins of 5 (the last bin holds 95..100), fraud and honest apart. */
  scores: { fraud: number[]; honest: number[] };
  timeline: TimelineBucket[];
  timelineBucketMs: number;
  reasonCodes: Record<string, { fraud: number; honest: number }>;
}

/** Scenarios whose shop is the wrongdoer (or the honest subject): violations on its shops belong to it. */
const SHOP_SCENARIOS = new Set(['order_brushing', 'fake_review_ring', 'price_gouging', 'bot_signup', 'honest_flash_sale', 'honest_price_rise', 'honest_viral_product']);
const RANK: Record<DecisionKind, number> = { allow: 0, review: 1, block: 2 };

interface OrderState {
  orderId: string;
  fraud: boolean;
  scenario: string;
  decision: DecisionKind | null;
  firstFlagMs: number | null;
  codes: Set<string>;
}

export function scoreRun(run: RunRecords): Scoreboard {
  const { manifest } = run;
  const startMs = Date.parse(manifest.startAt);
  const endMs = Date.parse(manifest.endAt);

  // Each order's label (the simulator labels every event of an order alike) and decisions.
  const orders = new Map<string, OrderState>();
  const labelOfEvent = new Map<string, boolean>();
  for (const e of run.events) {
    if (e.kind !== 'order') continue;
    labelOfEvent.set(e.eventId, e.label?.fraud === true);
    if (!orders.has(e.orderId)) orders.set(e.orderId, { orderId: e.orderId, fraud: e.label?.fraud === true, scenario: e.label?.scenario ?? 'ordinary', decision: null, firstFlagMs: null, codes: new Set() });
  }
  const decisions: Record<DecisionKind, number> = { allow: 0, review: 0, block: 0 };
  const scores = { fraud: new Array<number>(20).fill(0), honest: new Array<number>(20).fill(0) };
  const reasonCodes: Record<string, { fraud: number; honest: number }> = {};
  for (const d of run.decisions.values()) {
    decisions[d.decision]++;
    const fraud = labelOfEvent.get(d.eventId) === true;
    scores[fraud ? 'fraud' : 'honest'][Math.min(19, Math.floor(d.score / 5))]!++;
    const order = orders.get(d.orderId);
    if (!order) continue;
    if (order.decision === null || RANK[d.decision] > RANK[order.decision]) order.decision = d.decision;
    if (d.decision !== 'allow') {
      const at = Math.max(Date.parse(d.occurredAt), run.decidedAtMs.get(d.eventId) ?? Number.NEGATIVE_INFINITY);
      order.firstFlagMs = order.firstFlagMs === null ? at : Math.min(order.firstFlagMs, at);
      for (const r of d.reasons) {
        order.codes.add(r.code);
        reasonCodes[r.code] ??= { fraud: 0, honest: 0 };
        reasonCodes[r.code]![fraud ? 'fraud' : 'honest']++;
      }
    }
  }

  // Violations and warnings go to the scenario instance they concern, if any.
  const instanceByMerchant = new Map<string, ScenarioInstance>();
  const instanceByOrder = new Map<string, ScenarioInstance>();
  for (const s of manifest.scenarios) {
    if (SHOP_SCENARIOS.has(s.scenario)) for (const m of s.merchantIds) instanceByMerchant.set(m, s);
    for (const o of s.orderIds) instanceByOrder.set(o, s);
  }
  // A shop a fraud hit without owning it (a top-up shop card testers used, say): the violation goes
  // to the scenario active there at the time, if any.
  const during = (merchantId: string, atMs: number) =>
    manifest.scenarios.find((s) => s.merchantIds.includes(merchantId) && atMs >= Date.parse(s.startAt) - 3_600_000 && atMs <= Date.parse(s.endAt) + 3_600_000);
  const violationsOf = new Map<string, DetectedViolation[]>();
  const ordinaryViolations: Record<string, number> = {};
  for (const dv of run.violations) {
    const instance = instanceByMerchant.get(dv.violation.merchantId) ?? during(dv.violation.merchantId, Date.parse(dv.violation.occurredAt));
    if (instance) violationsOf.set(instance.id, [...(violationsOf.get(instance.id) ?? []), dv]);
    else ordinaryViolations[dv.violation.type] = (ordinaryViolations[dv.violation.type] ?? 0) + 1;
  }
  const warningsOf = new Map<string, DetectedWarning[]>();
  let ordinaryWarnings = 0;
  for (const dw of run.warnings) {
    const w = dw.warning;
    const instance = (w.orderId !== undefined ? instanceByOrder.get(w.orderId) : undefined) ?? (w.merchantId !== undefined ? instanceByMerchant.get(w.merchantId) : undefined);
    if (instance) warningsOf.set(instance.id, [...(warningsOf.get(instance.id) ?? []), dw]);
    else ordinaryWarnings++;
  }

  const instances: InstanceResult[] = manifest.scenarios.map((instance) => {
    const own = instance.orderIds.map((id) => orders.get(id)).filter((o): o is OrderState => o !== undefined && o.decision !== null && o.scenario === instance.scenario);
    const flaggedOrders = own.filter((o) => o.decision !== 'allow');
    const violations = violationsOf.get(instance.id) ?? [];
    const warnings = warningsOf.get(instance.id) ?? [];
    const startedMs = Date.parse(instance.startAt);
    const times = [
      ...flaggedOrders.map((o) => o.firstFlagMs!),
      ...violations.map((v) => v.detectedAtMs),
      ...warnings.map((w) => w.detectedAtMs),
    ];
    const detectedBy = new Set<string>([...flaggedOrders.flatMap((o) => [...o.codes]), ...violations.map((v) => `violation:${v.violation.type}`), ...warnings.map((w) => `warning:${w.warning.type}`)]);
    return {
      instance,
      orders: own.length,
      flagged: flaggedOrders.length,
      review: flaggedOrders.filter((o) => o.decision === 'review').length,
      block: flaggedOrders.filter((o) => o.decision === 'block').length,
      violations: violations.map((v) => v.violation),
      warnings: warnings.length,
      detectionMs: times.length === 0 ? null : Math.max(0, Math.min(...times) - startedMs),
      detectedBy: [...detectedBy].sort(),
    };
  });

  const honestFlagged = [...orders.values()].filter((o) => !o.fraud && o.decision !== null && o.decision !== 'allow');
  const honestViolationTypes = (type: string) =>
    (ordinaryViolations[type] ?? 0) + instances.filter((r) => !r.instance.fraud).reduce((n, r) => n + r.violations.filter((v) => v.type === type).length, 0);

  const scenarioNames = [...new Set(manifest.scenarios.map((s) => s.scenario))];
  const rows: ScenarioRow[] = scenarioNames.map((scenario) => {
    const of = instances.filter((r) => r.instance.scenario === scenario);
    const fraud = of[0]!.instance.fraud;
    const violations: Record<string, number> = {};
    for (const r of of) for (const v of r.violations) violations[v.type] = (violations[v.type] ?? 0) + 1;
    const orderCount = of.reduce((n, r) => n + r.orders, 0);
    const flagged = of.reduce((n, r) => n + r.flagged, 0);
    const caught = of.filter((r) => r.detectionMs !== null).length;
    const detectedBy = [...new Set(of.flatMap((r) => r.detectedBy))].sort();
    let precision: number | null = null;
    let recall: number | null = null;
    if (fraud) {
      const codes = new Set(detectedBy.filter((c) => !c.includes(':')));
      const types = Object.keys(violations);
      const tp = flagged + Object.values(violations).reduce((a, b) => a + b, 0);
      const fp = honestFlagged.filter((o) => [...o.codes].some((c) => codes.has(c))).length + types.reduce((n, t) => n + honestViolationTypes(t), 0);
      precision = tp + fp === 0 ? null : tp / (tp + fp);
      recall = orderCount > 0 ? flagged / orderCount : caught / of.length;
    }
    return {
      scenario,
      fraud,
      instances: of.length,
      caught,
      orders: orderCount,
      flagged,
      review: of.reduce((n, r) => n + r.review, 0),
      block: of.reduce((n, r) => n + r.block, 0),
      violations,
      warnings: of.reduce((n, r) => n + r.warnings, 0),
      detectionMs: of.flatMap((r) => (r.detectionMs === null ? [] : [r.detectionMs])).sort((a, b) => a - b),
      precision,
      recall,
      detectedBy,
    };
  });
  rows.sort((a, b) => Number(b.fraud) - Number(a.fraud));

  const ordinaryOrders = [...orders.values()].filter((o) => o.scenario === 'ordinary' && o.decision !== null);
  const decided = [...orders.values()].filter((o) => o.decision !== null);
  const tp = decided.filter((o) => o.fraud && o.decision !== 'allow').length;
  const fp = decided.filter((o) => !o.fraud && o.decision !== 'allow').length;
  const fn = decided.filter((o) => o.fraud && o.decision === 'allow').length;
  const tn = decided.length - tp - fp - fn;

  const bucketMs = chooseBucket(endMs - startMs);
  const timeline: TimelineBucket[] = [];
  for (let t = startMs; t < endMs; t += bucketMs) timeline.push({ startMs: t, orders: 0, fraudOrders: 0, review: 0, block: 0, violations: 0 });
  // History before the run and anything after it stay off the timeline.
  const bucket = (ms: number) => (ms < startMs || ms > endMs ? undefined : timeline[Math.min(timeline.length - 1, Math.floor((ms - startMs) / bucketMs))]);
  for (const e of run.events) {
    if (e.kind !== 'order' || e.type !== 'order.placed') continue;
    const b = bucket(Date.parse(e.occurredAt));
    if (!b) continue;
    b.orders++;
    if (e.label?.fraud) b.fraudOrders++;
  }
  for (const d of run.decisions.values()) {
    if (d.decision === 'allow') continue;
    const b = bucket(Date.parse(d.occurredAt));
    if (b) b[d.decision]++;
  }
  for (const v of run.violations) {
    const b = bucket(v.detectedAtMs);
    if (b) b.violations++;
  }

  return {
    rows,
    instances,
    ordinary: {
      orders: ordinaryOrders.length,
      flagged: ordinaryOrders.filter((o) => o.decision !== 'allow').length,
      violations: ordinaryViolations,
      warnings: ordinaryWarnings,
    },
    overall: { tp, fp, fn, tn, precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn) },
    decisions,
    scores,
    timeline,
    timelineBucketMs: bucketMs,
    reasonCodes,
  };
}

function chooseBucket(spanMs: number): number {
  const hour = 3_600_000;
  for (const candidate of [15 * 60_000, 30 * 60_000, hour, 2 * hour, 6 * hour, 12 * hour, 24 * hour]) if (spanMs / candidate <= 96) return candidate;
  return 24 * hour;
}

/** "45s", "12m", "1h05m", "2d03h". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}
