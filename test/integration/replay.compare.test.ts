/**
 * The backtest end to end on files: simulated history replayed twice through the real handlers
 * (`npm run replay -- --compare` and the backtest worker run this), with compare.json and the table.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../shared/app/backtest';
import { defaultThresholds } from '../../shared/config';
import type { BacktestReport } from '../../shared/domain/backtest/compare';
import { writeMarketplaceJsonl } from '../../shared/sim/jsonl';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'riskline-backtest-'));
  await writeMarketplaceJsonl(join(dir, 'events.jsonl'), { events: 2_000 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runBacktest', () => {
  it('replays the history with both versions and writes what the candidate would change', async () => {
    const candidate = { ...defaultThresholds, version: 'review-at-20', scoring: { reviewAt: 20, blockAt: 80 } };

    const { report, table } = await runBacktest({ input: join(dir, 'events.jsonl'), outDir: join(dir, 'out'), baseline: defaultThresholds, candidate });

    const written = JSON.parse(await readFile(join(dir, 'out', 'compare.json'), 'utf8')) as BacktestReport;
    expect(written).toEqual(report);
    expect(report.baseline.version).toBe(defaultThresholds.version);
    // Only the review threshold moved: blocks are the same, more orders are reviewed, each change is allow -> review.
    expect(report.candidate.decisions.block).toBe(report.baseline.decisions.block);
    expect(report.candidate.decisions.review - report.baseline.decisions.review).toBe(report.changedDecisions.total);
    expect(Object.keys(report.changedDecisions.transitions)).toEqual(report.changedDecisions.total > 0 ? ['allow->review'] : []);
    expect(report.candidate.labels!.recall).toBeGreaterThanOrEqual(report.baseline.labels!.recall);
    expect(await readFile(join(dir, 'out', 'baseline', 'summary.json'), 'utf8')).toContain(defaultThresholds.version);
    expect(await readFile(join(dir, 'out', 'candidate', 'summary.json'), 'utf8')).toContain('review-at-20');
    expect(table).toContain('decisions: review');
    expect(await readFile(join(dir, 'out', 'compare.txt'), 'utf8')).toBe(table + '\n');
  });
});
