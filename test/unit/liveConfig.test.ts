/**
 * The live config as running functions read it: a published version reaches a consumer within the
 * cache's bound (and not before: the bound is what keeps the store's reads per instance small), a
 * store fault keeps the last snapshot, and an empty store means the shipped defaults.
 */
import { describe, expect, it } from 'vitest';
import { MemoryConfigAuditLog, MemoryConfigStore } from '../../shared/adapters/memory/config';
import { LiveConfig } from '../../shared/app/config/liveConfig';
import { createConfigService } from '../../shared/app/config/service';
import { defaultThresholds } from '../../shared/config';
import { DependencyError } from '../../shared/errors';
import type { ConfigStore } from '../../shared/ports';

const TTL = 30_000;
const AT = '2026-11-28T10:00:00.000Z';

function setup() {
  let now = Date.parse(AT);
  const store = new MemoryConfigStore();
  const service = createConfigService({ store, audit: new MemoryConfigAuditLog(), seed: defaultThresholds });
  const live = new LiveConfig(store, { seed: defaultThresholds, ttlMs: TTL, now: () => now });
  return { store, service, live, advance: (ms: number) => (now += ms) };
}

async function publishStricter(service: ReturnType<typeof setup>['service']): Promise<string> {
  const draft = await service.createDraft({ ...defaultThresholds, scoring: { reviewAt: 30, blockAt: 70 } }, 'alice', AT);
  await service.approve(draft.version, 'bob', AT);
  await service.publish(draft.version, 'bob', AT);
  return draft.version;
}

describe('LiveConfig', () => {
  it('serves the shipped defaults while the store is empty', async () => {
    const { live } = setup();

    expect((await live.current()).version).toBe(defaultThresholds.version);
    expect(await live.candidate()).toBeNull();
  });

  it('picks up a published version once its snapshot is older than the bound, not before', async () => {
    const { live, service, advance } = setup();
    await live.current();

    const version = await publishStricter(service);
    advance(TTL - 1);
    const justBefore = await live.current();
    advance(1);
    const atTheBound = await live.current();

    expect(justBefore.version).toBe(defaultThresholds.version);
    expect(atTheBound).toMatchObject({ version, scoring: { reviewAt: 30, blockAt: 70 } });
  });

  it('reads the store once per period however many batches ask', async () => {
    const { store } = setup();
    let reads = 0;
    const counting: Pick<ConfigStore, 'live' | 'getVersion' | 'shadow' | 'listSuppressions'> = {
      live: () => (reads++, store.live()),
      getVersion: (v) => store.getVersion(v),
      shadow: () => store.shadow(),
      listSuppressions: () => store.listSuppressions(),
    };
    let now = 0;
    const live = new LiveConfig(counting, { seed: defaultThresholds, ttlMs: TTL, now: () => now });

    await Promise.all(Array.from({ length: 20 }, () => live.current()));
    now += TTL / 2;
    await live.current();
    now += TTL / 2;
    await live.current();

    expect(reads).toBe(2);
  });

  it('keeps the last snapshot when the store fails, and fails the work when there is none', async () => {
    const { store, live, advance } = setup();
    await live.current();
    const broken: Pick<ConfigStore, 'live' | 'getVersion' | 'shadow' | 'listSuppressions'> = {
      ...store,
      live: () => Promise.reject(new Error('ECONNRESET')),
      getVersion: (v) => store.getVersion(v),
      shadow: () => store.shadow(),
      listSuppressions: () => store.listSuppressions(),
    };
    const cold = new LiveConfig(broken, { seed: defaultThresholds, ttlMs: TTL });
    const checkout = new LiveConfig(broken, { seed: defaultThresholds, ttlMs: TTL, onUnavailable: 'seed' });
    advance(TTL);

    await expect(cold.current()).rejects.toBeInstanceOf(DependencyError);
    expect((await checkout.current()).version).toBe(defaultThresholds.version);
    expect((await live.current()).version).toBe(defaultThresholds.version);
  });

  it('carries the shadow candidate and the suppressions not lifted', async () => {
    const { live, service, advance } = setup();
    const draft = await service.createDraft({ ...defaultThresholds, scoring: { reviewAt: 20, blockAt: 70 } }, 'alice', AT);
    await service.startShadow(draft.version, 'alice', AT);
    const kept = await service.suppress({ scope: 'buyer', entityId: 'b-1', code: 'BOT_SIGNUP', until: '2026-12-01T00:00:00Z', reason: 'test account' }, 'alice', AT);
    const lifted = await service.suppress({ scope: 'buyer', entityId: 'b-2', code: 'BOT_SIGNUP', until: '2026-12-01T00:00:00Z', reason: 'test account' }, 'alice', AT);
    await service.lift(lifted.suppressionId, 'bob', AT);
    advance(TTL);

    expect((await live.candidate())?.version).toBe(draft.version);
    expect((await live.suppressions()).map((s) => s.suppressionId)).toEqual([kept.suppressionId]);
  });
  it('in background mode answers at once with the expired snapshot while one refresh runs, then with the refreshed one', async () => {
    const { store, service } = setup();
    let now = Date.parse(AT);
    let release: () => void = () => {};
    let holding = false;
    // The store answers only when the test releases it: a slow DynamoDB.
    const slow: Pick<ConfigStore, 'live' | 'getVersion' | 'shadow' | 'listSuppressions'> = {
      live: async () => {
        if (holding) await new Promise<void>((resolve) => (release = resolve));
        return store.live();
      },
      getVersion: (v) => store.getVersion(v),
      shadow: () => store.shadow(),
      listSuppressions: () => store.listSuppressions(),
    };
    const live = new LiveConfig(slow, { seed: defaultThresholds, ttlMs: TTL, refresh: 'background', now: () => now });
    expect((await live.current()).version).toBe(defaultThresholds.version); // no snapshot yet: it waits

    const version = await publishStricter(service);
    holding = true;
    now += TTL;
    expect((await live.current()).version).toBe(defaultThresholds.version); // expired, answered at once
    expect((await live.current()).version).toBe(defaultThresholds.version); // the refresh is still held
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await live.current()).version).toBe(version);
  });

  it('in the default mode makes the work wait for the refresh once the snapshot expired', async () => {
    const { live, service, advance } = setup();
    await live.current();
    const version = await publishStricter(service);
    advance(TTL);
    expect((await live.current()).version).toBe(version);
  });
});
