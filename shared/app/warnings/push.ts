/**
 * The live push: each warning change goes to every open WebSocket connection of its buyer, in the
 * order of the changes. A connection API Gateway reports gone (410) is forgotten; any other failure
 * is raised after every connection was tried, so the caller (the stream consumer) retries. A client
 * may therefore hear of a change twice and keys what it shows by warningId.
 */
import { buyerView, type BuyerWarningView } from '../../domain/warnings/policy';
import { DependencyError } from '../../errors';
import type { Log } from '../../lambda/kinesisConsumer';
import type { ConnectionPusher, WarningChange, WarningConnections } from '../../ports';

export type PushMessage =
  | { type: 'warning.issued'; warning: BuyerWarningView }
  | { type: 'warning.read'; warningId: string }
  | { type: 'warning.withdrawn'; warningId: string };

export function pushMessage(change: WarningChange): PushMessage {
  switch (change.kind) {
    case 'issued':
      return { type: 'warning.issued', warning: buyerView(change.warning) };
    case 'read':
      return { type: 'warning.read', warningId: change.warning.warningId };
    case 'withdrawn':
      return { type: 'warning.withdrawn', warningId: change.warning.warningId };
  }
}

export interface WarningPushDeps {
  connections: WarningConnections;
  pusher: ConnectionPusher;
  /** Buyers pushed to at once. Default 16. */
  concurrency?: number;
  log?: Pick<Log, 'warn'>;
}

export interface PushReport {
  sent: number;
  gone: number;
}

export interface WarningPush {
  deliver(changes: readonly WarningChange[]): Promise<PushReport>;
}

export function createWarningPush(deps: WarningPushDeps): WarningPush {
  const concurrency = deps.concurrency ?? 16;
  return {
    async deliver(changes) {
      const report: PushReport = { sent: 0, gone: 0 };
      const byBuyer = new Map<string, string[]>();
      for (const change of changes) {
        const messages = byBuyer.get(change.warning.buyerId) ?? [];
        messages.push(JSON.stringify(pushMessage(change)));
        byBuyer.set(change.warning.buyerId, messages);
      }
      const failures: unknown[] = [];
      const buyers = [...byBuyer];
      let next = 0;
      const worker = async () => {
        while (next < buyers.length) {
          const [buyerId, messages] = buyers[next++]!;
          try {
            const connections = await deps.connections.ofBuyer(buyerId);
            await Promise.all(connections.map((connectionId) => sendAll(buyerId, connectionId, messages)));
          } catch (error) {
            failures.push(error);
          }
        }
      };

      async function sendAll(buyerId: string, connectionId: string, messages: readonly string[]): Promise<void> {
        for (const message of messages) {
          let outcome: 'sent' | 'gone';
          try {
            outcome = await deps.pusher.post(connectionId, message);
          } catch (error) {
            failures.push(error);
            return;
          }
          if (outcome === 'gone') {
            report.gone++;
            await deps.connections.remove(buyerId, connectionId);
            return;
          }
          report.sent++;
        }
      }

      await Promise.all(Array.from({ length: Math.min(concurrency, buyers.length) }, worker));
      if (failures.length > 0) {
        deps.log?.warn('warning push failed for some connections', { failures: failures.length });
        const first = failures[0];
        throw new DependencyError('websocket', `${failures.length} push(es) failed: ${first instanceof Error ? first.message : String(first)}`, { cause: first });
      }
      return report;
    },
  };
}
