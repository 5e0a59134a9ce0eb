/**
 * npm run simulate -- --out <file.jsonl> [--seed N] [--events N] [--minutes N]
 * Writes the marketplace simulator's labelled traffic in the event contract, one event per line (the
 * input of `npm run replay`), and the scenario manifest beside it (<file>.manifest.json).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MARKETPLACE } from '../shared/sim/marketplace';
import { writeMarketplaceJsonl } from '../shared/sim/jsonl';

const HELP = `usage: npm run simulate -- --out <file.jsonl> [--seed N] [--events N] [--minutes N]
  --out FILE     where the JSONL goes; the scenario manifest is written beside it as <file>.manifest.json
  --seed N       the same seed gives the same traffic (default ${DEFAULT_MARKETPLACE.seed})
  --events N     about this many events, scenarios included (default ${DEFAULT_MARKETPLACE.events})
  --minutes N    event time the traffic spans (default ${DEFAULT_MARKETPLACE.minutes}, two days from ${DEFAULT_MARKETPLACE.startAt})`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      events: { type: 'string' },
      minutes: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(HELP);
  if (!values.out) throw new Error(`--out is required\n${HELP}`);
  const started = performance.now();
  const { manifest, manifestPath } = await writeMarketplaceJsonl(values.out, {
    seed: integer('seed', values.seed, DEFAULT_MARKETPLACE.seed, Number.MIN_SAFE_INTEGER),
    events: integer('events', values.events, DEFAULT_MARKETPLACE.events, 200),
    minutes: integer('minutes', values.minutes, DEFAULT_MARKETPLACE.minutes, 60),
  });
  const fraud = manifest.scenarios.filter((s) => s.fraud);
  console.log(
    `${manifest.events} events (${manifest.orders} orders, ${manifest.reviews} reviews) from ${manifest.startAt} to ${manifest.endAt}, after ${manifest.history.events} events of price history from ${manifest.history.from} -> ${values.out}`,
  );
  console.log(`${fraud.length} injected fraud scenarios, ${manifest.scenarios.length - fraud.length} honest surprises -> ${manifestPath}`);
  if (manifest.emergency) console.log(`emergency declared at ${manifest.emergency.startAt}: ${manifest.emergency.categories.join(', ')} in ${manifest.emergency.regions.join(', ')}`);
  console.log(`took ${Math.round(performance.now() - started)} ms`);
}

main().catch((error: unknown) => {
  console.error(`simulate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
