/**
 * npm run eval [-- --config <thresholds.json>] [--out <dir>]
 * Detection quality on real data: maps ../shared/datasets/ecommerce_fraud into the event contract,
 * runs the replay (the same handlers and domain code), and reports precision and recall on the
 * tuning rows and on the held-out rows, counting review and block as positive, then block only.
 * Skips, saying so, when the data set is absent.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runReplay } from '../shared/app/replay';
import { defaultThresholds, parseThresholds } from '../shared/config';
import { fraudDataPath, LAST_TUNING_ROW, readFraudData } from './datasets/fraudData';

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function metrics(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const r = (x: number) => Number(x.toFixed(4));
  return { ...c, precision: r(precision), recall: r(recall), f1: r(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)) };
}

export async function evaluateFraudData(options: { outDir: string; configPath?: string }) {
  const config = options.configPath ? parseThresholds(JSON.parse(await readFile(options.configPath, 'utf8')), options.configPath) : defaultThresholds;
  const { rows, skipped } = await readFraudData();
  await mkdir(options.outDir, { recursive: true });
  const input = join(options.outDir, 'fraud_data.events.jsonl');
  await writeFile(input, rows.map((r) => JSON.stringify(r.event)).join('\n') + '\n');
  const summary = await runReplay({ input, outDir: join(options.outDir, 'replay'), config });

  const fraudByEvent = new Map(rows.map((r) => [r.event.eventId, { row: r.row, fraud: r.event.label!.fraud }]));
  const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, tn: 0 });
  const sets = { tuning: { any: empty(), block: empty() }, heldOut: { any: empty(), block: empty() } };
  const decisions = (await readFile(join(options.outDir, 'replay', 'decisions.jsonl'), 'utf8')).split('\n').filter(Boolean);
  for (const line of decisions) {
    const d = JSON.parse(line) as { eventId: string; decision: string };
    const truth = fraudByEvent.get(d.eventId)!;
    const set = truth.row <= LAST_TUNING_ROW ? sets.tuning : sets.heldOut;
    for (const [kind, positive] of [['any', d.decision !== 'allow'], ['block', d.decision === 'block']] as const) {
      const c = set[kind];
      if (positive && truth.fraud) c.tp++;
      else if (positive) c.fp++;
      else if (truth.fraud) c.fn++;
      else c.tn++;
    }
  }
  return {
    dataset: 'ecommerce_fraud/Fraud_Data (51,689 rows)',
    configVersion: config.version,
    rows: rows.length,
    skippedRows: skipped,
    replay: { elapsedMs: summary.elapsedMs, eventsPerSecond: summary.eventsPerSecond },
    tuning: { rows: `1..${LAST_TUNING_ROW}`, reviewOrBlock: metrics(sets.tuning.any), blockOnly: metrics(sets.tuning.block) },
    heldOut: { rows: `${LAST_TUNING_ROW + 1}..`, reviewOrBlock: metrics(sets.heldOut.any), blockOnly: metrics(sets.heldOut.block) },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, out: { type: 'string', default: join('out', 'eval') } } });
  if (!existsSync(fraudDataPath())) {
    console.log(`eval: skipped, the data set is absent (${fraudDataPath()})`);
    return;
  }
  const result = await evaluateFraudData({ outDir: values.out, ...(values.config ? { configPath: values.config } : {}) });
  await writeFile(join(values.out, 'eval.json'), JSON.stringify(result, null, 2) + '\n');
  const row = (name: string, m: ReturnType<typeof metrics>) => ({ set: name, precision: m.precision, recall: m.recall, f1: m.f1, tp: m.tp, fp: m.fp, fn: m.fn });
  console.log(`eval: Fraud_Data, ${result.rows} rows (${result.skippedRows.length} cut-off rows left out), thresholds ${result.configVersion}`);
  console.table([
    row('tuning, review+block', result.tuning.reviewOrBlock),
    row('tuning, block only', result.tuning.blockOnly),
    row('held-out, review+block', result.heldOut.reviewOrBlock),
    row('held-out, block only', result.heldOut.blockOnly),
  ]);
  console.log(`eval: written to ${join(values.out, 'eval.json')}`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('eval.ts') || process.argv[1]?.endsWith('eval.mjs')) {
  main().catch((error: unknown) => {
    console.error(`eval failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
