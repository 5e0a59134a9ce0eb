/**
 * The contracts of the penalty ports: one suite, run against every adapter (memory and DynamoDB on
 * dynalite). A fresh set of stores per test.
 */
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import type { MerchantIdentities } from '../../shared/domain/penalties/attribution';
import { transition } from '../../shared/domain/penalties/machine';
import { initialState, type AuditEntry, type MerchantPenaltyState } from '../../shared/domain/penalties/state';
import type {
  ApprovalRecord,
  BuyerIdentityLinks,
  MerchantRegistry,
  PenaltyApprovals,
  PenaltyAudit,
  PenaltyCaseRecord,
  PenaltyCases,
} from '../../shared/ports/penalties';
import { at, brushingViolation } from '../support/penalties';

export interface PenaltyStores {
  cases: PenaltyCases;
  audit: PenaltyAudit;
  approvals: PenaltyApprovals;
  buyerLinks: BuyerIdentityLinks;
  registry(seed: Record<string, Partial<MerchantIdentities>>): Promise<MerchantRegistry>;
}

/** A realistic state: three linked brushing violations (warning, restricted, suspended; blacklisting pending). */
function realisticState(merchantId: string): { state: MerchantPenaltyState; outbox: PenaltyCaseRecord['outbox'] } {
  let state = initialState(merchantId);
  let outbox: PenaltyCaseRecord['outbox'] = [];
  for (const day of [0, 2, 4]) {
    const result = transition(
      state,
      { type: 'ViolationRecorded', violation: brushingViolation(merchantId, day, ['b-ring']), links: [{ kind: 'shared_device', buyerId: 'b-ring', value: 'dev-1' }] },
      defaultThresholds.penalties,
    );
    state = result.state;
    outbox = result.effects;
  }
  return { state, outbox };
}

function record(state: MerchantPenaltyState, version: number, outbox: PenaltyCaseRecord['outbox'] = []): PenaltyCaseRecord {
  return { state, version, outbox, creditScore: 62, updatedAt: at(4) };
}

function approval(approvalId: string, overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId,
    merchantId: 'm-1',
    kind: 'deposit_deducted',
    reasonCode: 'PENALTY_LADDER_THRESHOLD',
    reason: 'four strikes',
    requestedAt: at(1),
    taskToken: `token-${approvalId}`,
    status: 'pending',
    ...overrides,
  };
}

export function describePenaltyStoresContract(adapter: string, make: () => Promise<PenaltyStores>): void {
  describe(`penalty stores contract: ${adapter}`, () => {
    it('stores a case only on the expected version (the first writer wins)', async () => {
      const { cases } = await make();
      const { state } = realisticState('m-1');

      const missing = await cases.load('m-1');
      const first = await cases.save(record(state, 1));
      const racingFirst = await cases.save(record(initialState('m-1'), 1));
      const second = await cases.save(record(state, 2));
      const stale = await cases.save(record(state, 2));
      const skipping = await cases.save(record(state, 4));

      expect(missing).toBeNull();
      expect([first, racingFirst, second, stale, skipping]).toEqual([true, false, true, false, false]);
      expect((await cases.load('m-1'))?.version).toBe(2);
    });

    it('gives back the state and outbox exactly as stored', async () => {
      const { cases } = await make();
      const { state, outbox } = realisticState('m-1');

      await cases.save(record(state, 1, outbox));
      const loaded = await cases.load('m-1');

      expect(loaded).toEqual(record(state, 1, outbox));
      expect(loaded!.state.pending.map((p) => p.kind)).toEqual(['blacklisted']);
    });

    it('clears the outbox of the current version only', async () => {
      const { cases } = await make();
      const { state, outbox } = realisticState('m-1');
      await cases.save(record(state, 1, outbox));
      await cases.save(record(state, 2, outbox));

      await cases.clearOutbox('m-1', 1);
      const afterStale = await cases.load('m-1');
      await cases.clearOutbox('m-1', 2);
      const afterCurrent = await cases.load('m-1');

      expect(afterStale!.outbox).toHaveLength(outbox.length);
      expect(afterCurrent!.outbox).toEqual([]);
    });

    it('lists exactly the blacklisted merchants', async () => {
      const { cases } = await make();
      const { state } = realisticState('m-1');
      await cases.save(record({ ...state, blacklisted: true }, 1));
      await cases.save(record({ ...realisticState('m-2').state, blacklisted: true }, 1));
      await cases.save(record(realisticState('m-3').state, 1));
      await cases.save(record({ ...realisticState('m-2').state, blacklisted: false }, 2));

      const listed = await cases.blacklisted();

      expect(listed.map((r) => r.state.merchantId)).toEqual(['m-1']);
    });

    it('appends audit entries once per (merchant, seq), in order', async () => {
      const { audit } = await make();
      const entry = (merchantId: string, seq: number, why: string): AuditEntry => ({ merchantId, seq, who: 'alice', when: at(seq), action: 'step_applied', why, ref: `s-${seq}` });

      await audit.append([entry('m-1', 1, 'second'), entry('m-1', 0, 'first'), entry('m-2', 0, 'other')]);
      await audit.append([entry('m-1', 0, 'rewritten?'), entry('m-1', 2, 'third')]);

      expect((await audit.list('m-1')).map((e) => [e.seq, e.why])).toEqual([
        [0, 'first'],
        [1, 'second'],
        [2, 'third'],
      ]);
      expect(await audit.list('m-2')).toEqual([entry('m-2', 0, 'other')]);
      expect(await audit.list('m-none')).toEqual([]);
    });

    it('keeps approvals: pending oldest first, settled once, never reopened', async () => {
      const { approvals } = await make();
      await approvals.put(approval('a-late', { requestedAt: at(3) }));
      await approvals.put(approval('a-early', { requestedAt: at(1) }));
      await approvals.put(approval('a-early', { requestedAt: at(1), taskToken: 'token-retried' }));

      const pending = await approvals.pending(10);
      const settled = await approvals.settle('a-early', 'approved', 'alice', at(4));
      const again = await approvals.settle('a-early', 'rejected', 'bob', at(5));
      await approvals.put(approval('a-early', { requestedAt: at(1), taskToken: 'token-late-retry' }));

      expect(pending.map((a) => [a.approvalId, a.taskToken])).toEqual([
        ['a-early', 'token-retried'],
        ['a-late', 'token-a-late'],
      ]);
      expect([settled, again]).toEqual([true, false]);
      expect(await approvals.get('a-early')).toEqual(approval('a-early', { taskToken: 'token-retried', status: 'approved', decidedBy: 'alice', decidedAt: at(4) }));
      expect((await approvals.pending(10)).map((a) => a.approvalId)).toEqual(['a-late']);
      expect(await approvals.get('a-none')).toBeNull();
      expect(await approvals.settle('a-none', 'approved', 'alice', at(4))).toBe(false);
    });

    it("knows each merchant's own identities, and nothing of a merchant it was not told about", async () => {
      const { registry } = await make();
      const r = await registry({ 'm-1': { accountIds: ['b-owner'], deviceIds: ['dev-2', 'dev-1'], addressIds: ['addr-1'] } });

      const known = await r.identitiesOf('m-1');
      const unknown = await r.identitiesOf('m-2');

      expect({ ...known, deviceIds: [...known.deviceIds].sort() }).toEqual({ accountIds: ['b-owner'], deviceIds: ['dev-1', 'dev-2'], instrumentIds: [], addressIds: ['addr-1'] });
      expect(unknown).toEqual({ accountIds: [], deviceIds: [], instrumentIds: [], addressIds: [] });
    });

    it('records which identities each buyer used, once each, and knows nothing of other buyers', async () => {
      const { buyerLinks } = await make();
      await buyerLinks.record([
        { buyerId: 'b-1', kind: 'device', value: 'dev-1', atMs: 1 },
        { buyerId: 'b-1', kind: 'device', value: 'dev-1', atMs: 2 },
        { buyerId: 'b-1', kind: 'instrument', value: 'pi-1', atMs: 1 },
        { buyerId: 'b-2', kind: 'address', value: 'addr#with#hashes', atMs: 1 },
      ]);
      await buyerLinks.record([{ buyerId: 'b-1', kind: 'device', value: 'dev-0', atMs: 3 }]);

      const links = await buyerLinks.linksOf(['b-1', 'b-2', 'b-3', 'b-1']);

      expect(links.get('b-1')).toEqual({ deviceIds: ['dev-0', 'dev-1'], instrumentIds: ['pi-1'], addressIds: [] });
      expect(links.get('b-2')).toEqual({ deviceIds: [], instrumentIds: [], addressIds: ['addr#with#hashes'] });
      expect(links.has('b-3')).toBe(false);
    });
  });
}
