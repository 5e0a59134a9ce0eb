/**
 * The backtest worker within Lambda's time limit: a history too long for one invocation stops before
 * the limit and the job says how far it got, instead of the function being killed with the job left
 * `running` for ever.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBacktestWorker } from '../../functions/backtest-worker/handler';
import { MemoryBacktestJobs } from '../../shared/adapters/memory/config';
import { BacktestDeadlineError, runBacktest } from '../../shared/app/backtest';
import { defaultThresholds } from '../../shared/config';
import type { ConfigVersion } from '../../shared/domain/config/lifecycle';
import { writeMarketplaceJsonl } from '../../shared/sim/jsonl';

let dir: string;
let history: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'riskline-worker-'));
  history = join(dir, 'events.jsonl');
  await writeMarketplaceJsonl(history, { events: 10_000 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const version = async (v: string): Promise<ConfigVersion> => ({
  version: v,
  status: 'approved',
  document: { ...defaultThresholds, version: v, scoring: v === 'candidate' ? { reviewAt: 20, blockAt: 80 } : defaultThresholds.scoring },
  basedOn: null,
  createdBy: 'erin',
  createdAt: '2026-11-28T08:00:00Z',
  updatedAt: '2026-11-28T08:00:00Z',
  contributors: ['erin'],
  liveSince: [],
  revision: 1,
});

/** A queued job, its worker, and the stream record that starts it. */
async function queued(backtestId: string) {
  const jobs = new MemoryBacktestJobs();
  await jobs.submit({ backtestId, status: 'queued', requestedBy: 'erin', requestedAt: '2026-11-28T08:00:00Z', candidate: 'candidate', baseline: 'baseline' });
  const worker = makeBacktestWorker({
    jobs,
    versions: { getVersion: version },
    history: { materialize: async () => ({ path: history, objects: 1 }) },
    workDir: join(dir, 'work'),
    reserveMs: 60_000,
  });
  const record = { eventName: 'INSERT', dynamodb: { NewImage: { backtestId: { S: backtestId } } } } as unknown as DynamoDBStreamEvent['Records'][number];
  return { jobs, worker, event: { Records: [record] } as DynamoDBStreamEvent };
}

describe('backtest worker and its time limit', () => {
  it('stops a replay that would outlast the limit and marks the job failed with how far it got', async () => {
    const { jobs, worker, event } = await queued('bt-long');

    // 25 ms of the function's time are left beyond the 60 s it keeps back: far less than 10,000 events take.
    await worker.handler(event, { getRemainingTimeInMillis: () => 60_025 });

    const job = await jobs.get('bt-long');
    expect(job).toMatchObject({ status: 'failed', finishedAt: expect.any(String) });
    expect(job!.error).toMatch(/^the baseline replay reached the time limit after [\d,]+ of [\d,]+ events: backtest a shorter period \(from, to\)$/);
  });

  it('fails at once when fetching the history already used up the time', async () => {
    const { jobs, worker, event } = await queued('bt-late');

    await worker.handler(event, { getRemainingTimeInMillis: () => 59_000 });

    expect((await jobs.get('bt-late'))?.error).toMatch(/took the whole time limit: backtest a shorter period/);
  });

  it('finishes a job that fits in the time', async () => {
    const { jobs, worker, event } = await queued('bt-fits');

    await worker.handler(event, { getRemainingTimeInMillis: () => 15 * 60_000 });

    expect(await jobs.get('bt-fits')).toMatchObject({ status: 'done', report: { candidate: { version: 'candidate' } } });
  }, 60_000);

  it('says which replay stopped and where, to a caller of runBacktest', async () => {
    const stopped = runBacktest({ input: history, outDir: join(dir, 'direct'), baseline: defaultThresholds, candidate: defaultThresholds, deadlineMs: Date.now() - 1 });

    const error = await stopped.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BacktestDeadlineError);
    expect(error).toMatchObject({ side: 'baseline' });
    expect((error as BacktestDeadlineError).done).toBeGreaterThan(0);
    expect((error as BacktestDeadlineError).done).toBeLessThan((error as BacktestDeadlineError).total);
  });
});
