/**
 * The backtest worker: runs a queued backtest job (two replays of stored history, compared) and
 * stores the report with the job. In AWS it is started by the backtests table's stream (one new job
 * per record, filtered to inserts); locally the analyst API's launcher calls `run` in process.
 *
 * A job that fails is marked failed with the reason and not retried: an analyst reruns it. A job
 * that is not `queued` any more (a redelivered stream record) is left alone.
 *
 * A history too long for one invocation stops before Lambda's time limit would kill the function
 * mid-job: the replays stop between batches `reserveMs` before it, and the job is marked failed with
 * how far it got and what to do (a shorter period). Killed, it would stay `running` for ever.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, AttributeValue as StreamAttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { runBacktest } from '../../shared/app/backtest';
import type { BacktestJob } from '../../shared/domain/backtest/compare';
import { ThresholdsSchema } from '../../shared/domain/config/thresholds';
import type { BacktestJobs, ConfigStore, HistorySource } from '../../shared/ports';

export interface BacktestWorkerDeps {
  jobs: BacktestJobs;
  versions: Pick<ConfigStore, 'getVersion'>;
  history: HistorySource;
  /** Scratch space for the history and both replays' files (Lambda: /tmp). */
  workDir: string;
  /** Keep the replays' files after the run (locally, so an analyst can open them). */
  keepFiles?: boolean;
  now?: () => number;
  /** Time kept back from the function's limit to record a stopped job and clean up. Default 60 s. */
  reserveMs?: number;
  log?: { info(message: string, ...extra: unknown[]): void; error(message: string, ...extra: unknown[]): void };
}

export function makeBacktestWorker(deps: BacktestWorkerDeps) {
  const now = deps.now ?? Date.now;
  const iso = () => new Date(now()).toISOString();

  async function document(version: string) {
    const record = await deps.versions.getVersion(version);
    if (record === null) throw new Error(`version ${version} is not stored`);
    return ThresholdsSchema.parse(record.document);
  }

  /**
   * Runs one job to completion; resolves with its final state (never throws for the job's own failure).
   * With `deadlineMs` (epoch ms), the job stops there and is marked failed, saying how far it got.
   */
  async function run(backtestId: string, deadlineMs?: number): Promise<BacktestJob | null> {
    const queued = await deps.jobs.get(backtestId);
    if (queued === null || queued.status !== 'queued') return queued;
    const running: BacktestJob = { ...queued, status: 'running', startedAt: iso() };
    await deps.jobs.update(running);
    const dir = join(deps.workDir, backtestId);
    try {
      await mkdir(dir, { recursive: true });
      const [baseline, candidate] = await Promise.all([document(running.baseline), document(running.candidate)]);
      const history = await deps.history.materialize({ ...(running.from ? { from: running.from } : {}), ...(running.to ? { to: running.to } : {}) }, dir);
      deps.log?.info('backtest started', { backtestId, history: history.path, objects: history.objects });
      if (deadlineMs !== undefined && Date.now() > deadlineMs) {
        throw new Error(`fetching the history (${history.objects} objects) took the whole time limit: backtest a shorter period (from, to)`);
      }
      const { report } = await runBacktest({ input: history.path, outDir: dir, baseline, candidate, ...(deadlineMs === undefined ? {} : { deadlineMs }) });
      const done: BacktestJob = { ...running, status: 'done', finishedAt: iso(), report };
      await deps.jobs.update(done);
      return done;
    } catch (error) {
      const failed: BacktestJob = { ...running, status: 'failed', finishedAt: iso(), error: error instanceof Error ? error.message : String(error) };
      deps.log?.error('backtest failed', { backtestId, error: failed.error });
      await deps.jobs.update(failed);
      return failed;
    } finally {
      if (!deps.keepFiles) await rm(dir, { recursive: true, force: true });
    }
  }

  /** The Lambda entry: new jobs from the table's stream, one at a time, within the function's time limit. */
  async function handler(event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
    const deadlineMs = context ? Date.now() + context.getRemainingTimeInMillis() - (deps.reserveMs ?? 60_000) : undefined;
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT' || record.dynamodb?.NewImage === undefined) continue;
      const image = unmarshall(record.dynamodb.NewImage as Record<string, StreamAttributeValue> as Record<string, AttributeValue>);
      if (typeof image.backtestId === 'string') await run(image.backtestId, deadlineMs);
    }
  }

  return { run, handler };
}
