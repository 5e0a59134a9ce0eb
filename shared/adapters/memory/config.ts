/** In-memory adapters of the analysts' configuration ports, for tests and embedded runs. */
import type { BacktestJob } from '../../domain/backtest/compare';
import type { ConfigAuditEntry, ConfigVersion, LivePointer } from '../../domain/config/lifecycle';
import type { Suppression } from '../../domain/config/suppressions';
import {
  addToSummary,
  emptySummary,
  type DecisionDisagreement,
  type ShadowBatch,
  type ShadowSummary,
  type ViolationDisagreement,
} from '../../domain/shadow/disagreements';
import type { BacktestJobs, ConfigAuditLog, ConfigStore, ShadowPointer, ShadowResults, ShadowSink } from '../../ports';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryConfigStore implements ConfigStore {
  private readonly versions = new Map<string, ConfigVersion>();
  private pointer: LivePointer | null = null;
  private shadowPointer: ShadowPointer | null = null;
  private counter = 0;
  private readonly suppressionsById = new Map<string, Suppression>();

  async getVersion(version: string): Promise<ConfigVersion | null> {
    const found = this.versions.get(version);
    return found ? copy(found) : null;
  }

  async listVersions(): Promise<ConfigVersion[]> {
    return [...this.versions.values()].map(copy).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.version.localeCompare(a.version));
  }

  async putVersion(record: ConfigVersion): Promise<boolean> {
    const stored = this.versions.get(record.version);
    if ((stored?.revision ?? 0) !== record.revision - 1) return false;
    this.versions.set(record.version, copy(record));
    return true;
  }

  async live(): Promise<LivePointer | null> {
    return this.pointer ? copy(this.pointer) : null;
  }

  async setLive(pointer: LivePointer, expectSeq: number): Promise<boolean> {
    if ((this.pointer?.seq ?? 0) !== expectSeq) return false;
    this.pointer = copy(pointer);
    return true;
  }

  async nextVersionNumber(): Promise<number> {
    return ++this.counter;
  }

  async shadow(): Promise<ShadowPointer | null> {
    return this.shadowPointer ? { ...this.shadowPointer } : null;
  }

  async setShadow(pointer: ShadowPointer | null): Promise<void> {
    this.shadowPointer = pointer ? { ...pointer } : null;
  }

  async listSuppressions(): Promise<Suppression[]> {
    return [...this.suppressionsById.values()].map(copy);
  }

  async putSuppression(s: Suppression): Promise<void> {
    this.suppressionsById.set(s.suppressionId, copy(s));
  }

  async liftSuppression(suppressionId: string, by: string, at: string): Promise<boolean> {
    const s = this.suppressionsById.get(suppressionId);
    if (!s || s.liftedAt !== undefined) return false;
    this.suppressionsById.set(suppressionId, { ...s, liftedBy: by, liftedAt: at });
    return true;
  }
}

export class MemoryConfigAuditLog implements ConfigAuditLog {
  readonly entries: ConfigAuditEntry[] = [];

  async append(entry: ConfigAuditEntry): Promise<void> {
    if (this.entries.some((e) => e.entryId === entry.entryId)) return;
    this.entries.push(copy(entry));
  }

  async list(limit: number): Promise<ConfigAuditEntry[]> {
    return [...this.entries].sort((a, b) => b.entryId.localeCompare(a.entryId)).slice(0, limit).map(copy);
  }
}

export class MemoryShadowResults implements ShadowSink, ShadowResults {
  private readonly summaries = new Map<string, ShadowSummary>();
  private readonly decisionsBy = new Map<string, Map<string, DecisionDisagreement>>();
  private readonly violationsBy = new Map<string, Map<string, ViolationDisagreement>>();

  constructor(private readonly now: () => number = Date.now) {}

  async record(batch: ShadowBatch): Promise<void> {
    const decisions = this.decisionsBy.get(batch.candidateVersion) ?? new Map<string, DecisionDisagreement>();
    const violations = this.violationsBy.get(batch.candidateVersion) ?? new Map<string, ViolationDisagreement>();
    for (const d of batch.decisions) decisions.set(d.eventId, copy(d));
    const fresh = batch.violations.filter((v) => !violations.has(v.violationId));
    for (const v of fresh) violations.set(v.violationId, copy(v));
    this.decisionsBy.set(batch.candidateVersion, decisions);
    this.violationsBy.set(batch.candidateVersion, violations);
    const summary = this.summaries.get(batch.candidateVersion) ?? emptySummary(batch.candidateVersion);
    this.summaries.set(batch.candidateVersion, addToSummary(summary, batch, fresh, new Date(this.now()).toISOString()));
  }

  async summary(candidateVersion: string): Promise<ShadowSummary | null> {
    const s = this.summaries.get(candidateVersion);
    return s ? copy(s) : null;
  }

  async decisions(candidateVersion: string, limit: number): Promise<DecisionDisagreement[]> {
    return [...(this.decisionsBy.get(candidateVersion)?.values() ?? [])].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt)).slice(0, limit).map(copy);
  }

  async violations(candidateVersion: string, limit: number): Promise<ViolationDisagreement[]> {
    return [...(this.violationsBy.get(candidateVersion)?.values() ?? [])].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt)).slice(0, limit).map(copy);
  }
}

export class MemoryBacktestJobs implements BacktestJobs {
  private readonly jobs = new Map<string, BacktestJob>();

  async submit(job: BacktestJob): Promise<void> {
    if (this.jobs.has(job.backtestId)) return;
    this.jobs.set(job.backtestId, copy(job));
  }

  async get(backtestId: string): Promise<BacktestJob | null> {
    const job = this.jobs.get(backtestId);
    return job ? copy(job) : null;
  }

  async list(limit: number): Promise<BacktestJob[]> {
    return [...this.jobs.values()].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)).slice(0, limit).map(copy);
  }

  async update(job: BacktestJob): Promise<void> {
    this.jobs.set(job.backtestId, copy(job));
  }
}
