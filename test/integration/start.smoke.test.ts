/**
 * `npm start` on a small event count: the same path (simulator, kinesalite streams, the event source
 * mapping emulator, the real handlers on dynalite, the HTTP API), ending in the summary and the report.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStart } from '../../shared/local/startRun';
import { REDIS_URL, redisOrSkip } from '../support/redis';

let dir: string;
let redisAvailable = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'riskline-start-'));
  redisAvailable = await redisOrSkip('npm start with Redis');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// On a 2-core machine running the whole suite a run takes several times longer than alone (about 10 s).
const RUN_TIMEOUT_MS = 180_000;

describe('npm start (smoke)', () => {
  it('runs simulated traffic through the local runtime, catches the brushing rings, and writes the summary and the report', async () => {
    const lines: string[] = [];
    const outDir = join(dir, 'memory');

    const result = await runStart({ seed: 7, events: 1_500, minutes: 1_440, outDir, redisUrl: undefined, print: (line) => lines.push(line) });

    const output = lines.join('\n');
    const brushing = result.scoreboard.rows.find((r) => r.scenario === 'order_brushing')!;
    const decided = result.summary.decisions.allow + result.summary.decisions.review + result.summary.decisions.block;
    const html = await readFile(result.reportPath, 'utf8');
    const summary = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as { events: number; scenarios: unknown[] };
    expect(lines[0]).toMatch(/^riskline · feature store: in-memory \(REDIS_URL is not set/);
    expect(result.summary.events).toBe(result.manifest.events);
    expect(decided).toBeGreaterThan(result.manifest.orders);
    expect(result.summary.deadLettered).toBe(0);
    expect(brushing.instances).toBeGreaterThan(0);
    expect(brushing.caught).toBe(brushing.instances);
    expect(brushing.flagged).toBeGreaterThan(0);
    expect(brushing.violations.fake_orders).toBeGreaterThanOrEqual(brushing.instances);
    expect(output).toMatch(/│ order_brushing +│ +\d+\/\d+ │/);
    expect(output).toMatch(/GET {2}http:\/\/127\.0\.0\.1:\d+\/v1\/health -> 200 ok/);
    expect(output).toContain(`report: ${result.reportPath}`);
    expect(summary.events).toBe(result.summary.events);
    expect(summary.scenarios.length).toBe(result.scoreboard.rows.length);
    expect(html).toContain('<svg');
    expect(html).toContain('order_brushing');
    // Self-contained: no scripts, nothing fetched (the SVG namespace is an identifier, not a fetch).
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
    expect((await stat(join(outDir, 'events.jsonl'))).size).toBeGreaterThan(0);
  }, RUN_TIMEOUT_MS);

  it('uses the Redis server when REDIS_URL is set, and says so first', async (context) => {
    if (!redisAvailable) context.skip();
    const lines: string[] = [];

    const result = await runStart({ seed: 3, events: 800, minutes: 720, outDir: join(dir, 'redis'), redisUrl: REDIS_URL, print: (line) => lines.push(line) });

    expect(lines[0]).toMatch(/^riskline · feature store: Redis at redis:\/\/.+ \(REDIS_URL is set;/);
    expect(result.summary.featureStore).toBe('redis');
    expect(result.summary.events).toBe(result.manifest.events);
  }, RUN_TIMEOUT_MS);

  it('falls back to the in-memory store, saying why, when REDIS_URL points at nothing', async () => {
    const lines: string[] = [];

    const result = await runStart({ seed: 3, events: 300, minutes: 360, outDir: join(dir, 'fallback'), redisUrl: 'redis://127.0.0.1:1', print: (line) => lines.push(line) });

    expect(lines[0]).toMatch(/^riskline · feature store: in-memory \(REDIS_URL=redis:\/\/127\.0\.0\.1:1 is set but no server answers there/);
    expect(result.summary.featureStore).toBe('memory');
  }, RUN_TIMEOUT_MS);

  it('explains its options with --help', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--help'], { cwd: process.cwd() });

    for (const option of ['--events', '--minutes', '--seed', '--serve', '--help']) expect(stdout).toContain(option);
  });
});
