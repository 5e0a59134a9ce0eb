/**
 * The contract of the analysts' configuration ports (ConfigStore, ConfigAuditLog, ShadowSink +
 * ShadowResults, BacktestJobs): one suite, run against every adapter (memory and DynamoDB on dynalite).
 */
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import { createDraft, seedVersion, type ConfigVersion } from '../../shared/domain/config/lifecycle';
import type { BacktestJob } from '../../shared/domain/backtest/compare';
import type { ShadowBatch } from '../../shared/domain/shadow/disagreements';
import type { BacktestJobs, ConfigAuditLog, ConfigStore, ShadowResults, ShadowSink } from '../../shared/ports';

export interface ConfigAdapters {
  store: ConfigStore;
  audit: ConfigAuditLog;
  shadow: ShadowSink & ShadowResults;
  jobs: BacktestJobs;
}

const AT = '2026-11-28T10:00:00.000Z';

function draft(version: string, by = 'alice'): ConfigVersion {
  return createDraft({ version, document: defaultThresholds, live: null, by, at: AT }).record;
}

function batch(candidateVersion: string, overrides: Partial<ShadowBatch> = {}): ShadowBatch {
  return {
    liveVersion: 'v1',
    candidateVersion,
    compared: 10,
    transitions: { 'allow->allow': 9, 'allow->review': 1 },
    decisions: [
      {
        eventId: 'e1',
        orderId: 'o1',
        merchantId: 'm1',
        buyerId: 'b1',
        occurredAt: '2026-11-01T01:00:00.000Z',
        amount: 1200,
        currency: 'CNY',
        live: { decision: 'allow', score: 10, codes: ['COUNTRY_MISMATCH'] },
        candidate: { decision: 'review', score: 45, codes: ['COUNTRY_MISMATCH'] },
      },
    ],
    violations: [{ violationId: 'viol-1', merchantId: 'm1', type: 'price_gouging', occurredAt: '2026-11-01T01:00:00.000Z', side: 'candidate_only' }],
    lastEventAt: '2026-11-01T01:00:00.000Z',
    ...overrides,
  };
}

export function describeConfigContract(adapter: string, make: () => Promise<ConfigAdapters>): void {
  describe(`config ports contract: ${adapter}`, () => {
    it('stores a version once per revision and refuses a stale write', async () => {
      const { store } = await make();
      const first = draft('v1');

      const created = await store.putVersion(first);
      const again = await store.putVersion(first);
      const next = await store.putVersion({ ...first, revision: 2, contributors: ['alice', 'bob'] });
      const stale = await store.putVersion({ ...first, revision: 2 });

      expect([created, again, next, stale]).toEqual([true, false, true, false]);
      expect((await store.getVersion('v1'))?.contributors).toEqual(['alice', 'bob']);
      expect(await store.getVersion('nope')).toBeNull();
    });

    it('lists versions newest first, documents intact', async () => {
      const { store } = await make();
      await store.putVersion({ ...draft('v1'), createdAt: '2026-11-28T10:00:00.000Z' });
      await store.putVersion({ ...draft('v2'), createdAt: '2026-11-28T11:00:00.000Z' });

      const versions = await store.listVersions();

      expect(versions.map((v) => v.version)).toEqual(['v2', 'v1']);
      expect(versions[0]!.document).toEqual({ ...defaultThresholds, version: 'v2' });
    });

    it('moves the live pointer only from the expected sequence number', async () => {
      const { store } = await make();
      const seeded = seedVersion(defaultThresholds, AT);

      const empty = await store.live();
      const first = await store.setLive(seeded.pointer, 0);
      const twice = await store.setLive(seeded.pointer, 0);
      const moved = await store.setLive({ version: 'v2', seq: 2, at: AT, by: 'bob' }, 1);
      const stale = await store.setLive({ version: 'v3', seq: 2, at: AT, by: 'carol' }, 1);

      expect(empty).toBeNull();
      expect([first, twice, moved, stale]).toEqual([true, false, true, false]);
      expect(await store.live()).toEqual({ version: 'v2', seq: 2, at: AT, by: 'bob' });
    });

    it('keeps what a move still owes on the pointer until the same sequence number clears it', async () => {
      const { store } = await make();
      const seeded = seedVersion(defaultThresholds, AT);

      await store.setLive({ ...seeded.pointer, followUp: seeded.audit }, 0);
      const owing = await store.live();
      const cleared = await store.setLive(seeded.pointer, seeded.pointer.seq);

      expect(owing).toEqual({ ...seeded.pointer, followUp: seeded.audit });
      expect(cleared).toBe(true);
      expect(await store.live()).toEqual(seeded.pointer);
    });

    it('hands out increasing version numbers', async () => {
      const { store } = await make();

      const numbers = [await store.nextVersionNumber(), await store.nextVersionNumber(), await store.nextVersionNumber()];

      expect(numbers).toEqual([1, 2, 3]);
    });

    it('sets and clears the shadow pointer', async () => {
      const { store } = await make();

      await store.setShadow({ version: 'v2', since: AT, by: 'alice' });
      const set = await store.shadow();
      await store.setShadow(null);

      expect(set).toEqual({ version: 'v2', since: AT, by: 'alice' });
      expect(await store.shadow()).toBeNull();
    });

    it('keeps suppressions and lifts each once', async () => {
      const { store } = await make();
      await store.putSuppression({
        suppressionId: 's1',
        scope: 'merchant',
        entityId: 'm1',
        code: 'PRICE_GOUGING',
        until: '2026-12-01T00:00:00.000Z',
        reason: 'bundle SKU',
        createdBy: 'alice',
        createdAt: AT,
      });

      const lifted = await store.liftSuppression('s1', 'bob', '2026-11-29T00:00:00.000Z');
      const again = await store.liftSuppression('s1', 'bob', '2026-11-29T00:00:00.000Z');
      const missing = await store.liftSuppression('s9', 'bob', '2026-11-29T00:00:00.000Z');

      expect([lifted, again, missing]).toEqual([true, false, false]);
      expect(await store.listSuppressions()).toEqual([expect.objectContaining({ suppressionId: 's1', liftedBy: 'bob', liftedAt: '2026-11-29T00:00:00.000Z' })]);
    });

    it('appends audit entries once each and lists them newest first', async () => {
      const { audit } = await make();
      const entry = (at: string, suffix: string) => ({ entryId: `${at}#${suffix}`, at, who: 'alice', action: 'draft.create' as const, version: 'v1' });

      await audit.append(entry('2026-11-28T10:00:00.000Z', 'a'));
      await audit.append(entry('2026-11-28T11:00:00.000Z', 'b'));
      await audit.append(entry('2026-11-28T10:00:00.000Z', 'a'));

      expect((await audit.list(10)).map((e) => e.entryId)).toEqual(['2026-11-28T11:00:00.000Z#b', '2026-11-28T10:00:00.000Z#a']);
      expect(await audit.list(1)).toHaveLength(1);
    });

    it('summarises shadow batches and counts each violation disagreement once', async () => {
      const { shadow } = await make();

      await shadow.record(batch('v2'));
      await shadow.record(batch('v2', { decisions: [], transitions: { 'allow->allow': 5 }, compared: 5, lastEventAt: '2026-11-01T02:00:00.000Z' }));

      const summary = await shadow.summary('v2');
      expect(summary).toMatchObject({
        candidateVersion: 'v2',
        liveVersions: ['v1'],
        compared: 15,
        changed: 1,
        transitions: { 'allow->allow': 14, 'allow->review': 1 },
        violationsCandidateOnly: 1,
        violationsLiveOnly: 0,
        lastEventAt: '2026-11-01T02:00:00.000Z',
      });
      expect((await shadow.decisions('v2', 10)).map((d) => d.eventId)).toEqual(['e1']);
      expect((await shadow.violations('v2', 10)).map((v) => v.violationId)).toEqual(['viol-1']);
      expect(await shadow.summary('v9')).toBeNull();
    });

    it('stores backtest jobs, lists them newest first without their reports', async () => {
      const { jobs } = await make();
      const job = (backtestId: string, requestedAt: string): BacktestJob => ({ backtestId, status: 'queued', requestedBy: 'alice', requestedAt, candidate: 'v2', baseline: 'v1' });

      await jobs.submit(job('bt-1', '2026-11-28T10:00:00.000Z'));
      await jobs.submit(job('bt-2', '2026-11-28T11:00:00.000Z'));
      await jobs.update({ ...job('bt-1', '2026-11-28T10:00:00.000Z'), status: 'failed', error: 'no history' });

      expect((await jobs.list(10)).map((j) => [j.backtestId, j.status])).toEqual([
        ['bt-2', 'queued'],
        ['bt-1', 'failed'],
      ]);
      expect(await jobs.get('bt-1')).toMatchObject({ status: 'failed', error: 'no history' });
      expect(await jobs.get('bt-9')).toBeNull();
    });
  });
}
