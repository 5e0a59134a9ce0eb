/** The backtest's comparison of two runs, pure: decisions, labels, warnings, violations, the ladder, value blocked. */
import { describe, expect, it } from 'vitest';
import { comparisonRows, compareRuns, RunTally, type DecisionRow, type EventFact } from '../../shared/domain/backtest/compare';

const row = (eventId: string, decision: DecisionRow['decision'], score: number, hour = 10): DecisionRow => ({
  eventId,
  orderId: `o-${eventId}`,
  merchantId: 'm-1',
  occurredAt: `2026-11-01T${hour}:15:00.000Z`,
  decision,
  score,
});

describe('compareRuns', () => {
  const facts = new Map<string, EventFact>([
    ['e1', { amount: 10_000, currency: 'CNY', fraud: true }],
    ['e2', { amount: 2_000, currency: 'CNY', fraud: false }],
    ['e3', { amount: 5_000, currency: 'USD', fraud: true }],
  ]);
  const baseline = new RunTally('live');
  baseline.addDecision(row('e1', 'review', 45), facts.get('e1'));
  baseline.addDecision(row('e2', 'allow', 10), facts.get('e2'));
  baseline.addDecision(row('e3', 'allow', 25, 11), facts.get('e3'));
  baseline.addViolation({ violationId: 'v-a', merchantId: 'm-1', type: 'fake_orders' });
  baseline.addWarning('price_gouging');
  baseline.addPenaltyStep('m-1', 'warning');
  const candidate = new RunTally('cand');
  candidate.addDecision(row('e1', 'block', 85), facts.get('e1'));
  candidate.addDecision(row('e2', 'allow', 10), facts.get('e2'));
  candidate.addDecision(row('e3', 'review', 25, 11), facts.get('e3'));
  candidate.addViolation({ violationId: 'v-a', merchantId: 'm-1', type: 'fake_orders' });
  candidate.addViolation({ violationId: 'v-b', merchantId: 'm-2', type: 'price_gouging' });
  candidate.addWarning('price_gouging');
  candidate.addWarning('payment_not_by_owner');
  candidate.addPenaltyStep('m-1', 'warning');
  candidate.addPenaltyStep('m-1', 'listing_restricted');
  candidate.setMerchantLevel('m-2', 'warning');

  const report = compareRuns(baseline, candidate, { events: 3, facts, elapsedMs: { baseline: 1, candidate: 1, total: 2 } });

  it('counts decisions by kind and the orders whose decision changes', () => {
    expect(report.baseline.decisions).toEqual({ allow: 2, review: 1, block: 0 });
    expect(report.candidate.decisions).toEqual({ allow: 1, review: 1, block: 1 });
    expect(report.changedDecisions.transitions).toEqual({ 'review->block': 1, 'allow->review': 1 });
    expect(report.changedDecisions.samples.map((s) => [s.eventId, s.from, s.to, s.fraud])).toEqual([
      ['e1', 'review', 'block', true],
      ['e3', 'allow', 'review', true],
    ]);
  });

  it('scores both runs against the labels, review and block counting as flagged', () => {
    expect(report.baseline.labels).toMatchObject({ tp: 1, fn: 1, fp: 0, tn: 1, precision: 1, recall: 0.5 });
    expect(report.candidate.labels).toMatchObject({ tp: 2, fn: 0, recall: 1 });
    // If the review threshold were 20, e3 (score 25) would be flagged by both runs' scores.
    expect(report.curve?.find((p) => p.threshold === 20)).toEqual({ threshold: 20, baseline: { precision: 1, recall: 1, flagged: 2 }, candidate: { precision: 1, recall: 1, flagged: 2 } });
  });

  it('says what enforcement would change: warnings, violations, the ladder, value blocked', () => {
    expect(report.candidate.warnings).toEqual({ total: 2, byType: { price_gouging: 1, payment_not_by_owner: 1 } });
    expect(report.violations).toMatchObject({ candidateOnly: 1, baselineOnly: 0 });
    expect(report.ladder).toEqual({
      available: true,
      movedCount: 2,
      moved: [
        { merchantId: 'm-1', baseline: 'warning', candidate: 'listing_restricted' },
        { merchantId: 'm-2', baseline: null, candidate: 'warning' },
      ],
    });
    expect(report.baseline.valueBlocked).toEqual({});
    expect(report.candidate.valueBlocked).toEqual({ CNY: 10_000 });
    expect(report.timeline).toEqual([
      { hour: '2026-11-01T10:00:00.000Z', baseline: { review: 1, block: 0 }, candidate: { review: 0, block: 1 } },
      { hour: '2026-11-01T11:00:00.000Z', baseline: { review: 0, block: 0 }, candidate: { review: 1, block: 0 } },
    ]);
  });

  it('makes a readable table of it', () => {
    const rows = comparisonRows(report);

    expect(rows).toContainEqual(['decisions: block', '0', '1', '+1']);
    expect(rows).toContainEqual(['order value blocked (CNY)', '0.00', '100.00', '+100.00']);
    expect(rows).toContainEqual(['merchants moving on the ladder', '', '2', '']);
  });
});
