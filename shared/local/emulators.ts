/**
 * DynamoDB and Kinesis emulators running inside this process, on a random loopback port: the local
 * runtime and the integration tests need nothing outside node_modules (no Docker, no AWS account).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:40123 */
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite with no artificial CREATING/UPDATING delays, in memory. */
export function startDynalite(): Promise<RunningEmulator> {
  return listen(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
}

/** kinesalite with no artificial state delays, in memory, with room for the project's streams. */
export function startKinesalite(): Promise<RunningEmulator> {
  return listen(kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 }));
}

async function listen(server: Server): Promise<RunningEmulator> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${address}:${port}`,
    close: () => {
      // Both emulators close their store, then the HTTP server; idle keep-alive sockets from SDK clients
      // would hold the server open, so they are dropped. Closing twice returns the first close.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
