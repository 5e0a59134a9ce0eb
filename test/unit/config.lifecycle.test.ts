/** The thresholds lifecycle, pure: who may do what to a version, and what the audit log records. */
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../shared/config';
import { diffDocuments, formatDiff } from '../../shared/domain/config/diff';
import {
  approveVersion,
  createDraft,
  editDraft,
  publishVersion,
  rejectVersion,
  rollbackTo,
  seedVersion,
  statusOf,
  type ConfigVersion,
} from '../../shared/domain/config/lifecycle';
import type { Thresholds } from '../../shared/domain/config/thresholds';

const T = (h: number) => `2026-11-28T${String(h).padStart(2, '0')}:00:00.000Z`;
const stricter: Thresholds = { ...defaultThresholds, scoring: { reviewAt: 30, blockAt: 70 } };

function approved(record: ConfigVersion): ConfigVersion {
  const outcome = approveVersion(record, 'bob', T(2));
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.record;
}

describe('JSON diff', () => {
  it('lists changed, added and removed leaves with dotted paths, arrays by index', () => {
    const diff = diffDocuments({ a: { b: 1, c: [1, 2] }, gone: true }, { a: { b: 2, c: [1] }, added: 'x' });

    expect(diff).toEqual([
      { path: 'a.b', op: 'changed', before: 1, after: 2 },
      { path: 'a.c.1', op: 'removed', before: 2 },
      { path: 'gone', op: 'removed', before: true },
      { path: 'added', op: 'added', after: 'x' },
    ]);
    expect(formatDiff(diff)[0]).toBe('~ a.b: 1 -> 2');
  });
});

describe('the lifecycle', () => {
  const seeded = seedVersion(defaultThresholds, T(0));
  const draft = createDraft({ version: 'v2', document: stricter, live: seeded.record, by: 'alice', at: T(1) });

  it('seeds the shipped defaults as the first live version', () => {
    expect(seeded.pointer).toEqual({ version: defaultThresholds.version, seq: 1, at: T(0), by: 'system' });
    expect(statusOf(seeded.record, seeded.pointer)).toBe('live');
  });

  it('stamps a draft with its version id and records its diff against live', () => {
    expect(draft.record.document.version).toBe('v2');
    expect(draft.record.basedOn).toBe(defaultThresholds.version);
    expect(draft.audit.diff).toEqual([
      { path: 'scoring.reviewAt', op: 'changed', before: 40, after: 30 },
      { path: 'scoring.blockAt', op: 'changed', before: 80, after: 70 },
    ]);
  });

  it('refuses the approval of anyone who wrote part of it', () => {
    const edited = editDraft(draft.record, { ...stricter, scoring: { reviewAt: 35, blockAt: 70 } }, 'carol', T(2));
    if (!edited.ok) throw new Error(edited.message);

    const byAuthor = approveVersion(edited.record, 'alice', T(3));
    const byEditor = approveVersion(edited.record, 'carol', T(3));
    const bySecond = approveVersion(edited.record, 'bob', T(3), 'looks right');

    expect(byAuthor).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(byEditor).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(bySecond).toMatchObject({ ok: true, record: { status: 'approved', approvedBy: 'bob', note: 'looks right', revision: 3 } });
  });

  it('edits only drafts, and approves or rejects only drafts', () => {
    const ready = approved(draft.record);

    expect(editDraft(ready, stricter, 'alice', T(3))).toMatchObject({ ok: false, kind: 'conflict' });
    expect(approveVersion(ready, 'dana', T(3))).toMatchObject({ ok: false, kind: 'conflict' });
    expect(rejectVersion(draft.record, 'bob', T(3), 'too noisy')).toMatchObject({ ok: true, record: { status: 'rejected', rejectedBy: 'bob' } });
  });

  it('publishes only an approved version, with the next sequence number and the diff from live', () => {
    const notYet = publishVersion(draft.record, seeded.record, seeded.pointer, 'bob', T(3));
    const published = publishVersion(approved(draft.record), seeded.record, seeded.pointer, 'bob', T(3));

    expect(notYet).toMatchObject({ ok: false, kind: 'conflict' });
    expect(published).toMatchObject({
      ok: true,
      pointer: { version: 'v2', seq: 2, by: 'bob' },
      record: { liveSince: [T(3)] },
      audit: { action: 'publish', version: 'v2', previous: defaultThresholds.version, entryId: `${T(3)}#live.2` },
    });
  });

  it('rolls back only to a version that was live before, and says so in the audit log', () => {
    const published = publishVersion(approved(draft.record), seeded.record, seeded.pointer, 'bob', T(3));
    if (!published.ok) throw new Error(published.message);

    const back = rollbackTo(seeded.record, published.record, published.pointer, 'bob', T(4), 'v2 blocks too much');
    const neverLive = rollbackTo(draft.record, seeded.record, seeded.pointer, 'bob', T(4), 'no');

    expect(statusOf(seeded.record, published.pointer)).toBe('retired');
    expect(back).toMatchObject({ ok: true, pointer: { version: defaultThresholds.version, seq: 3 }, audit: { action: 'rollback', previous: 'v2', note: 'v2 blocks too much' } });
    expect(neverLive).toMatchObject({ ok: false, kind: 'conflict' });
    expect(publishVersion(seeded.record, published.record, published.pointer, 'bob', T(4))).toMatchObject({ ok: false, kind: 'conflict' });
  });
});
