/**
 * npm run measure:config [-- --rounds N]
 * How long a published thresholds version takes to reach a running consumer: the local runtime's
 * order-stream consumer (the event-source-mapping emulator, the real handler, the live config read
 * through its bounded cache, CONFIG_CACHE_SECONDS, default 30) takes a steady trickle of orders; an
 * analyst drafts a version, a second one approves and publishes it through the analyst API; the time
 * from the publish answer to the first decision that names the new version is printed per round.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultThresholds } from '../shared/config';
import type { OrderEvent } from '../shared/contracts/events';
import { chooseFeatureStore } from '../shared/local/featureStore';
import { startLocalRuntime } from '../shared/local/runtime';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 3);
  const outDir = await mkdtemp(join(tmpdir(), 'riskline-config-propagation-'));
  const features = await chooseFeatureStore({ redisUrl: undefined, prefix: 'propagation' });
  const seen: { atMs: number; version: string }[] = [];
  const runtime = await startLocalRuntime({
    features,
    thresholds: defaultThresholds,
    outDir,
    eventSource: { maxBatchingWindowMs: 100 },
    observer: { decisions: (ds) => ds.forEach((d) => seen.push({ atMs: Date.now(), version: d.configVersion })) },
  });
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${runtime.endpoints.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  // A steady trickle of orders (event time moves with the wall clock).
  let n = 0;
  let running = true;
  const traffic = (async () => {
    while (running) {
      n++;
      const event: OrderEvent = {
        schemaVersion: 1,
        kind: 'order',
        eventId: `prop-${n}`,
        type: 'order.placed',
        occurredAt: new Date().toISOString(),
        orderId: `o-prop-${n}`,
        merchantId: `m-${n % 7}`,
        buyer: { id: `b-${n % 50}` },
        amount: 4_990,
        currency: 'CNY',
      };
      await runtime.put([event]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();

  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const results: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const draft = await api('POST', '/v1/config/versions', 'dev:analyst:alice', { ...defaultThresholds, description: `propagation round ${round}`, scoring: { reviewAt: 40 - round, blockAt: 80 } });
      const version = draft.version as string;
      await api('POST', `/v1/config/versions/${version}/approve`, 'dev:approver:bob', { note: 'measurement' });
      await api('POST', `/v1/config/versions/${version}/publish`, 'dev:approver:bob', {});
      const publishedMs = Date.now();
      while (!seen.some((s) => s.version === version && s.atMs >= publishedMs)) await new Promise((resolve) => setTimeout(resolve, 20));
      const reachedMs = seen.find((s) => s.version === version && s.atMs >= publishedMs)!.atMs;
      results.push(reachedMs - publishedMs);
      console.log(`round ${round}: ${version} published; first decision under it ${((reachedMs - publishedMs) / 1000).toFixed(1)} s later`);
    }
    const sorted = [...results].sort((a, b) => a - b);
    console.log(JSON.stringify({ rounds, cacheSeconds: Number(process.env.CONFIG_CACHE_SECONDS ?? 30), msToReachConsumer: results, maxMs: sorted.at(-1), minMs: sorted[0] }));
  } finally {
    running = false;
    await traffic;
    await runtime.stop();
    await features.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`measure failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
