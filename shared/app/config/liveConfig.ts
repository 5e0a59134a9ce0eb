/**
 * What running functions read the analysts' configuration through: the live thresholds version, the
 * shadow candidate and the suppressions, from the config store, cached for a bounded time (default
 * 30 s) so a published version reaches every running consumer within that bound without a redeploy,
 * and the store sees one small read per function instance per period, not one per batch.
 *
 * One refresh reads the live pointer, the shadow pointer and the suppressions; the live document is
 * read again only when the pointer moved (a version's content never changes once approved). When
 * the store has no live version yet, the shipped defaults (the seed) are live. When a refresh fails
 * the last snapshot is kept (and retried after `retryMs`); with no snapshot at all, `onUnavailable`
 * decides: `seed` answers with the shipped defaults (the checkout endpoint must answer), `throw`
 * fails the work so it is retried (the stream consumers).
 */
import type { LivePointer } from '../../domain/config/lifecycle';
import { isActive, type Suppression } from '../../domain/config/suppressions';
import { ThresholdsSchema, type Thresholds } from '../../domain/config/thresholds';
import { DependencyError } from '../../errors';
import type { ConfigSource, ConfigStore, ShadowConfigSource, SuppressionSource } from '../../ports';

export const DEFAULT_CONFIG_CACHE_MS = 30_000;

export interface LiveConfigOptions {
  seed: Thresholds;
  /** How long a snapshot is used before the next read (the bound on how stale a decision's config can be). */
  ttlMs?: number;
  /** After a failed refresh, how long the stale snapshot is used before trying again. */
  retryMs?: number;
  onUnavailable?: 'seed' | 'throw';
  /**
   * When the snapshot is older than the TTL: `wait` for the refresh (the stream consumers: no batch
   * runs on a config older than the bound), or `background`: answer at once with the expired
   * snapshot while one refresh runs (the checkout's risk score: a config read never spends a request's
   * time budget, and a slow store never holds a request). Staleness is then bounded by the TTL plus
   * one refresh. With no snapshot yet, both wait.
   */
  refresh?: 'wait' | 'background';
  now?: () => number;
  log?: { warn(message: string, ...extra: unknown[]): void };
}

interface Snapshot {
  pointer: LivePointer | null;
  thresholds: Thresholds;
  candidate: Thresholds | null;
  suppressions: Suppression[];
  /** When this snapshot may no longer be used without a refresh. */
  freshUntilMs: number;
}

export class LiveConfig implements ConfigSource, SuppressionSource, ShadowConfigSource {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<ConfigStore, 'live' | 'getVersion' | 'shadow' | 'listSuppressions'>,
    private readonly options: LiveConfigOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CONFIG_CACHE_MS;
    this.retryMs = options.retryMs ?? Math.min(5_000, this.ttlMs);
    this.now = options.now ?? Date.now;
  }

  async current(): Promise<Thresholds> {
    return (await this.read()).thresholds;
  }

  async candidate(): Promise<Thresholds | null> {
    return (await this.read()).candidate;
  }

  async suppressions(): Promise<Suppression[]> {
    return (await this.read()).suppressions;
  }

  /** The snapshot in use, refreshed when it is older than the TTL (one refresh at a time). */
  private async read(): Promise<Snapshot> {
    if (this.snapshot && this.now() < this.snapshot.freshUntilMs) return this.snapshot;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    if (this.snapshot && this.options.refresh === 'background') {
      // With a snapshot, refresh() keeps the last one on failure and never rejects: nothing to handle.
      return this.snapshot;
    }
    return this.loading;
  }

  private async refresh(): Promise<Snapshot> {
    const startedMs = this.now();
    try {
      const [pointer, shadow, suppressions] = await Promise.all([this.store.live(), this.store.shadow(), this.store.listSuppressions()]);
      const previous = this.snapshot;
      let thresholds: Thresholds;
      if (pointer === null) thresholds = this.options.seed;
      else if (previous?.pointer && previous.pointer.seq === pointer.seq && previous.pointer.version === pointer.version) thresholds = previous.thresholds;
      else thresholds = await this.document(pointer.version);
      const candidate = shadow === null ? null : await this.document(shadow.version).catch(() => null);
      this.snapshot = {
        pointer,
        thresholds,
        candidate,
        // Expired or lifted suppressions are dropped here; expiry is still judged at event time when scoring.
        suppressions: suppressions.filter((s) => isActive(s, startedMs - 86_400_000)),
        freshUntilMs: startedMs + this.ttlMs,
      };
      return this.snapshot;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.snapshot) {
        this.options.log?.warn('config refresh failed; keeping the last snapshot', { reason, version: this.snapshot.thresholds.version });
        this.snapshot = { ...this.snapshot, freshUntilMs: startedMs + this.retryMs };
        return this.snapshot;
      }
      if (this.options.onUnavailable === 'seed') {
        this.options.log?.warn('config store unavailable; using the shipped defaults', { reason });
        this.snapshot = { pointer: null, thresholds: this.options.seed, candidate: null, suppressions: [], freshUntilMs: startedMs + this.retryMs };
        return this.snapshot;
      }
      throw error instanceof DependencyError ? error : new DependencyError('config store', reason, { cause: error });
    }
  }

  private async document(version: string): Promise<Thresholds> {
    const record = await this.store.getVersion(version);
    if (record === null) throw new DependencyError('config store', `version ${version} is named by a pointer but not stored`);
    // Stored documents were validated on write; validating again guards the pipeline against a hand-edited item.
    return ThresholdsSchema.parse(record.document);
  }
}
