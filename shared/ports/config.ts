/**
 * Ports of the analysts' configuration: the versioned thresholds, their audit log, suppressions,
 * shadow mode and backtest jobs. The pipeline-facing ones (`ConfigSource` in ./index.ts,
 * `SuppressionSource`, `ShadowConfigSource`, `ShadowSink`) are small; the admin API uses the stores.
 */
import type { BacktestJob } from '../domain/backtest/compare';
import type { ConfigAuditEntry, ConfigVersion, LivePointer } from '../domain/config/lifecycle';
import type { Suppression } from '../domain/config/suppressions';
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision } from '../domain/records';
import type { DecisionDisagreement, ShadowBatch, ShadowSummary, ViolationDisagreement } from '../domain/shadow/disagreements';

/** Which candidate scores beside the live version, and since when. */
export interface ShadowPointer {
  version: string;
  since: string;
  by: string;
}

/** The versions, the live pointer, the shadow pointer and the suppressions (one table in AWS). */
export interface ConfigStore {
  getVersion(version: string): Promise<ConfigVersion | null>;
  /** Every version, newest first. */
  listVersions(): Promise<ConfigVersion[]>;
  /** Stores a record if the stored one still has revision `record.revision - 1` (absent for 1); false otherwise. */
  putVersion(record: ConfigVersion): Promise<boolean>;
  live(): Promise<LivePointer | null>;
  /** Moves the live pointer if it is still at `expectSeq` (0: no pointer yet); false otherwise. */
  setLive(pointer: LivePointer, expectSeq: number): Promise<boolean>;
  /** A fresh number for a version id (1, 2, 3, ...), never handed out twice. */
  nextVersionNumber(): Promise<number>;
  shadow(): Promise<ShadowPointer | null>;
  setShadow(pointer: ShadowPointer | null): Promise<void>;
  listSuppressions(): Promise<Suppression[]>;
  putSuppression(s: Suppression): Promise<void>;
  /** Marks a suppression lifted; false if it does not exist or was already lifted. */
  liftSuppression(suppressionId: string, by: string, at: string): Promise<boolean>;
}

/** The append-only audit log of analyst changes; idempotent by entryId. */
export interface ConfigAuditLog {
  append(entry: ConfigAuditEntry): Promise<void>;
  /** Newest first, at most `limit`. */
  list(limit: number): Promise<ConfigAuditEntry[]>;
}

/** The suppressions in force, as the pipeline needs them (cached like the config). */
export interface SuppressionSource {
  suppressions(): Promise<Suppression[]>;
}

/** The candidate version shadow mode runs, or null when none does. */
export interface ShadowConfigSource {
  candidate(): Promise<Thresholds | null>;
}

/** Where shadow comparisons go; must never fail the live batch (the pipeline catches). */
export interface ShadowSink {
  record(batch: ShadowBatch): Promise<void>;
}

export interface ShadowResults {
  summary(candidateVersion: string): Promise<ShadowSummary | null>;
  /** Latest first, at most `limit`. */
  decisions(candidateVersion: string, limit: number): Promise<DecisionDisagreement[]>;
  violations(candidateVersion: string, limit: number): Promise<ViolationDisagreement[]>;
}

/** Backtest jobs: submitted by the API, run by the backtest worker, results stored with the job. */
export interface BacktestJobs {
  /** Stores a new job (status `queued`); in AWS the table's stream starts the worker. */
  submit(job: BacktestJob): Promise<void>;
  get(backtestId: string): Promise<BacktestJob | null>;
  /** Newest first. */
  list(limit: number): Promise<BacktestJob[]>;
  update(job: BacktestJob): Promise<void>;
}

/** Starts the run of a submitted job (locally: in this process; in AWS the table stream does it). */
export interface BacktestLauncher {
  launch(job: BacktestJob): Promise<void>;
}

/** History to backtest on: a JSONL file with the events of a time range (AWS: the Firehose archive). */
export interface HistorySource {
  /** Writes (or finds) the history as one JSONL file and returns its path, with the count of source objects read. */
  materialize(range: { from?: string; to?: string }, workDir: string): Promise<{ path: string; objects: number }>;
}

/** Recent review and block decisions, and an order's decisions (the console's "why did this fire"). */
export interface RecentDecisions {
  /** Flagged decisions before `beforeMs`, newest first. */
  recent(beforeMs: number, limit: number): Promise<Decision[]>;
  byOrder(orderId: string): Promise<Decision[]>;
}

export interface LadderEntry {
  merchantId: string;
  level: string | null;
  blacklisted: boolean;
  creditScore: number | null;
  updatedAt: string | null;
}

/** Merchants on the penalty ladder (a level above none). */
export interface PenaltyLadder {
  merchants(limit: number): Promise<LadderEntry[]>;
}
