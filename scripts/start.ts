/**
 * npm start: the whole pipeline on one machine. A seeded marketplace simulator's traffic goes onto
 * Kinesis streams (kinesalite, in this process), the order and review consumers run through the
 * event-source-mapping emulator with DynamoDB on dynalite, the HTTP API is served locally, and the
 * run ends with what was caught per injected scenario and an HTML report. See shared/local/startRun.ts.
 */
// The embedded runtime targets Node 20 on purpose (Lambda runs nodejs22.x); the AWS SDK's notice that its
// 2027 releases will need Node 22 is for whoever upgrades the SDK, not for someone trying the pipeline.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runStart } from '../shared/local/startRun';
import { DEFAULT_MARKETPLACE } from '../shared/sim/marketplace';

/** Sized to finish in about two minutes on a 2-core machine (measured; see the README). */
const DEFAULT_EVENTS = 30_000;

const HELP = `usage: npm start [-- options]

Runs a simulated marketplace through the real handlers on embedded AWS APIs (dynalite, kinesalite,
an event-source-mapping emulator, a local HTTP API) and reports what was caught.

  --events N    about N events of traffic, injected scenarios included (default ${DEFAULT_EVENTS})
  --minutes N   event time the traffic spans (default ${DEFAULT_MARKETPLACE.minutes}: two days, for the daily rhythm)
  --seed N      the same seed gives the same traffic (default ${DEFAULT_MARKETPLACE.seed})
  --out DIR     where the report and the run's files go (default out/start)
  --serve       keep the HTTP API and the report up after the run, until Ctrl-C
  --port N      the HTTP API's port (default: any free loopback port)
  -h, --help    this text

Feature store: the Redis server at REDIS_URL when it is set and answers, otherwise in memory; the
first line of output says which, and why.`;

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min} (got ${value})`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      serve: { type: 'boolean' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const port = values.port === undefined ? undefined : integer('port', values.port, 0, 1);
  await runStart({
    events: integer('events', values.events, DEFAULT_EVENTS, 200),
    minutes: integer('minutes', values.minutes, DEFAULT_MARKETPLACE.minutes, 60),
    seed: integer('seed', values.seed, DEFAULT_MARKETPLACE.seed, Number.MIN_SAFE_INTEGER),
    outDir: values.out ?? join('out', 'start'),
    redisUrl: process.env.REDIS_URL,
    serve: values.serve === true,
    signal: stop.signal,
    liveProgress: process.stdout.isTTY === true,
    ...(port !== undefined ? { httpPort: port } : {}),
  });
}

main().then(
  // Emulators and SDK clients may keep sockets alive a moment longer; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    console.error(`start failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
