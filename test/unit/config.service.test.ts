/**
 * A version never goes live unaudited: a publish that stops after moving the live pointer (the process
 * dies, the audit table is unreachable) leaves what it owes on the pointer, and the next request that
 * reads the live state writes it, once.
 */
import { describe, expect, it } from 'vitest';
import { MemoryConfigAuditLog, MemoryConfigStore } from '../../shared/adapters/memory/config';
import { createConfigService } from '../../shared/app/config/service';
import { defaultThresholds } from '../../shared/config';
import type { ConfigAuditEntry } from '../../shared/domain/config/lifecycle';

const T = (minute: number) => new Date(Date.UTC(2026, 11, 5, 9, minute)).toISOString();

/** An audit log whose appends fail while `down` is true, as an unreachable table would. */
class FlakyAuditLog extends MemoryConfigAuditLog {
  down = false;
  override async append(entry: ConfigAuditEntry): Promise<void> {
    if (this.down) throw new Error('audit table unreachable');
    return super.append(entry);
  }
}

async function approvedDraft() {
  const store = new MemoryConfigStore();
  const audit = new FlakyAuditLog();
  const service = createConfigService({ store, audit, seed: defaultThresholds });
  const draft = await service.createDraft({ ...defaultThresholds, description: 'stricter review' }, 'alice', T(0));
  await service.approve(draft.version, 'bob', T(1));
  return { store, audit, service, version: draft.version };
}

describe('going live', () => {
  it('writes the audit entry and the version record before clearing the pointer', async () => {
    const { store, audit, service, version } = await approvedDraft();

    await service.publish(version, 'bob', T(2), 'weekly tuning');

    expect(await store.live()).toEqual({ version, seq: 2, at: T(2), by: 'bob' });
    expect((await store.getVersion(version))?.liveSince).toEqual([T(2)]);
    expect(audit.entries.filter((e) => e.action === 'publish')).toEqual([expect.objectContaining({ version, who: 'bob', note: 'weekly tuning' })]);
  });

  it('leaves an interrupted publish on the pointer, and the next request audits it once', async () => {
    const { store, audit, service, version } = await approvedDraft();

    audit.down = true;
    await expect(service.publish(version, 'bob', T(2), 'weekly tuning')).rejects.toThrow('audit table unreachable');
    // It is live (the pointer is the truth), and the pointer says what it still owes.
    expect(await store.live()).toMatchObject({ version, seq: 2, followUp: expect.objectContaining({ action: 'publish', version }) });
    expect(audit.entries.filter((e) => e.action === 'publish')).toEqual([]);

    audit.down = false;
    const live = await service.live(T(5));
    await service.versions(T(6));

    expect(live.version).toBe(version);
    expect(await store.live()).toEqual({ version, seq: 2, at: T(2), by: 'bob' });
    expect((await store.getVersion(version))?.liveSince).toEqual([T(2)]);
    expect(audit.entries.filter((e) => e.action === 'publish')).toEqual([expect.objectContaining({ version, who: 'bob', at: T(2), note: 'weekly tuning' })]);
  });

  it('audits the seeded defaults the same way', async () => {
    const store = new MemoryConfigStore();
    const audit = new FlakyAuditLog();
    const service = createConfigService({ store, audit, seed: defaultThresholds });

    audit.down = true;
    await expect(service.live(T(0))).rejects.toThrow('audit table unreachable');
    audit.down = false;
    await service.live(T(1));

    expect(audit.entries.map((e) => e.action)).toEqual(['seed']);
    expect((await store.live())?.followUp).toBeUndefined();
  });
});
