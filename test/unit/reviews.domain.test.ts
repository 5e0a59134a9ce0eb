import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import { baselineHours, judgeBurst, log10PoissonTail, usualRate } from '../../shared/domain/reviews/burst';
import { judgePurchase, type OrderFacts, type ReviewSubject } from '../../shared/domain/reviews/purchase';
import { networkOf, ringKeys } from '../../shared/domain/reviews/ring';
import { combineTrust } from '../../shared/domain/reviews/trust';

const rules = defaultThresholds.rules.reviews;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T08:00:00Z');

describe('burst', () => {
  it('computes Poisson tails exactly, however small', () => {
    expect(10 ** log10PoissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(10 ** log10PoissonTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 0.5), 12);
    // P(X >= 50 | 0.1) = e^-0.1 0.1^50 / 50! × (1 + 0.1/51 + 0.01/(51 × 52) + ...), about 10^-114.5: far below a double's range.
    const first = (-0.1 + 50 * Math.log(0.1) - Array.from({ length: 50 }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b)) / Math.LN10;
    expect(log10PoissonTail(50, 0.1)).toBeCloseTo(first + Math.log10(1 + 0.1 / 51 + 0.01 / (51 * 52)), 7);
    expect(log10PoissonTail(0, 3)).toBe(0);
  });

  it('takes the usual rate from trailing hours, leaving the busiest out and flooring it', () => {
    const range = baselineHours(T0 + 200 * HOUR, rules.burst);
    const steady = Array.from({ length: 168 }, (_, i) => ({ hour: range.fromHour + i, suspicious: 0, verified: 10 }));
    const pastBurst = [{ hour: range.fromHour + 3, suspicious: 500, verified: 0 }];

    expect(usualRate(steady, range, rules.burst)).toBeCloseTo(1, 9); // 10 verified an hour weigh 10 × 0.1
    expect(usualRate(pastBurst, range, rules.burst)).toBe(rules.burst.priorPerHour);
    expect(usualRate([], range, rules.burst)).toBe(rules.burst.priorPerHour);
  });

  it('fires on unverified high ratings far above a quiet SKU, not on verified buyers of a busy one', () => {
    const quiet = rules.burst.priorPerHour;

    expect(judgeBurst({ suspicious: 8, verified: 0 }, quiet, rules.burst)).toMatchObject({ fired: true });
    expect(judgeBurst({ suspicious: 0, verified: 60 }, quiet, rules.burst)).toMatchObject({ fired: false });
    expect(judgeBurst({ suspicious: 4, verified: 0 }, quiet, rules.burst)).toMatchObject({ fired: false }); // below minSuspicious
    expect(judgeBurst({ suspicious: 8, verified: 0 }, 5, rules.burst)).toMatchObject({ fired: false }); // its usual rate is high
  });
});

describe('purchase', () => {
  const review: ReviewSubject = { reviewId: 'r1', buyerId: 'b1', merchantId: 'm1', skuId: 's1', rating: 5, postedAtMs: T0 + 30 * HOUR, orderId: 'o1' };
  const facts: OrderFacts = {
    orderId: 'o1',
    merchantId: 'm1',
    buyerId: 'b1',
    buyerCreatedAtMs: null,
    skuIds: ['s1'],
    placedAtMs: T0,
    paidAtMs: T0 + 60_000,
    completedAtMs: T0 + 20 * HOUR,
    cancelledAtMs: null,
    refundedAtMs: null,
    version: 3,
  };

  it.each([
    ['a verified, received purchase', review, facts, false, 'verified', 1, 1],
    ['no order', { ...review, orderId: null }, null, false, 'unverified', rules.purchase.unverifiedFactor, 1],
    ['an order not reported yet', review, null, false, 'pending', rules.purchase.pendingFactor, 1],
    ["another buyer's order", review, { ...facts, buyerId: 'b2' }, false, 'mismatch', rules.purchase.mismatchFactor, 1],
    ['another product', review, { ...facts, skuIds: ['s2'] as string[] }, false, 'mismatch', rules.purchase.mismatchFactor, 1],
    ['a brushed order', review, facts, true, 'brushing', rules.purchase.brushingFactor, 1],
    ['five stars on a refunded order', review, { ...facts, refundedAtMs: T0 + 25 * HOUR }, false, 'refunded', rules.purchase.refundedFactor, 1],
    ['one star on a refunded order', { ...review, rating: 1 }, { ...facts, refundedAtMs: T0 + 25 * HOUR }, false, 'refunded', 1, 1],
    ['an unpaid order', review, { ...facts, paidAtMs: null, completedAtMs: null }, false, 'unpaid', rules.purchase.unpaidFactor, 1],
    ['seconds after confirming receipt', { ...review, postedAtMs: T0 + 20 * HOUR + 30_000 }, facts, false, 'verified', 1, rules.tooSoon.factor],
    ['an hour after paying, before receipt', { ...review, postedAtMs: T0 + HOUR }, { ...facts, completedAtMs: null }, false, 'verified', 1, rules.tooSoon.factor],
  ] as const)('%s', (_what, r, f, brushing, state, purchase, timing) => {
    const verdict = judgePurchase(r, f, brushing, rules);

    expect(verdict.state).toBe(state);
    expect(verdict.verified).toBe(state === 'verified');
    expect(verdict.purchase.value).toBe(purchase);
    expect(verdict.timing.value).toBe(timing);
    expect(verdict.version).toBe(f?.version ?? 0);
    if (purchase < 1) expect(verdict.purchase.code).toMatch(/^REVIEW_/);
  });
});

describe('rings and trust', () => {
  it('cuts IPs to networks', () => {
    expect(networkOf('203.0.113.77', 24, 64)).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1', 24, 64)).toBe('2001:db8:abcd:12::/64');
    expect(networkOf('::ffff:198.51.100.7', 24, 96)).toBe('0:0:0:0:0:ffff::/96');
    expect(networkOf('not-an-ip', 24, 64)).toBeNull();
  });

  it('keys a review by device, network and account creation bucket when known', () => {
    const keys = ringKeys({ device: { id: 'd1', ip: '10.1.2.3' } }, Date.parse('2026-11-28T07:59:00Z'), rules.ring);

    expect(keys).toEqual([
      { link: 'device', value: 'd1' },
      { link: 'network', value: '10.1.2.0/24' },
      { link: 'accounts_created', value: '2026-11-28T07:30:00.000Z' },
    ]);
    expect(ringKeys({}, null, rules.ring)).toEqual([]);
  });

  it('weighs a review by the product of its factors', () => {
    expect(combineTrust([1, 1])).toBe(1);
    expect(combineTrust([0.4, 0.3, 0.2])).toBe(0.024);
    expect(combineTrust([])).toBe(1);
  });
});
