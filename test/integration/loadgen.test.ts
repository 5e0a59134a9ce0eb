/**
 * The risk-score benchmark's load generator (scripts/bench/loadgen.mjs): it sends the requests it
 * says, at its rate, and leaves its warm-up out of what it measures. The server here answers its
 * first requests slowly, as a cold process does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../scripts/bench/load';

/** A server whose first `slowFirst` requests take `slowMs`; it counts what it receives. */
async function coldStartServer(slowFirst: number, slowMs: number): Promise<{ url: string; received: () => number; server: Server }> {
  let received = 0;
  const server = createServer((req, res) => {
    const n = received++;
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{}'), n < slowFirst ? slowMs : 0));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/risk-score`, received: () => received, server };
}

describe('load generator', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
  });

  it('charges a cold start to the measurement when there is no warm-up', async () => {
    const cold = await coldStartServer(20, 300);
    server = cold.server;
    const result = await runLoad({ url: cold.url, body: '{}', rate: 100, seconds: 1 });
    expect(result).toMatchObject({ requests: 100, warmupRequests: 0, errors: 0, non2xx: 0 });
    expect(cold.received()).toBe(100);
    expect(result.p99Ms).toBeGreaterThanOrEqual(300);
  });

  it('sends its warm-up on the same schedule but leaves it out of the figures', async () => {
    const cold = await coldStartServer(20, 300);
    server = cold.server;
    const result = await runLoad({ url: cold.url, body: '{}', rate: 100, seconds: 1, warmupSeconds: 0.5 });
    expect(result).toMatchObject({ requests: 100, warmupRequests: 50, errors: 0, non2xx: 0 });
    expect(cold.received()).toBe(150);
    // Only the warm-up met the slow start; the measured requests were answered at once.
    expect(result.p99Ms).toBeLessThan(300);
  });
});
