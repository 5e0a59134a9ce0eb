/**
 * Price gouging (哄抬价格): a robust per-SKU baseline of paid unit prices, and the check of a price
 * against it. Pure.
 *
 * The baseline is the weighted median of paid unit prices (shipping spread over the units) over the
 * `baselineDays` whole UTC days before the day that holds `at - excludeRecentHours`, so a spike in
 * progress cannot raise its own baseline. During a declared emergency the window ends before the
 * emergency began: the baseline is frozen at its pre-emergency value.
 */
import type { OrderEvent } from '../../contracts/events';
import type { Emergency, PriceGougingRules } from '../config/priceRules';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface PricedLine {
  skuId: string;
  category: string | undefined;
  /** Unit price with the shipping fee spread over all units of the order, minor units. */
  unitPrice: number;
  units: number;
  lineIndex: number;
}

/** The order's lines at their effective unit price (what the buyer pays per unit, delivered). */
export function pricedLines(event: Pick<OrderEvent, 'items' | 'shipping'>): PricedLine[] {
  const items = event.items ?? [];
  const units = items.reduce((sum, i) => sum + i.quantity, 0);
  const feePerUnit = units > 0 ? (event.shipping?.fee ?? 0) / units : 0;
  return items.map((i, lineIndex) => ({
    skuId: i.skuId,
    category: i.category,
    unitPrice: Math.round(i.unitPrice + feePerUnit),
    units: i.quantity,
    lineIndex,
  }));
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function dayLabel(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

function matches(category: string | undefined, prefix: string): boolean {
  return category !== undefined && (category === prefix || category.startsWith(`${prefix}.`));
}

export function isEssential(category: string | undefined, rules: PriceGougingRules): boolean {
  return rules.essentialCategories.some((p) => matches(category, p));
}

/** The emergency in force for this category, shipping region and time, if any. */
export function activeEmergency(category: string | undefined, region: string | undefined, atMs: number, rules: PriceGougingRules): Emergency | undefined {
  return rules.emergencies.find(
    (e) =>
      e.categories.some((p) => matches(category, p)) &&
      (e.regions.length === 0 || (region !== undefined && e.regions.includes(region))) &&
      Date.parse(e.startAt) <= atMs &&
      (e.endAt === undefined || atMs < Date.parse(e.endAt)),
  );
}

/** The whole UTC days, oldest first, whose paid prices form the baseline at `atMs`. */
export function baselineDays(atMs: number, rules: PriceGougingRules, emergency?: Emergency): readonly number[] {
  const anchor = emergency ? Math.min(atMs, Date.parse(emergency.startAt)) : atMs;
  const lastExcluded = dayOf(anchor - rules.excludeRecentHours * HOUR_MS);
  // Every order of a day asks for the same window: it is built once per rules object and day.
  let byDay = windows.get(rules);
  if (!byDay) windows.set(rules, (byDay = new Map()));
  let days = byDay.get(lastExcluded);
  if (!days) {
    days = Object.freeze(Array.from({ length: rules.baselineDays }, (_, n) => lastExcluded - rules.baselineDays + n));
    byDay.set(lastExcluded, days);
  }
  return days;
}

const windows = new WeakMap<PriceGougingRules, Map<number, readonly number[]>>();

/** Weighted median of unit prices over histograms (price -> units), and the units counted. */
export function weightedMedian(histograms: readonly ReadonlyMap<number, number>[]): { median: number | null; samples: number } {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const [price, units] of h) merged.set(price, (merged.get(price) ?? 0) + units);
  const prices = [...merged].sort((a, b) => a[0] - b[0]);
  const samples = prices.reduce((sum, [, units]) => sum + units, 0);
  if (samples === 0) return { median: null, samples: 0 };
  let seen = 0;
  for (const [price, units] of prices) {
    seen += units;
    if (seen * 2 >= samples) return { median: price, samples };
  }
  return { median: prices[prices.length - 1]![0], samples };
}

export interface Baseline {
  price: number;
  samples: number;
  source: 'sku' | 'category';
  fromDay: number;
  toDay: number;
}

/** The SKU's own baseline when it has enough samples, else its category's, else none. */
export function chooseBaseline(
  sku: { median: number | null; samples: number },
  category: { median: number | null; samples: number },
  days: readonly number[],
  rules: PriceGougingRules,
): Baseline | null {
  const span = { fromDay: days[0]!, toDay: days[days.length - 1]! };
  if (sku.median !== null && sku.samples >= rules.minSamples) return { price: sku.median, samples: sku.samples, source: 'sku', ...span };
  if (category.median !== null && category.samples >= rules.categoryMinSamples) {
    return { price: category.median, samples: category.samples, source: 'category', ...span };
  }
  return null;
}

/** The highest allowed ratio of price to baseline for this line. */
export function maxRatioFor(category: string | undefined, baseline: Baseline, rules: PriceGougingRules, emergency?: Emergency): number {
  const essential = isEssential(category, rules);
  // A category baseline stands for many SKUs at many price levels: it is judged loosely even in an
  // emergency (a premium SKU with little history is not gouging at 1.5x its category's median).
  if (baseline.source === 'category') return rules.categoryBaselineMaxRatio;
  if (emergency) return emergency.maxRatio ?? rules.essentialMaxRatio;
  if (essential) return rules.essentialMaxRatio;
  const override = Object.entries(rules.categoryMaxRatio)
    .filter(([prefix]) => matches(category, prefix))
    .sort((a, b) => b[0].length - a[0].length)[0];
  return override ? override[1] : rules.defaultMaxRatio;
}

export interface GougingVerdict {
  gouging: boolean;
  ratio: number;
  maxRatio: number;
  essential: boolean;
}

export function judgePrice(line: PricedLine, baseline: Baseline, rules: PriceGougingRules, emergency?: Emergency): GougingVerdict {
  const ratio = line.unitPrice / baseline.price;
  const maxRatio = maxRatioFor(line.category, baseline, rules, emergency);
  return { gouging: baseline.price > 0 && ratio > maxRatio, ratio, maxRatio, essential: isEssential(line.category, rules) };
}
