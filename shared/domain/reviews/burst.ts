/**
 * Bursts of high ratings, against the SKU's (or shop's) own usual rate: not a fixed count.
 *
 * In the sliding window, a high rating counts 1, or `verifiedWeight` when it comes from a verified,
 * paid buyer not already counted in the window (so a viral product's genuine buyers hardly count).
 * The usual rate is the same weighted count per hour over the trailing `baselineHours` before the
 * window, as a trimmed mean (the busiest hours left out, so a past burst does not hide the next) with
 * a floor for SKUs with no history. The window's weighted count is then judged by the Poisson tail:
 * how likely would at least this many be if the usual rate held? A burst is a tail probability
 * below 10^-minScore, with at least `minSuspicious` ratings that are not from verified buyers. Pure.
 */
import type { ReviewRules } from '../config/reviewRules';

export const HOUR_MS = 3_600_000;

export interface HourCount {
  /** Epoch hour (ms / 3,600,000, floored). */
  hour: number;
  suspicious: number;
  verified: number;
}

/** The epoch hours [from, to) whose counts make the usual rate of a window ending at `atMs`. */
export function baselineHours(atMs: number, rules: ReviewRules['burst']): { fromHour: number; toHour: number } {
  const toHour = Math.floor((atMs - rules.windowMinutes * 60_000) / HOUR_MS);
  return { fromHour: toHour - rules.baselineHours, toHour };
}

/** The usual weighted high ratings per hour: a trimmed mean over every hour of the range (no count: 0). */
export function usualRate(counts: readonly HourCount[], range: { fromHour: number; toHour: number }, rules: ReviewRules['burst']): number {
  const hours = range.toHour - range.fromHour;
  const byHour = new Map<number, number>();
  for (const c of counts) {
    if (c.hour < range.fromHour || c.hour >= range.toHour) continue;
    byHour.set(c.hour, (byHour.get(c.hour) ?? 0) + c.suspicious + rules.verifiedWeight * c.verified);
  }
  const busy = [...byHour.values()].sort((a, b) => b - a);
  const trimmed = busy.slice(Math.ceil(hours * rules.trimTopShare));
  const mean = trimmed.reduce((s, x) => s + x, 0) / Math.max(1, hours - Math.ceil(hours * rules.trimTopShare));
  return Math.max(rules.priorPerHour, mean);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  if (n < 1024) {
    for (let k = LOG_FACTORIALS.length; k <= n; k++) LOG_FACTORIALS.push(LOG_FACTORIALS[k - 1]! + Math.log(k));
    return LOG_FACTORIALS[n]!;
  }
  // Stirling's series: exact to double precision at this size.
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/** log10 P(X >= k) for X ~ Poisson(lambda); 0 for k <= 0. Summed in log space, so tiny tails stay exact. */
export function log10PoissonTail(k: number, lambda: number): number {
  if (k <= 0) return 0;
  const logPmf = (j: number) => -lambda + j * Math.log(lambda) - logFactorial(j);
  if (k <= lambda) {
    // The head is small: 1 - P(X < k).
    let head = 0;
    for (let j = 0; j < k; j++) head += Math.exp(logPmf(j));
    return Math.log10(Math.max(1e-300, 1 - head));
  }
  // Terms fall from j = k on; sum them relative to the first.
  const first = logPmf(k);
  let sum = 0;
  for (let j = k, term = 1; j < k + 10_000 && term > 1e-17 * sum; j++) {
    term = Math.exp(logPmf(j) - first);
    sum += term;
  }
  return (first + Math.log(sum)) / Math.LN10;
}

export interface BurstVerdict {
  fired: boolean;
  /** -log10 of the tail probability. */
  score: number;
  suspicious: number;
  verified: number;
  /** The window's weighted count. */
  weighted: number;
  usualPerHour: number;
  /** What the usual rate predicts for the window. */
  expected: number;
}

/** Judges a window's counts (this review included) against the usual rate. */
export function judgeBurst(window: { suspicious: number; verified: number }, usualPerHour: number, rules: ReviewRules['burst']): BurstVerdict {
  const weighted = window.suspicious + rules.verifiedWeight * window.verified;
  const expected = usualPerHour * (rules.windowMinutes / 60);
  // The tail of the weighted count's integer part: a fractional verified remainder never tips it.
  const score = -log10PoissonTail(Math.floor(weighted + 1e-9), expected);
  return {
    fired: window.suspicious >= rules.minSuspicious && score >= rules.minScore,
    score: Number(score.toFixed(2)),
    suspicious: window.suspicious,
    verified: window.verified,
    weighted: Number(weighted.toFixed(2)),
    usualPerHour: Number(usualPerHour.toFixed(4)),
    expected: Number(expected.toFixed(4)),
  };
}
