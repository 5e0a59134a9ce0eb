/**
 * Price gouging as a detector family: per-SKU and per-category daily histograms of paid unit prices
 * (from `order.paid`), and every placed or paid order's lines judged against the baseline.
 *
 * Reads are batched (the distinct histogram keys of a batch in one round trip) and past days'
 * baselines are cached in the process: a baseline only covers whole days that ended at least
 * `excludeRecentHours` ago, so it changes only when late payments for those days arrive, which the
 * cache ignores until it evicts the entry.
 */
import type { OrderEvent } from '../../contracts/events';
import type { Emergency, PriceGougingRules } from '../../domain/config/priceRules';
import { stableId } from '../../domain/ids';
import { money } from '../../domain/payments/signals';
import {
  activeEmergency,
  baselineDays,
  chooseBaseline,
  dayLabel,
  dayOf,
  judgePrice,
  pricedLines,
  weightedMedian,
  type Baseline,
  type GougingVerdict,
  type PricedLine,
} from '../../domain/pricing/gouging';
import type { Violation, WarningRequest } from '../../domain/records';
import type { Signal } from '../../domain/scoring/score';
import type { PriceHistograms, PriceObservation } from '../../ports';
import { addSignals, emptyResult, type DetectorResult, type OrderDetector, type TimedOrderEvent } from './types';

const HISTOGRAM_TTL_MS = 60 * 86_400_000;
const CACHE_LIMIT = 50_000;
const NO_BASELINE = Object.freeze({ median: null, samples: 0 });

export interface GougedLine {
  line: PricedLine;
  baseline: Baseline;
  verdict: GougingVerdict;
  emergencyId?: string;
}

/** Histogram keys: one per currency, SKU or category, and UTC day (the day number since 1970). */
export function histogramKey(scope: 'sku' | 'cat', currency: string, id: string, day: number): string {
  return `${scope}:${currency}:${id}:${day}`;
}

/** A baseline to read: the histograms of one scope over a run of days. */
interface BaselineSpec {
  /** e.g. `sku:CNY:sku-1`; undefined when there is nothing to read (a line without category). */
  prefix: string | undefined;
  days: readonly number[];
}

interface LinePlan {
  line: PricedLine;
  days: readonly number[];
  emergencyId?: string;
  sku: BaselineSpec;
  category: BaselineSpec;
}

function plan(event: OrderEvent, atMs: number, rules: PriceGougingRules): LinePlan[] {
  return pricedLines(event).map((line) => {
    const emergency = activeEmergency(line.category, event.shipping?.country, atMs, rules);
    const days = baselineDays(atMs, rules, emergency);
    return {
      line,
      days,
      ...(emergency ? { emergencyId: emergency.id } : {}),
      sku: { prefix: `sku:${event.currency}:${line.skuId}`, days },
      category: { prefix: line.category === undefined ? undefined : `cat:${event.currency}:${line.category}`, days },
    };
  });
}

/** Reads baselines for many lines: cached medians first, the rest in one round trip. */
class BaselineReader {
  private readonly cache = new Map<string, { median: number | null; samples: number }>();

  constructor(private readonly prices: PriceHistograms) {}

  async medians(specs: readonly BaselineSpec[]): Promise<{ median: number | null; samples: number }[]> {
    const ids = specs.map((s) => (s.prefix === undefined ? undefined : `${s.prefix}:${s.days[0]}-${s.days[s.days.length - 1]}`));
    const missing = new Map<string, BaselineSpec>();
    specs.forEach((s, n) => {
      const id = ids[n];
      if (id !== undefined && !this.cache.has(id)) missing.set(id, s);
    });
    if (missing.size > 0) {
      const keysOf = (s: BaselineSpec) => s.days.map((d) => `${s.prefix}:${d}`);
      const flat = [...new Set([...missing.values()].flatMap(keysOf))];
      const histograms = await this.prices.read(flat);
      const byKey = new Map(flat.map((k, n) => [k, histograms[n]!]));
      for (const [specId, s] of missing) {
        if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(specId, weightedMedian(keysOf(s).map((k) => byKey.get(k)!)));
      }
    }
    return ids.map((id) => (id === undefined ? NO_BASELINE : this.cache.get(id)!));
  }
}

export interface PriceAssessment {
  gouged: GougedLine[];
  signals: Signal[];
}

export function priceSignal(event: OrderEvent, gouged: readonly GougedLine[], rules: PriceGougingRules): Signal[] {
  if (gouged.length === 0) return [];
  const worst = gouged.reduce((a, b) => (b.verdict.ratio > a.verdict.ratio ? b : a));
  const { line, baseline, verdict } = worst;
  const limit = worst.emergencyId ? `emergency ${worst.emergencyId} limit` : verdict.essential ? 'essential-goods limit' : 'limit';
  return [
    {
      code: 'PRICE_GOUGING',
      weight: rules.weight,
      detail:
        `${line.skuId} at ${money(line.unitPrice, event.currency)} per unit is ${verdict.ratio.toFixed(2)}x its usual ` +
        `${money(baseline.price, event.currency)} (${baseline.source} median of ${baseline.samples} paid units, ` +
        `${dayLabel(baseline.fromDay)}-${dayLabel(baseline.toDay)}); ${limit} ${verdict.maxRatio}x`,
    },
  ];
}

export function gougingViolation(event: OrderEvent, atMs: number, g: GougedLine, rules: PriceGougingRules, configVersion: string): Violation {
  const bucketMs = rules.violationBucketHours * 3_600_000;
  const bucketStart = Math.floor(atMs / bucketMs) * bucketMs;
  return {
    violationId: stableId('viol', event.merchantId, 'price_gouging', g.line.skuId, bucketStart),
    merchantId: event.merchantId,
    type: 'price_gouging',
    occurredAt: event.occurredAt,
    configVersion,
    evidence: {
      rule: 'priceGouging',
      orderId: event.orderId,
      eventId: event.eventId,
      skuId: g.line.skuId,
      category: g.line.category ?? null,
      unitPrice: g.line.unitPrice,
      currency: event.currency,
      baseline: g.baseline.price,
      baselineSource: g.baseline.source,
      baselineSamples: g.baseline.samples,
      baselineWindow: { from: dayLabel(g.baseline.fromDay), to: dayLabel(g.baseline.toDay) },
      ratio: Number(g.verdict.ratio.toFixed(4)),
      maxRatio: g.verdict.maxRatio,
      essential: g.verdict.essential,
      emergencyId: g.emergencyId ?? null,
    },
  };
}

export function gougingWarning(event: OrderEvent, g: GougedLine): WarningRequest {
  return {
    warningId: stableId('warn', event.buyer.id, 'price_gouging', event.orderId, g.line.skuId),
    buyerId: event.buyer.id,
    type: 'price_gouging',
    severity: 'warning',
    orderId: event.orderId,
    merchantId: event.merchantId,
    skuId: g.line.skuId,
    params: {
      ratio: Number(g.verdict.ratio.toFixed(1)),
      unitPrice: g.line.unitPrice,
      baseline: g.baseline.price,
      currency: event.currency,
    },
    occurredAt: event.occurredAt,
    sourceEventId: event.eventId,
  };
}

const JUDGED = new Set<OrderEvent['type']>(['order.placed', 'order.paid']);

interface LineFeatures {
  plan: LinePlan;
  sku: { median: number | null; samples: number };
  category: { median: number | null; samples: number };
}

/** The gouging lines among an order's lines, judged under `rules`. Pure. */
function verdicts(lines: readonly LineFeatures[], rules: PriceGougingRules, emergencyOf: (p: LinePlan) => Emergency | undefined): GougedLine[] {
  return lines.flatMap(({ plan: p, sku, category }) => {
    const baseline = chooseBaseline(sku, category, p.days, rules);
    if (!baseline) return [];
    const emergency = emergencyOf(p);
    const verdict = judgePrice(p.line, baseline, rules, emergency);
    return verdict.gouging ? [{ line: p.line, baseline, verdict, ...(emergency ? { emergencyId: emergency.id } : {}) }] : [];
  });
}

export interface PriceGougingDetector extends OrderDetector {
  /** Read-only: judges a candidate order's lines (the checkout endpoint). */
  assess(event: OrderEvent, atMs: number, rules: PriceGougingRules): Promise<PriceAssessment>;
}

export function priceGougingDetector(prices: PriceHistograms): PriceGougingDetector {
  const reader = new BaselineReader(prices);

  /** Each line's plan with the SKU and category medians read for it: the features of the verdict. */
  async function read(items: readonly { event: OrderEvent; atMs: number }[], rules: PriceGougingRules): Promise<LineFeatures[][]> {
    const plans = items.map((i) => plan(i.event, i.atMs, rules));
    const flat = plans.flat();
    const [sku, category] = await Promise.all([reader.medians(flat.map((p) => p.sku)), reader.medians(flat.map((p) => p.category))]);
    let n = 0;
    return plans.map((lines) =>
      lines.map((p) => {
        const k = n++;
        return { plan: p, sku: sku[k]!, category: category[k]! };
      }),
    );
  }

  async function judge(items: readonly { event: OrderEvent; atMs: number }[], rules: PriceGougingRules): Promise<GougedLine[][]> {
    return (await read(items, rules)).map((lines) => verdicts(lines, rules, (p) => (p.emergencyId === undefined ? undefined : rules.emergencies.find((e) => e.id === p.emergencyId))));
  }

  return {
    name: 'priceGouging',
    async process(items: readonly TimedOrderEvent[], config): Promise<DetectorResult> {
      const rules = config.rules.priceGouging;
      const result = emptyResult();
      const judged = items.filter((i) => JUDGED.has(i.event.type) && (i.event.items?.length ?? 0) > 0);
      if (!rules.enabled || judged.length === 0) return result;
      const features = await read(
        judged.map((i) => ({ event: i.event, atMs: i.occurredAtMs })),
        rules,
      );
      const emergencyOf = (p: LinePlan) => (p.emergencyId === undefined ? undefined : rules.emergencies.find((e) => e.id === p.emergencyId));
      const gouged = features.map((lines) => verdicts(lines, rules, emergencyOf));
      // Shadow: the same baselines judged under other rules (the baseline window itself stays as the live rules chose).
      result.rescore = (other) => {
        const rescored = { signals: new Map<string, Signal[]>(), violations: [] as Violation[] };
        const otherRules = other.rules.priceGouging;
        if (!otherRules.enabled) return rescored;
        judged.forEach(({ event, occurredAtMs }, n) => {
          const emergency = (p: LinePlan) => activeEmergency(p.line.category, event.shipping?.country, occurredAtMs, otherRules);
          const lines = verdicts(features[n]!, otherRules, emergency);
          addSignals(rescored.signals, event.eventId, priceSignal(event, lines, otherRules));
          for (const g of lines) rescored.violations.push(gougingViolation(event, occurredAtMs, g, otherRules, other.version));
        });
        return rescored;
      };
      judged.forEach(({ event, occurredAtMs }, n) => {
        const lines = gouged[n]!;
        addSignals(result.signals, event.eventId, priceSignal(event, lines, rules));
        for (const g of lines) {
          result.violations.push(gougingViolation(event, occurredAtMs, g, rules, config.version));
          result.warnings.push(gougingWarning(event, g));
        }
      });
      // Paid prices feed the baselines of later days (today is never in today's baseline).
      const observations = judged
        .filter((i) => i.event.type === 'order.paid')
        .flatMap(({ event, occurredAtMs }) =>
          pricedLines(event).flatMap((line) => {
            const day = dayOf(occurredAtMs);
            const id = `${event.eventId}#${line.lineIndex}`;
            // Literals, not `{ ...base, key }`: V8 builds a spread followed by properties many times slower.
            const observation = (key: string): PriceObservation => ({ key, observationId: id, unitPrice: line.unitPrice, units: line.units, ttlMs: HISTOGRAM_TTL_MS });
            const sku = observation(histogramKey('sku', event.currency, line.skuId, day));
            return line.category === undefined ? [sku] : [sku, observation(histogramKey('cat', event.currency, line.category, day))];
          }),
        );
      await prices.add(observations);
      return result;
    },
    async assess(event, atMs, rules) {
      if (!rules.enabled || (event.items?.length ?? 0) === 0) return { gouged: [], signals: [] };
      const [gouged] = await judge([{ event, atMs }], rules);
      return { gouged: gouged!, signals: priceSignal(event, gouged!, rules) };
    },
  };
}
