/**
 * npm run bench [-- --events N]
 * Measures throughput on generated traffic. Progress goes to stderr; the last line on stdout is one
 * JSON object with every figure, so CI and people can diff runs.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runReplay } from '../shared/app/replay';
import { defaultThresholds } from '../shared/config';
import { orderTraffic } from '../shared/sim/orderTraffic';

async function writeTraffic(path: string, events: number): Promise<number> {
  const out = createWriteStream(path);
  let n = 0;
  // Each order yields two events (placed, then paid or payment_failed).
  for (const event of orderTraffic({ seed: 42, orders: Math.ceil(events / 2), merchants: 5_000, buyers: 200_000, meanGapMs: 500 })) {
    if (!out.write(JSON.stringify(event) + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    n++;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return n;
}

async function benchReplay(events: number) {
  const dir = await mkdtemp(join(tmpdir(), 'riskline-bench-'));
  try {
    const input = join(dir, 'events.jsonl');
    const written = await writeTraffic(input, events);
    console.error(`bench: replaying ${written} generated order events`);
    const summary = await runReplay({
      input,
      outDir: join(dir, 'out'),
      config: defaultThresholds,
      onProgress: (p) => console.error(`bench: replay ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s`),
    });
    return {
      events: summary.events,
      elapsedMs: summary.elapsedMs,
      eventsPerSecond: summary.eventsPerSecond,
      decisions: summary.decisions,
      violations: summary.violations,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '500000' } } });
  const events = Number(values.events);
  if (!Number.isInteger(events) || events <= 0) throw new Error('--events must be a positive integer');
  const result: Record<string, unknown> = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    replay: await benchReplay(events),
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
