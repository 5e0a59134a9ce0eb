#!/usr/bin/env node
/**
 * Runs a TypeScript entry as production runs it: bundled by esbuild (as the Lambda functions are),
 * without the development loader's per-function bookkeeping. Used for the throughput-sensitive
 * commands (replay, bench). Usage: node scripts/bundled.mjs <entry.ts> [args...]
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/bundled.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outDir = resolve('node_modules', '.cache', 'riskline');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
