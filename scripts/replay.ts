/**
 * npm run replay -- --input <events.jsonl | events.jsonl.gz> --out <dir> [--config <thresholds.json>]
 *                   [--compare <live.json>]
 * The contract is ../shared/contracts/replay.md. With --compare (or --baseline) the history is replayed
 * twice, with the baseline document and with --config (the candidate), into <dir>/baseline and
 * <dir>/candidate, and <dir>/compare.json and compare.txt say what enforcement would change.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultThresholds, parseThresholds } from '../shared/config';
import { runBacktest } from '../shared/app/backtest';
import { runReplay } from '../shared/app/replay';

const USAGE =
  'usage: npm run replay -- --input <events.jsonl[.gz]> --out <dir> [--config <thresholds.json>] [--compare <baseline.json>] [--batch-size N]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      compare: { type: 'string' },
      baseline: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.input || !values.out) throw new Error(`--input and --out are required (${USAGE})`);
  const config = values.config ? parseThresholds(JSON.parse(await readFile(values.config, 'utf8')), values.config) : defaultThresholds;
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error('--batch-size must be a positive integer');
  const baselinePath = values.compare ?? values.baseline;
  if (baselinePath !== undefined) {
    const baseline = parseThresholds(JSON.parse(await readFile(baselinePath, 'utf8')), baselinePath);
    if (baseline.version === config.version) throw new Error(`--compare and --config are both version ${config.version}: give the candidate its own version id`);
    console.error(`replay: ${values.input} -> ${values.out}, baseline ${baseline.version} vs candidate ${config.version}`);
    const { table } = await runBacktest({
      input: values.input,
      outDir: values.out,
      baseline,
      candidate: config,
      ...(batchSize ? { batchSize } : {}),
      onProgress: (side, p) => console.error(`replay (${side}): ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s`),
    });
    console.log(table);
    console.log(`files: ${values.out}/compare.json, compare.txt, baseline/, candidate/`);
    return;
  }
  console.error(`replay: ${values.input} -> ${values.out} with thresholds ${config.version}`);
  const summary = await runReplay({
    input: values.input,
    outDir: values.out,
    config,
    ...(batchSize ? { batchSize } : {}),
    onProgress: (p) => console.error(`replay: ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s`),
  });
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((error: unknown) => {
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
