/**
 * Property: the merchant's standing depends on the set of violations, not on the order or the number
 * of times they are delivered (redelivery, shard interleaving, late confirmations).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { standing } from '../../shared/domain/penalties/state';
import type { Violation, ViolationType } from '../../shared/domain/records';
import { at, brushingViolation, penaltyHarness, violationOf } from '../support/penalties';

interface Spec {
  type: ViolationType;
  /** Hours after T0 (up to 200 days). */
  hour: number;
  /** Brushing only: whether its ring uses the owner's device. */
  linked: boolean;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  type: fc.constantFrom<ViolationType>('fake_orders', 'fake_orders', 'fake_reviews', 'price_gouging', 'suspicious_payments'),
  hour: fc.integer({ min: 0, max: 200 * 24 }),
  linked: fc.boolean(),
});

function toViolation(spec: Spec): Violation {
  const day = Math.floor(spec.hour / 24);
  const hours = spec.hour % 24;
  if (spec.type === 'fake_orders') return brushingViolation('m-p', day, [spec.linked ? 'b-ring' : `b-stranger-${spec.hour}`], hours);
  return violationOf(spec.type, 'm-p', day, hours);
}

/** The set, delivered in a shuffled order with some violations delivered again, in batches. */
const scenarioArb = fc
  .uniqueArray(specArb, { minLength: 1, maxLength: 9, selector: (s) => `${s.type}:${s.hour}` })
  .chain((specs) => {
    const violations = specs.map(toViolation);
    return fc.record({
      violations: fc.constant(violations),
      delivery: fc.shuffledSubarray([...violations, ...violations], { minLength: violations.length * 2, maxLength: violations.length * 2 }),
      repeats: fc.array(fc.constantFrom(...violations), { maxLength: 4 }),
      batchSize: fc.integer({ min: 1, max: 4 }),
    });
  });

async function finalStanding(deliveries: readonly Violation[], batchSize: number) {
  const h = penaltyHarness({ merchants: { 'm-p': { deviceIds: ['dev-owner'] } } });
  await h.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
  for (let i = 0; i < deliveries.length; i += batchSize) await h.workflow.onViolations(deliveries.slice(i, i + batchSize));
  return standing(await h.state('m-p'));
}

describe('penalty standing', () => {
  it('is the same for any order and duplication of the same violations', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ violations, delivery, repeats, batchSize }) => {
        const sorted = [...violations].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
        const reference = await finalStanding(sorted, 1);

        const shuffled = await finalStanding([...delivery, ...repeats], batchSize);

        expect(shuffled).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the reference run meaningful: some scenarios climb, some hold, some wait for approval', async () => {
    // Guards the property above against passing vacuously (e.g. every run staying at no level).
    const climbing = await finalStanding([0, 2, 4].map((d) => brushingViolation('m-p', d, ['b-ring'])), 1);
    const holding = await finalStanding([brushingViolation('m-p', 0, ['b-x']), brushingViolation('m-p', 1, ['b-y'])], 1);

    expect(climbing).toMatchObject({ level: 'trading_suspended', pending: [{ kind: 'blacklisted' }] });
    expect(holding.level).toBeNull();
    expect(Object.values(holding.violations)).toEqual(['under_investigation', 'under_investigation']);
    expect(at(0)).toBe('2026-03-01T10:00:00.000Z');
  });
});
