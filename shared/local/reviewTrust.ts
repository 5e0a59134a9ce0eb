/**
 * What the review detector made of each scenario's reviews: the trust weights the review pipeline
 * stored (read at the end of the run, so a ring found late has lowered its early members too),
 * per injected scenario and for ordinary traffic. Labels are read here only, never by detection.
 */
import type { StreamEvent } from '../contracts/events';
import type { ReviewTrustRecord } from '../ports';
import { renderTable } from './table';

/** A weight below this is what a product page would discount hard: counted as "flagged". */
export const LOW_TRUST = 0.5;

export interface ReviewTrustRow {
  scenario: string;
  fraud: boolean;
  reviews: number;
  /** Reviews whose weight ended below LOW_TRUST. */
  lowTrust: number;
  meanTrust: number | null;
  /** Reviews with no weight stored (deleted, or not processed). */
  unjudged: number;
}

export function reviewIdsOf(events: readonly StreamEvent[]): string[] {
  return [...new Set(events.flatMap((e) => (e.kind === 'review' && e.type === 'review.posted' ? [e.reviewId] : [])))];
}

/** Rows per review label (scenario), fraud first; `records` aligned with `reviewIdsOf(events)`. */
export function reviewTrustByScenario(events: readonly StreamEvent[], records: readonly (ReviewTrustRecord | null)[]): ReviewTrustRow[] {
  const ids = reviewIdsOf(events);
  const label = new Map<string, { scenario: string; fraud: boolean }>();
  for (const e of events) if (e.kind === 'review' && e.type === 'review.posted') label.set(e.reviewId, { scenario: e.label?.scenario ?? 'ordinary', fraud: e.label?.fraud === true });
  const rows = new Map<string, ReviewTrustRow & { sum: number }>();
  ids.forEach((id, n) => {
    const { scenario, fraud } = label.get(id)!;
    const row = rows.get(scenario) ?? { scenario, fraud, reviews: 0, lowTrust: 0, meanTrust: null, unjudged: 0, sum: 0 };
    rows.set(scenario, row);
    row.reviews++;
    const r = records[n];
    if (!r || r.deleted) {
      row.unjudged++;
      return;
    }
    row.sum += r.trust;
    if (r.trust < LOW_TRUST) row.lowTrust++;
  });
  return [...rows.values()]
    .map(({ sum, ...row }) => ({ ...row, meanTrust: row.reviews - row.unjudged === 0 ? null : Number((sum / (row.reviews - row.unjudged)).toFixed(3)) }))
    .sort((a, b) => Number(b.fraud) - Number(a.fraud) || a.scenario.localeCompare(b.scenario));
}

export function reviewTrustLines(rows: readonly ReviewTrustRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    `reviews by scenario: the trust weight each review ended with (a product page multiplies it by this); below ${LOW_TRUST} counts as flagged`,
    renderTable(
      ['reviews of', 'reviews', `flagged (< ${LOW_TRUST})`, 'mean weight'],
      rows.map((r) => [`${r.fraud ? '' : '(honest) '}${r.scenario}`, String(r.reviews), `${r.lowTrust}/${r.reviews - r.unjudged}`, r.meanTrust === null ? '—' : r.meanTrust.toFixed(3)]),
      ['left', 'right', 'right', 'right'],
    ),
  ];
}
