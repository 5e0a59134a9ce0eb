/**
 * The thresholds document as a lifecycle: `draft` -> `approved` (by someone who did not write it) ->
 * `live`, any earlier live version can be made live again (rollback), and every step is an audit entry
 * with who, when and the diff. Pure: the service (shared/app/config/service.ts) loads and stores,
 * these functions decide.
 *
 * What is live is held by one pointer (a version id and a sequence number that every publish or
 * rollback increments, so two concurrent publishes cannot both win); a version's stored status is
 * only draft, approved or rejected, and `live` / `retired` are derived from the pointer, so the two
 * can never disagree.
 */
import { diffDocuments, type DiffEntry } from './diff';
import type { Thresholds } from './thresholds';

export type StoredStatus = 'draft' | 'approved' | 'rejected';
export type VersionStatus = StoredStatus | 'live' | 'retired';

export interface ConfigVersion {
  /** The version id; the document's own `version` field always equals it. */
  version: string;
  status: StoredStatus;
  document: Thresholds;
  /** The live version this draft started from (what its diff is against), if any. */
  basedOn: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Everyone who wrote this content: none of them may approve it. */
  contributors: string[];
  approvedBy?: string;
  approvedAt?: string;
  rejectedBy?: string;
  rejectedAt?: string;
  /** The approver's or rejecter's note. */
  note?: string;
  /** Every time this version became live (publish or rollback), oldest first. */
  liveSince: string[];
  /** Incremented by every write of the record: stores write conditionally on it. */
  revision: number;
}

export interface LivePointer {
  version: string;
  /** 1 for the first live version, +1 for every publish or rollback. */
  seq: number;
  at: string;
  by: string;
  /**
   * The audit entry this move still owes, with the version record's `liveSince`. Set by the move itself
   * and cleared once both are written, so a mover that stops between the writes leaves its debt on the
   * pointer and the next reader of the live state pays it: no version goes live unaudited.
   */
  followUp?: ConfigAuditEntry;
}

export type ConfigAction =
  | 'seed'
  | 'draft.create'
  | 'draft.edit'
  | 'approve'
  | 'reject'
  | 'publish'
  | 'rollback'
  | 'suppression.create'
  | 'suppression.lift'
  | 'shadow.start'
  | 'shadow.stop';

export interface ConfigAuditEntry {
  /** Sortable by time: `<at>#<suffix>`; a deterministic suffix makes a retried write the same entry. */
  entryId: string;
  at: string;
  who: string;
  action: ConfigAction;
  version?: string;
  /** For publish and rollback: the version that was live before. */
  previous?: string;
  note?: string;
  diff?: DiffEntry[];
  /** Anything else the action is about (a suppression's subject, a backtest id). */
  subject?: Record<string, unknown>;
}

export type Refusal = { ok: false; kind: 'forbidden' | 'conflict' | 'not_found'; message: string };
export type Outcome<T> = ({ ok: true } & T) | Refusal;

const refuse = (kind: Refusal['kind'], message: string): Refusal => ({ ok: false, kind, message });

/** The diff the lifecycle records: the `version` id is left out (it differs by construction). */
export function diffVersions(before: Thresholds | null, after: Thresholds): DiffEntry[] {
  return diffDocuments(before ?? {}, after, { ignoreTopLevel: ['version'] });
}

export function statusOf(record: Pick<ConfigVersion, 'version' | 'status' | 'liveSince'>, live: Pick<LivePointer, 'version'> | null): VersionStatus {
  if (live !== null && live.version === record.version) return 'live';
  if (record.status === 'approved' && record.liveSince.length > 0) return 'retired';
  return record.status;
}

/** The document with its `version` field set to the id it is stored under. */
export function stamped(document: Thresholds, version: string): Thresholds {
  return { ...document, version };
}

/** The version the shipped defaults become when a store is empty: approved by the system, live at once. */
export function seedVersion(document: Thresholds, at: string): { record: ConfigVersion; pointer: LivePointer; audit: ConfigAuditEntry } {
  const record: ConfigVersion = {
    version: document.version,
    status: 'approved',
    document,
    basedOn: null,
    createdBy: 'system',
    createdAt: at,
    updatedAt: at,
    contributors: ['system'],
    approvedBy: 'system',
    approvedAt: at,
    note: 'the shipped defaults, seeded into an empty store',
    liveSince: [at],
    revision: 1,
  };
  return {
    record,
    pointer: { version: document.version, seq: 1, at, by: 'system' },
    audit: { entryId: `${at}#seed`, at, who: 'system', action: 'seed', version: document.version, diff: diffVersions(null, document) },
  };
}

export function createDraft(input: {
  version: string;
  document: Thresholds;
  live: ConfigVersion | null;
  by: string;
  at: string;
}): { record: ConfigVersion; audit: ConfigAuditEntry } {
  const document = stamped(input.document, input.version);
  const record: ConfigVersion = {
    version: input.version,
    status: 'draft',
    document,
    basedOn: input.live?.version ?? null,
    createdBy: input.by,
    createdAt: input.at,
    updatedAt: input.at,
    contributors: [input.by],
    liveSince: [],
    revision: 1,
  };
  const audit: ConfigAuditEntry = {
    entryId: `${input.at}#${input.version}.create`,
    at: input.at,
    who: input.by,
    action: 'draft.create',
    version: input.version,
    ...(input.live ? { previous: input.live.version } : {}),
    diff: diffVersions(input.live?.document ?? null, document),
  };
  return { record, audit };
}

export function editDraft(record: ConfigVersion, document: Thresholds, by: string, at: string): Outcome<{ record: ConfigVersion; audit: ConfigAuditEntry }> {
  if (record.status !== 'draft') return refuse('conflict', `version ${record.version} is ${record.status}: only a draft can be edited (start a new draft from it)`);
  const next = stamped(document, record.version);
  const updated: ConfigVersion = {
    ...record,
    document: next,
    updatedAt: at,
    contributors: record.contributors.includes(by) ? record.contributors : [...record.contributors, by],
    revision: record.revision + 1,
  };
  const audit: ConfigAuditEntry = {
    entryId: `${at}#${record.version}.edit.${updated.revision}`,
    at,
    who: by,
    action: 'draft.edit',
    version: record.version,
    diff: diffVersions(record.document, next),
  };
  return { ok: true, record: updated, audit };
}

/** A second analyst approves a draft: nobody approves a change they wrote any of. */
export function approveVersion(record: ConfigVersion, by: string, at: string, note?: string): Outcome<{ record: ConfigVersion; audit: ConfigAuditEntry }> {
  if (record.status !== 'draft') return refuse('conflict', `version ${record.version} is ${record.status}, not a draft`);
  if (record.contributors.includes(by)) return refuse('forbidden', `${by} wrote part of version ${record.version}: a second analyst must approve it`);
  const updated: ConfigVersion = { ...record, status: 'approved', approvedBy: by, approvedAt: at, ...(note ? { note } : {}), revision: record.revision + 1 };
  return { ok: true, record: updated, audit: { entryId: `${at}#${record.version}.approve`, at, who: by, action: 'approve', version: record.version, ...(note ? { note } : {}) } };
}

export function rejectVersion(record: ConfigVersion, by: string, at: string, note: string): Outcome<{ record: ConfigVersion; audit: ConfigAuditEntry }> {
  if (record.status !== 'draft') return refuse('conflict', `version ${record.version} is ${record.status}, not a draft`);
  const updated: ConfigVersion = { ...record, status: 'rejected', rejectedBy: by, rejectedAt: at, note, revision: record.revision + 1 };
  return { ok: true, record: updated, audit: { entryId: `${at}#${record.version}.reject`, at, who: by, action: 'reject', version: record.version, note } };
}

/** The version record once it went live at `at` (its next revision). */
export function markLive(record: ConfigVersion, at: string): ConfigVersion {
  return { ...record, liveSince: [...record.liveSince, at], revision: record.revision + 1 };
}

function goLive(
  action: 'publish' | 'rollback',
  target: ConfigVersion,
  live: ConfigVersion | null,
  pointer: LivePointer | null,
  by: string,
  at: string,
  note?: string,
): { record: ConfigVersion; pointer: LivePointer; audit: ConfigAuditEntry } {
  const seq = (pointer?.seq ?? 0) + 1;
  return {
    record: markLive(target, at),
    pointer: { version: target.version, seq, at, by },
    audit: {
      // The sequence number names the entry: a retried publish writes the same one.
      entryId: `${at}#live.${seq}`,
      at,
      who: by,
      action,
      version: target.version,
      ...(pointer ? { previous: pointer.version } : {}),
      ...(note ? { note } : {}),
      diff: diffVersions(live?.document ?? null, target.document),
    },
  };
}

/** An approved version becomes live. */
export function publishVersion(
  target: ConfigVersion,
  live: ConfigVersion | null,
  pointer: LivePointer | null,
  by: string,
  at: string,
  note?: string,
): Outcome<{ record: ConfigVersion; pointer: LivePointer; audit: ConfigAuditEntry }> {
  const status = statusOf(target, pointer);
  if (status === 'live') return refuse('conflict', `version ${target.version} is already live`);
  if (status !== 'approved') {
    return refuse('conflict', status === 'retired' ? `version ${target.version} was live before: roll back to it instead` : `version ${target.version} is ${status}: only an approved version can be published`);
  }
  return { ok: true, ...goLive('publish', target, live, pointer, by, at, note) };
}

/** A version that was live before becomes live again. */
export function rollbackTo(
  target: ConfigVersion,
  live: ConfigVersion | null,
  pointer: LivePointer | null,
  by: string,
  at: string,
  note: string,
): Outcome<{ record: ConfigVersion; pointer: LivePointer; audit: ConfigAuditEntry }> {
  const status = statusOf(target, pointer);
  if (status === 'live') return refuse('conflict', `version ${target.version} is already live`);
  if (status !== 'retired') return refuse('conflict', `version ${target.version} was never live (${status}): publish it through approval instead`);
  return { ok: true, ...goLive('rollback', target, live, pointer, by, at, note) };
}

/** The next version id after `n` versions were numbered: v2, v3, ... (v1 is the first draft's predecessor). */
export function versionId(n: number): string {
  return `v${n}`;
}
