/** The penalty workflow end to end on the local runtime: ladder, reverse-brushing guard, approvals, appeals, idempotency. */
import { describe, expect, it } from 'vitest';
import { identityObservations } from '../../shared/app/penalties/identityLinks';
import { creditOf } from '../../shared/app/penalties/service';
import { defaultThresholds } from '../../shared/config';
import { orderEvent } from '../support/orders';
import { at, brushingViolation, penaltyHarness, violationOf } from '../support/penalties';

const OWN_DEVICE = 'dev-shop-owner';

/** A merchant whose brushing ring uses the shop owner's own phone: every violation is attributable. */
async function attributableMerchant() {
  const h = penaltyHarness({ merchants: { 'm-1': { deviceIds: [OWN_DEVICE] } } });
  await h.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: OWN_DEVICE, atMs: 0 }]);
  return h;
}

describe('a merchant with repeated attributable brushing', () => {
  it('climbs the ladder one step per violation, and the severe steps wait for an approver', async () => {
    // Arrange
    const h = await attributableMerchant();
    const violations = [0, 2, 4, 6, 8].map((day) => brushingViolation('m-1', day, ['b-ring', 'b-x']));
    const levels: (string | null)[] = [];
    const pending: string[][] = [];

    // Act: one violation every two days, approving whatever waits before the next one
    for (const [i, v] of violations.entries()) {
      await h.workflow.onViolations([v]);
      const s = await h.state('m-1');
      levels.push(s.level);
      pending.push(s.pending.map((p) => p.kind));
      while ((await h.state('m-1')).pending.length > 0) await h.decidePending('m-1', 'grant', at(i * 2, 2));
    }

    // Assert
    expect(levels).toEqual(['warning', 'listing_restricted', 'trading_suspended', 'trading_suspended', 'deposit_deducted']);
    expect(pending).toEqual([[], [], ['blacklisted'], ['deposit_deducted'], ['terminated']]);
    const s = await h.state('m-1');
    expect(s.level).toBe('terminated');
    expect(s.blacklisted).toBe(true);
    expect(s.violations.every((v) => v.status === 'counted' && v.basis === 'linked')).toBe(true);
    expect(s.steps.map((x) => [x.kind, x.appliedBy])).toEqual([
      ['warning', 'system:penalty-ladder'],
      ['listing_restricted', 'system:penalty-ladder'],
      ['trading_suspended', 'system:penalty-ladder'],
      ['blacklisted', 'alice'],
      ['deposit_deducted', 'alice'],
      ['terminated', 'alice'],
    ]);
    expect(h.notices.published.map((n) => n.detailType).filter((t) => t.endsWith('.applied'))).toEqual([
      'penalty.warning.applied',
      'penalty.listing_restricted.applied',
      'penalty.trading_suspended.applied',
      'penalty.blacklisted.applied',
      'penalty.deposit_deducted.applied',
      'penalty.terminated.applied',
    ]);
    expect(creditOf(s, Date.parse(at(8)), defaultThresholds.penalties)).toBe(0);
  });

  it('says which rule fired and with what numbers', async () => {
    const h = await attributableMerchant();

    await h.workflow.onViolations([brushingViolation('m-1', 0, ['b-ring']), brushingViolation('m-1', 2, ['b-ring'])]);

    const restricted = (await h.state('m-1')).steps[1]!;
    expect(restricted.reasonCode).toBe('PENALTY_LADDER_THRESHOLD');
    expect(restricted.reason).toContain('2 counted violation(s) weigh 1.98 strikes (fake_orders 1.98');
    expect(restricted.reason).toContain('all types within 90 days >= 1.8: listing_restricted');
  });

  it('attributes a repeated pattern without links: brushing in three separate periods counts from the third', async () => {
    const h = penaltyHarness();
    const strangers = (day: number) => brushingViolation('m-2', day, [`b-stranger-${day}`, `b-other-${day}`]);

    await h.workflow.onViolations([strangers(0), strangers(3)]);
    const before = await h.state('m-2');
    await h.workflow.onViolations([strangers(7)]);
    const after = await h.state('m-2');

    expect(before.level).toBeNull();
    expect(before.violations.map((v) => v.status)).toEqual(['under_investigation', 'under_investigation']);
    expect(after.violations.map((v) => [v.status, v.basis])).toEqual([
      ['counted', 'pattern'],
      ['counted', 'pattern'],
      ['counted', 'pattern'],
    ]);
    // Three strikes became effective at one moment: still only one step.
    expect(after.level).toBe('warning');
  });
});

describe('a merchant hit by unattributable fake orders from strangers', () => {
  it('is held for investigation, not penalised, and keeps its credit score', async () => {
    // Arrange: strangers brush the shop twice; one even ships to the shop's own address
    const h = penaltyHarness({ merchants: { 'm-3': { deviceIds: ['dev-m3'], addressIds: ['addr-m3-warehouse'] } } });
    await h.buyerLinks.record([{ buyerId: 'b-rival-1', kind: 'address', value: 'addr-m3-warehouse', atMs: 0 }]);

    // Act
    await h.workflow.onViolations([brushingViolation('m-3', 0, ['b-rival-1', 'b-rival-2']), brushingViolation('m-3', 5, ['b-rival-3'])]);

    // Assert
    const s = await h.state('m-3');
    expect(s.level).toBeNull();
    expect(s.steps).toEqual([]);
    expect(s.violations.map((v) => v.status)).toEqual(['under_investigation', 'under_investigation']);
    expect(s.violations[0]!.links).toEqual([{ kind: 'shared_address', buyerId: 'b-rival-1', value: 'addr-m3-warehouse' }]);
    const held = (await h.audit.list('m-3')).filter((e) => e.action === 'violation_held');
    expect(held).toHaveLength(2);
    expect(held[0]!.why).toContain('VIOLATION_HELD_UNATTRIBUTED: link score 0.5 < 1');
    expect(h.notices.published).toEqual([]);
    expect(creditOf(s, Date.parse(at(5)), defaultThresholds.penalties)).toBe(100);
  });

  it('moves only when an analyst attributes a held violation, and never for a dismissed one', async () => {
    const h = penaltyHarness();
    await h.workflow.onViolations([brushingViolation('m-4', 0, ['b-1']), brushingViolation('m-4', 4, ['b-2'])]);
    const [first, second] = (await h.state('m-4')).violations;

    await h.workflow.start('m-4', { type: 'InvestigationResolved', violationId: first!.violationId, attributed: false, by: 'bob', at: at(6), note: 'rival ring, known accounts' });
    await h.workflow.start('m-4', { type: 'InvestigationResolved', violationId: second!.violationId, attributed: true, by: 'bob', at: at(6, 1), note: 'owner confirmed' });

    const s = await h.state('m-4');
    expect(s.violations.map((v) => [v.status, v.basis])).toEqual([
      ['dismissed', 'analyst'],
      ['counted', 'analyst'],
    ]);
    expect(s.level).toBe('warning');
    expect(s.steps[0]!.appliedAt).toBe(at(6, 1));
    const trail = (await h.audit.list('m-4')).map((e) => [e.who, e.action]);
    expect(trail).toContainEqual(['bob', 'violation_dismissed']);
    expect(trail).toContainEqual(['bob', 'violation_attributed']);
  });

  it('counts a price-gouging violation without attribution: the prices are the merchant\'s own', async () => {
    const h = penaltyHarness();

    await h.workflow.onViolations([violationOf('price_gouging', 'm-5', 0)]);

    const s = await h.state('m-5');
    expect(s.violations[0]).toMatchObject({ status: 'counted', basis: 'not_required' });
    expect(s.level).toBe('warning');
  });
});

describe('a severe step', () => {
  /** m-1 at trading_suspended, blacklisted (approved), deposit deduction waiting. */
  async function waitingForDeposit() {
    const h = await attributableMerchant();
    await h.workflow.onViolations([0, 2, 4].map((d) => brushingViolation('m-1', d, ['b-ring'])));
    await h.decidePending('m-1', 'grant', at(4, 1));
    await h.workflow.onViolations([brushingViolation('m-1', 6, ['b-ring'])]);
    return h;
  }

  it('waits for approval: nothing applies, the approval carries the reason', async () => {
    const h = await waitingForDeposit();

    const s = await h.state('m-1');
    const [approval] = await h.approvals.pending(10);

    expect(s.level).toBe('trading_suspended');
    expect(s.pending).toEqual([expect.objectContaining({ kind: 'deposit_deducted', reasonCode: 'PENALTY_LADDER_THRESHOLD' })]);
    expect(approval).toMatchObject({ merchantId: 'm-1', kind: 'deposit_deducted', status: 'pending', approvalId: s.pending[0]!.approvalId });
    expect(h.notices.published.some((n) => n.detailType === 'penalty.deposit_deducted.applied')).toBe(false);
  });

  it('is not applied when the approver rejects it, and the ladder waits for new evidence', async () => {
    const h = await waitingForDeposit();

    await h.decidePending('m-1', 'reject', at(6, 2), 'carol');
    const afterReject = await h.state('m-1');
    await h.workflow.onViolations([brushingViolation('m-1', 6, ['b-ring'])]); // the same violation again: no new evidence
    const afterDuplicate = await h.state('m-1');
    await h.workflow.onViolations([brushingViolation('m-1', 9, ['b-ring'])]);
    const afterNew = await h.state('m-1');

    expect(afterReject.level).toBe('trading_suspended');
    expect(afterReject.pending).toEqual([]);
    expect(afterReject.holds).toEqual([{ track: 'ladder', reason: 'approval_rejected', at: at(6, 2) }]);
    expect(afterDuplicate).toEqual(afterReject);
    expect(afterNew.pending.map((p) => p.kind)).toEqual(['deposit_deducted']);
    expect((await h.audit.list('m-1')).some((e) => e.who === 'carol' && e.action === 'approval_rejected')).toBe(true);
  });

  it('applies once approved, and an upheld appeal reverses it', async () => {
    // Arrange: the deduction is approved
    const h = await waitingForDeposit();
    await h.decidePending('m-1', 'grant', at(6, 3), 'alice');
    const deposit = (await h.state('m-1')).steps.find((x) => x.kind === 'deposit_deducted')!;

    // Act: the merchant appeals within the window, an approver upholds it
    await h.workflow.start('m-1', { type: 'AppealFiled', appealId: 'appeal-1', stepId: deposit.stepId, by: 'm-1-owner', at: at(8), statement: 'the ring were former staff' });
    const appealed = await h.state('m-1');
    await h.workflow.start('m-1', { type: 'AppealDecided', appealId: 'appeal-1', upheld: true, by: 'alice', at: at(10), note: 'staff left in January' });

    // Assert
    const s = await h.state('m-1');
    expect(appealed.level).toBe('deposit_deducted');
    expect(s.level).toBe('trading_suspended');
    expect(s.steps.find((x) => x.stepId === deposit.stepId)).toMatchObject({ status: 'reversed', reversedBy: 'alice', appeal: { status: 'upheld' } });
    expect(s.violations.find((v) => v.violationId === deposit.triggerViolationIds[0])).toMatchObject({ status: 'dismissed', dismissedByAppeal: 'appeal-1' });
    expect(s.holds.map((x) => [x.track, x.reason])).toEqual([
      ['ladder', 'appeal_upheld'],
      ['blacklist', 'appeal_upheld'],
    ]);
    expect(h.notices.published.map((n) => n.detailType)).toEqual(
      expect.arrayContaining(['penalty.appeal.received', 'penalty.appeal.decided', 'penalty.deposit_deducted.reversed']),
    );
    const reversal = (await h.audit.list('m-1')).find((e) => e.action === 'step_reversed')!;
    expect(reversal).toMatchObject({ who: 'alice', when: at(10), ref: deposit.stepId });
  });

  it('cannot be appealed after the window closes', async () => {
    const h = await waitingForDeposit();
    const warning = (await h.state('m-1')).steps[0]!;

    await h.workflow.start('m-1', { type: 'AppealFiled', appealId: 'late', stepId: warning.stepId, by: 'm-1-owner', at: at(30), statement: 'too late' });

    expect((await h.state('m-1')).steps[0]!.appeal).toBeUndefined();
  });

  it('is cancelled, and its waiting execution released, when an appeal reverses the step it follows', async () => {
    const h = await waitingForDeposit();
    const suspended = (await h.state('m-1')).steps.find((x) => x.kind === 'trading_suspended')!;
    const [waiting] = await h.approvals.pending(10);

    await h.workflow.start('m-1', { type: 'AppealFiled', appealId: 'a-2', stepId: suspended.stepId, by: 'm-1-owner', at: at(6, 5), statement: 'not us' });
    await h.workflow.start('m-1', { type: 'AppealDecided', appealId: 'a-2', upheld: true, by: 'alice', at: at(7), note: 'agreed' });

    const s = await h.state('m-1');
    expect(s.pending).toEqual([]);
    expect(s.level).toBe('listing_restricted');
    expect(s.blacklisted).toBe(false); // the blacklisting followed the reversed step
    expect(await h.approvals.get(waiting!.approvalId)).toMatchObject({ status: 'cancelled' });
  });
});

describe('replaying the same violations', () => {
  it('changes nothing the second time', async () => {
    // Arrange
    const h = await attributableMerchant();
    const violations = [0, 2, 4, 6].map((d) => brushingViolation('m-1', d, ['b-ring']));
    await h.workflow.onViolations(violations);
    const first = await h.cases.load('m-1');
    const audit = await h.audit.list('m-1');
    const notices = h.notices.published.length;

    // Act
    await h.workflow.onViolations(violations);
    await h.workflow.onViolations([...violations].reverse());

    // Assert
    expect(await h.cases.load('m-1')).toEqual(first);
    expect(await h.audit.list('m-1')).toEqual(audit);
    expect(h.notices.published).toHaveLength(notices);
  });
});

describe('what the order pipeline records for attribution', () => {
  it("ties a ring to the shop when its orders were paid with the owner's card", async () => {
    // Arrange: the ring's orders, as the order stream saw them
    const h = penaltyHarness({ merchants: { 'm-6': { instrumentIds: ['pi-owner-card'] } } });
    const items = [
      orderEvent({ merchantId: 'm-6', buyer: { id: 'b-ring' }, payment: { method: 'card', instrumentId: 'pi-owner-card', status: 'captured' }, device: { id: 'dev-9' } }),
      orderEvent({ merchantId: 'm-6', buyer: { id: 'b-ring' }, shipping: { addressId: 'addr-7', country: 'CN', fee: 0 } }),
    ].map((event) => ({ event, occurredAtMs: Date.parse(event.occurredAt) }));

    // Act
    const observations = identityObservations(items);
    await h.buyerLinks.record(observations);
    await h.workflow.onViolations([brushingViolation('m-6', 0, ['b-ring'])]);

    // Assert
    expect(observations.map((o) => [o.kind, o.value])).toEqual([
      ['device', 'dev-9'],
      ['instrument', 'pi-owner-card'],
      ['address', 'addr-7'],
    ]);
    expect((await h.state('m-6')).violations[0]).toMatchObject({ status: 'counted', basis: 'linked', links: [{ kind: 'shared_instrument', buyerId: 'b-ring', value: 'pi-owner-card' }] });
  });
});
