/** Runs the open-loop load generator (`loadgen.mjs`) in its own process and reads its one-line JSON result. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// npm runs the benchmark from the package root; `scripts/bundled.mjs` runs the bundle from a cache folder.
const LOADGEN = resolve('scripts/bench/loadgen.mjs');

export interface LoadResult {
  /** Measured requests (the warm-up excluded). */
  requests: number;
  warmupRequests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export interface Load {
  url: string;
  body: string;
  rate: number;
  seconds: number;
  /** Sent first, at the same rate, and not measured (see loadgen.mjs). */
  warmupSeconds?: number;
}

export async function runLoad(load: Load): Promise<LoadResult> {
  const args = [LOADGEN, load.url, String(load.rate), String(load.seconds), load.body, ...(load.warmupSeconds === undefined ? [] : [String(load.warmupSeconds)])];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
}
