/**
 * The analysts' configuration service: the thresholds lifecycle (draft, approve, publish, roll back),
 * suppressions and shadow mode, each change written to the append-only audit log. The lifecycle
 * rules are the pure functions of domain/config/lifecycle.ts; this loads, decides, stores.
 *
 * Without transactions (dynalite has none) the order of writes is what keeps the store consistent:
 * the live pointer is the one truth about what is live and moves by a conditional write on its
 * sequence number, carrying what the move still owes (`followUp`: the audit entry, and with it the
 * version record's `liveSince`). Those are written next, each idempotent (the entry's id derives from
 * the sequence number; `liveSince` is added only when missing), then the pointer is cleared of its
 * debt. A request that stops half-way leaves the debt on the pointer, and the next request that reads
 * the live state pays it: a version never goes live without its audit entry.
 */
import {
  approveVersion,
  createDraft,
  diffVersions,
  editDraft,
  markLive,
  publishVersion,
  rejectVersion,
  rollbackTo,
  seedVersion,
  statusOf,
  versionId,
  type ConfigAuditEntry,
  type ConfigVersion,
  type LivePointer,
  type Outcome,
  type Refusal,
  type VersionStatus,
} from '../../domain/config/lifecycle';
import type { DiffEntry } from '../../domain/config/diff';
import { suppressionProblem, type Suppression, type SuppressionInput } from '../../domain/config/suppressions';
import type { Thresholds } from '../../domain/config/thresholds';
import type { ConfigAuditLog, ConfigStore, ShadowPointer } from '../../ports';

/** A lifecycle rule refused the request; `kind` says how (the HTTP layer maps it to 403 / 404 / 409). */
export class ConfigRefusedError extends Error {
  constructor(
    readonly kind: Refusal['kind'],
    message: string,
  ) {
    super(message);
    this.name = 'ConfigRefusedError';
  }
}

export interface ConfigServiceDeps {
  store: ConfigStore;
  audit: ConfigAuditLog;
  /** The shipped defaults: live when the store is empty. */
  seed: Thresholds;
  /** A fresh id for a suppression (random in production, counted in tests). */
  newId?: () => string;
}

export interface VersionView extends ConfigVersion {
  effectiveStatus: VersionStatus;
}

const RECORD_ATTEMPTS = 5;

function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new ConfigRefusedError(outcome.kind, outcome.message);
  return outcome;
}

export function createConfigService(deps: ConfigServiceDeps) {
  const { store, audit } = deps;
  let suppressionCount = 0;
  const newId = deps.newId ?? (() => `sup-${Date.now().toString(36)}-${(++suppressionCount).toString(36)}-${Math.random().toString(36).slice(2, 8)}`);

  async function mustGet(version: string): Promise<ConfigVersion> {
    const record = await store.getVersion(version);
    if (record === null) throw new ConfigRefusedError('not_found', `no version ${version}`);
    return record;
  }

  /**
   * Pays what a move of the live pointer still owes (see the header): the version record's
   * `liveSince`, the audit entry, then the pointer without its debt. Safe to run twice, or by two
   * requests at once. Returns the pointer as it is once settled.
   */
  async function settle(pointer: LivePointer): Promise<LivePointer> {
    const { followUp, ...moved } = pointer;
    if (followUp === undefined) return pointer;
    for (let attempt = 1; ; attempt++) {
      const record = await mustGet(moved.version);
      if (record.liveSince.includes(moved.at)) break;
      if (await store.putVersion(markLive(record, moved.at))) break;
      if (attempt >= RECORD_ATTEMPTS) throw new ConfigRefusedError('conflict', `version ${moved.version} kept changing; try again`);
    }
    await audit.append(followUp);
    await store.setLive(moved, moved.seq); // false: another request settled it, or the pointer has moved on
    return moved;
  }

  /** The store's live state, settled; an empty store is seeded with the shipped defaults first. */
  async function liveState(at: string): Promise<{ pointer: LivePointer; record: ConfigVersion }> {
    let pointer = await store.live();
    if (pointer === null) {
      const seeded = seedVersion(deps.seed, at);
      await store.putVersion(seeded.record); // false: another request seeded it first, which is as good
      await store.setLive({ ...seeded.pointer, followUp: seeded.audit }, 0);
      pointer = await store.live();
      if (pointer === null) throw new Error('the live pointer vanished right after seeding');
    }
    pointer = await settle(pointer);
    return { pointer, record: await mustGet(pointer.version) };
  }

  const view = (record: ConfigVersion, pointer: LivePointer | null): VersionView => ({ ...record, effectiveStatus: statusOf(record, pointer) });

  async function goLive(kind: 'publish' | 'rollback', version: string, by: string, at: string, note: string | undefined): Promise<{ pointer: LivePointer; audit: ConfigAuditEntry }> {
    const { pointer, record: live } = await liveState(at);
    const target = await mustGet(version);
    const done = unwrap(kind === 'publish' ? publishVersion(target, live, pointer, by, at, note) : rollbackTo(target, live, pointer, by, at, note ?? ''));
    const moving: LivePointer = { ...done.pointer, followUp: done.audit };
    if (!(await store.setLive(moving, pointer.seq))) {
      throw new ConfigRefusedError('conflict', `the live version changed while ${version} was being made live; reload and try again`);
    }
    return { pointer: await settle(moving), audit: done.audit };
  }

  return {
    async live(at: string): Promise<VersionView> {
      const { pointer, record } = await liveState(at);
      return view(record, pointer);
    },

    async versions(at: string): Promise<VersionView[]> {
      const { pointer } = await liveState(at);
      const all = await store.listVersions();
      return all.map((r) => view(r, pointer));
    },

    async version(version: string, at: string): Promise<VersionView> {
      const { pointer } = await liveState(at);
      return view(await mustGet(version), pointer);
    },

    /** A new draft from a validated document; its diff is against the live version. */
    async createDraft(document: Thresholds, by: string, at: string): Promise<VersionView> {
      const { pointer, record: live } = await liveState(at);
      const created = createDraft({ version: versionId(await store.nextVersionNumber()), document, live, by, at });
      if (!(await store.putVersion(created.record))) throw new ConfigRefusedError('conflict', `version ${created.record.version} exists already`);
      await audit.append(created.audit);
      return view(created.record, pointer);
    },

    async editDraft(version: string, document: Thresholds, by: string, at: string, expectRevision?: number): Promise<VersionView> {
      const { pointer } = await liveState(at);
      const record = await mustGet(version);
      if (expectRevision !== undefined && record.revision !== expectRevision) {
        throw new ConfigRefusedError('conflict', `version ${version} is at revision ${record.revision}, not ${expectRevision}: someone else edited it; reload`);
      }
      const edited = unwrap(editDraft(record, document, by, at));
      if (!(await store.putVersion(edited.record))) throw new ConfigRefusedError('conflict', `version ${version} changed meanwhile; reload and edit again`);
      await audit.append(edited.audit);
      return view(edited.record, pointer);
    },

    async approve(version: string, by: string, at: string, note?: string): Promise<VersionView> {
      const { pointer } = await liveState(at);
      const approved = unwrap(approveVersion(await mustGet(version), by, at, note));
      if (!(await store.putVersion(approved.record))) throw new ConfigRefusedError('conflict', `version ${version} changed meanwhile; reload`);
      await audit.append(approved.audit);
      return view(approved.record, pointer);
    },

    async reject(version: string, by: string, at: string, note: string): Promise<VersionView> {
      const { pointer } = await liveState(at);
      const rejected = unwrap(rejectVersion(await mustGet(version), by, at, note));
      if (!(await store.putVersion(rejected.record))) throw new ConfigRefusedError('conflict', `version ${version} changed meanwhile; reload`);
      await audit.append(rejected.audit);
      return view(rejected.record, pointer);
    },

    publish: (version: string, by: string, at: string, note?: string) => goLive('publish', version, by, at, note),
    rollback: (version: string, by: string, at: string, note: string) => goLive('rollback', version, by, at, note),

    /** The diff between two versions (`live` names the live one). */
    async diff(from: string, to: string, at: string): Promise<{ from: string; to: string; diff: DiffEntry[] }> {
      const { record: live } = await liveState(at);
      const resolve = async (v: string) => (v === 'live' ? live : mustGet(v));
      const [a, b] = await Promise.all([resolve(from), resolve(to)]);
      return { from: a.version, to: b.version, diff: diffVersions(a.document, b.document) };
    },

    auditLog: (limit: number) => audit.list(limit),

    async suppressions(): Promise<Suppression[]> {
      return (await store.listSuppressions()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    async suppress(input: SuppressionInput, by: string, at: string): Promise<Suppression> {
      const problem = suppressionProblem(input, Date.parse(at));
      if (problem !== null) throw new ConfigRefusedError('conflict', problem);
      const suppression: Suppression = { ...input, suppressionId: newId(), createdBy: by, createdAt: at };
      await store.putSuppression(suppression);
      await audit.append({
        entryId: `${at}#${suppression.suppressionId}.create`,
        at,
        who: by,
        action: 'suppression.create',
        note: input.reason,
        subject: { suppressionId: suppression.suppressionId, scope: input.scope, entityId: input.entityId, code: input.code, until: input.until },
      });
      return suppression;
    },

    async lift(suppressionId: string, by: string, at: string, note?: string): Promise<void> {
      if (!(await store.liftSuppression(suppressionId, by, at))) throw new ConfigRefusedError('not_found', `no active suppression ${suppressionId}`);
      await audit.append({ entryId: `${at}#${suppressionId}.lift`, at, who: by, action: 'suppression.lift', ...(note ? { note } : {}), subject: { suppressionId } });
    },

    shadow: () => store.shadow(),

    /** Starts shadow mode with a version (any draft or approved one that is not live). */
    async startShadow(version: string, by: string, at: string): Promise<ShadowPointer> {
      const { pointer } = await liveState(at);
      const record = await mustGet(version);
      const status = statusOf(record, pointer);
      if (status === 'live') throw new ConfigRefusedError('conflict', `version ${version} is live: shadow mode compares a candidate with it`);
      if (status === 'rejected') throw new ConfigRefusedError('conflict', `version ${version} was rejected`);
      const shadow: ShadowPointer = { version, since: at, by };
      await store.setShadow(shadow);
      await audit.append({ entryId: `${at}#shadow.start.${version}`, at, who: by, action: 'shadow.start', version, diff: diffVersions((await liveState(at)).record.document, record.document) });
      return shadow;
    },

    async stopShadow(by: string, at: string): Promise<void> {
      const current = await store.shadow();
      if (current === null) throw new ConfigRefusedError('not_found', 'shadow mode is not running');
      await store.setShadow(null);
      await audit.append({ entryId: `${at}#shadow.stop.${current.version}`, at, who: by, action: 'shadow.stop', version: current.version });
    },
  };
}

export type ConfigService = ReturnType<typeof createConfigService>;
