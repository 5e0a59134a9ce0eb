/**
 * npm start: generates a small, labelled marketplace sample (ordinary shoppers plus brushing rings),
 * runs it through the real order-stream handler and domain code on embedded adapters, and prints what
 * was caught and why. The full local stack (dynalite, kinesalite, the HTTP gateway) builds on this.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runReplay } from '../shared/app/replay';
import { defaultThresholds } from '../shared/config';
import type { Violation } from '../shared/domain/records';
import { orderTraffic } from '../shared/sim/orderTraffic';

const HELP = `usage: npm start [-- --orders N] [--seed N] [--out DIR]
  --orders N   orders to generate (default 20000; each is 2 events)
  --seed N     traffic seed, for a reproducible run (default 7)
  --out DIR    where the run's files go (default out/start)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '7' },
      out: { type: 'string', default: join('out', 'start') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(HELP);
  const orders = Number(values.orders);
  const seed = Number(values.seed);
  if (!Number.isInteger(orders) || orders <= 0) throw new Error('--orders must be a positive integer');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

  console.log('riskline: embedded run (in-memory feature store; no AWS, no Docker, no network)');
  await mkdir(values.out, { recursive: true });
  const input = join(values.out, 'events.jsonl');
  const file = createWriteStream(input);
  for (const event of orderTraffic({ seed, orders })) file.write(JSON.stringify(event) + '\n');
  await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));

  const summary = await runReplay({
    input,
    outDir: values.out,
    config: defaultThresholds,
    onProgress: (p) => process.stdout.write(`\r  ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s`),
  });
  process.stdout.write('\n');

  const violations = (await readFile(join(values.out, 'violations.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Violation);
  console.log(`\n${summary.events} events (${summary.orders} order events, ${summary.reviews} review events, ${summary.rejected} rejected) in ${summary.elapsedMs} ms, ${summary.eventsPerSecond} events/s`);
  console.log(`decisions: allow ${summary.decisions.allow}, review ${summary.decisions.review}, block ${summary.decisions.block}  (thresholds ${summary.configVersion})`);
  if (summary.labels) {
    const l = summary.labels;
    console.log(`against the labels: precision ${l.precision}, recall ${l.recall} (tp ${l.tp}, fp ${l.fp}, fn ${l.fn})`);
  }
  console.log(`\nfake_orders violations (order brushing): ${violations.length}`);
  console.table(
    violations.slice(0, 15).map((v) => ({
      merchant: v.merchantId,
      period: `${String(v.evidence.periodStart).slice(0, 16)} .. ${String(v.evidence.periodEnd).slice(11, 16)}`,
      orders: v.evidence.orders,
      buyers: v.evidence.distinctBuyers,
      rate: v.evidence.concentrateRate,
      suspicious: (v.evidence.suspiciousBuyerIds as string[]).join(' '),
    })),
  );
  if (violations.length > 15) console.log(`  ... and ${violations.length - 15} more`);
  console.log(`\nfiles: ${relative(process.cwd(), values.out)}/ (decisions, violations, merchants, rejected .jsonl; summary.json)`);
  console.log(`replay them yourself: npm run replay -- --input ${input} --out out/replay`);
}

main().catch((error: unknown) => {
  console.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
