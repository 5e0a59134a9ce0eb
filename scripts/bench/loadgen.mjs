#!/usr/bin/env node
/**
 * Open-loop HTTP load at a constant arrival rate, run in its own process by the risk-score benchmark.
 * Usage: node loadgen.mjs <url> <rps> <seconds> <json-body> [warmup-seconds]; prints one JSON line.
 *
 * Why not an off-the-shelf CLI: autocannon's `-R` is not a steady rate (each connection sends its
 * per-second quota back to back at the start of each second, so it measures bursts at full
 * concurrency), and loadtest's `--rps` is steady but truncates every latency to whole milliseconds,
 * too coarse for a sub-millisecond floor. So this file keeps only the schedule: undici's connection
 * pool does the HTTP, hdr-histogram-js the percentiles (microsecond resolution).
 *
 * Request n is due at start + n / rps and is sent then, whether or not earlier ones have answered
 * (open loop); its latency runs from when it was due, so a stall of this process or of the server
 * is charged to every request it delays (no coordinated omission).
 *
 * The warm-up runs in this same process, at the same rate and on the same schedule, before the
 * measured seconds: the first few hundred milliseconds of a fresh process (its JIT cold, its pool
 * opening connections, the server's new sockets) are a start-up transient, not the steady state, and
 * a warm-up in another process would leave them all in the measured window. Warm-up requests are
 * sent and answered like the others but not recorded.
 */
import { build } from 'hdr-histogram-js';
import { Pool } from 'undici';

const [url, rpsArg, secondsArg, body, warmupArg = '0'] = process.argv.slice(2);
const rps = Number(rpsArg);
const seconds = Number(secondsArg);
const warmupRequests = Math.round(rps * Number(warmupArg));
const target = new URL(url);
const pool = new Pool(target.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const measured = Math.round(rps * seconds);
const total = warmupRequests + measured;
const intervalNs = 1e9 / rps;
const statusCounts = {};
let errors = 0;
let done = 0;
let sent = 0;
let measuredFromNs = 0;
let measuredUntilNs = 0;

const start = process.hrtime.bigint();
const elapsedNs = () => Number(process.hrtime.bigint() - start);
const finished = new Promise((resolve) => {
  const send = (index, dueNs) => {
    const recorded = index >= warmupRequests;
    pool
      .request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then(async (response) => {
        await response.body.dump();
        if (!recorded) return;
        measuredUntilNs = Math.max(measuredUntilNs, elapsedNs());
        histogram.recordValue(Math.max(1, Math.round((elapsedNs() - dueNs) / 1000)));
        statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
      })
      .catch(() => {
        if (recorded) errors++;
      })
      .finally(() => {
        if (++done === total) resolve();
      });
  };
  const tick = () => {
    const now = elapsedNs();
    while (sent < total && sent * intervalNs <= now) {
      if (sent === warmupRequests) measuredFromNs = sent * intervalNs;
      send(sent, sent * intervalNs);
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, Math.floor((sent * intervalNs - elapsedNs()) / 1e6)));
  };
  tick();
});
await finished;
// The measured window runs from the first measured request's due time to the last measured answer.
const wallSeconds = ((measuredUntilNs || elapsedNs()) - measuredFromNs) / 1e9;
await pool.close();
const ms = (us) => Number((us / 1000).toFixed(2));
const non2xx = Object.entries(statusCounts).reduce((n, [code, count]) => (code.startsWith('2') ? n : n + count), 0);
console.log(
  JSON.stringify({
    requests: measured,
    warmupRequests,
    rps: Math.round(measured / wallSeconds),
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p90Ms: ms(histogram.getValueAtPercentile(90)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
    errors,
    non2xx,
  }),
);
