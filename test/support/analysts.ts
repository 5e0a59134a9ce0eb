/**
 * A small world for the analysts' console tests: simulated history as JSONL, the project's tables on
 * dynalite, and the history's orders run through the order pipeline as the order-stream Lambda wires
 * it (DynamoDB decisions and violations, the live config with a shadow candidate and a suppression,
 * the penalty workflow), so the console has real decisions, disagreements and merchants to show.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoConfigAuditLog } from '../../shared/adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoDecisionLog } from '../../shared/adapters/dynamodb/decisionLog';
import { DynamoViolationLedger } from '../../shared/adapters/dynamodb/violationLedger';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { createConfigService } from '../../shared/app/config/service';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { readInput } from '../../shared/app/replay';
import { defaultThresholds } from '../../shared/config';
import { decodeEvent } from '../../shared/contracts/decode';
import type { OrderEvent } from '../../shared/contracts/events';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import { localLiveConfig } from '../../shared/local/analystConsole';
import { localDynamoClient } from '../../shared/local/clients';
import { startDynalite, type RunningEmulator } from '../../shared/local/emulators';
import { localPenalties, type LocalPenalties } from '../../shared/local/penalties';
import { createTables, type TableNames } from '../../shared/local/provision';
import { writeMarketplaceJsonl } from '../../shared/sim/jsonl';
import type { TimedOrderEvent } from '../../shared/app/detectors/types';
import type { FeatureStore } from '../../shared/ports';

export interface AnalystWorld {
  documents: DynamoDBDocumentClient;
  tables: TableNames;
  historyPath: string;
  /** The shadow candidate seeded before the traffic ran. */
  shadowVersion: string;
  suppressedMerchant: string | null;
  /** An order whose decision lists a suppressed reason (null if the history had none). */
  suppressedOrderId: string | null;
  /** The feature store the history ran through (the console's velocity view reads it). */
  features: FeatureStore;
  /** The penalty workflow on the world's tables (what the violations of the history reached). */
  penalties: LocalPenalties;
  close(): Promise<void>;
}

/** A candidate that flags more: lower review and block thresholds. */
export function stricter(base: Thresholds, description: string): Thresholds {
  return { ...base, description, scoring: { reviewAt: 20, blockAt: 70 } };
}

export async function startAnalystWorld(dir: string, options: { events: number; at: string }): Promise<AnalystWorld> {
  const historyPath = join(dir, 'events.jsonl');
  await writeMarketplaceJsonl(historyPath, { events: options.events });
  const emulator: RunningEmulator = await startDynalite();
  const dynamo: DynamoDBClient = localDynamoClient(emulator.endpoint);
  const documents = createDocumentClient({ endpoint: emulator.endpoint });
  const tables = await createTables(dynamo);

  // An analyst drafted a stricter version last week and put it in shadow mode.
  const service = createConfigService({
    store: new DynamoConfigStore(documents, tables.configVersions),
    audit: new DynamoConfigAuditLog(documents, tables.configAudit),
    seed: defaultThresholds,
  });
  const draft = await service.createDraft(stricter(defaultThresholds, 'Stricter review threshold (shadow trial)'), 'erin', options.at);
  await service.startShadow(draft.version, 'erin', options.at);

  const lines = (await readInput(historyPath)).sort((a, b) => a.atMs - b.atMs);
  const orders: TimedOrderEvent[] = [];
  for (const line of lines) {
    if (line.kind !== 'order') continue;
    const decoded = decodeEvent(line.text, 'order');
    if (decoded.ok) orders.push({ event: decoded.event as OrderEvent, occurredAtMs: decoded.occurredAtMs });
  }
  // A false positive an analyst silenced: price gouging for the merchant of a gouging scenario.
  const gouger = orders.find((o) => o.event.label?.scenario === 'price_gouging')?.event.merchantId ?? null;
  if (gouger !== null) {
    await service.suppress({ scope: 'merchant', entityId: gouger, code: 'PRICE_GOUGING', until: '2027-03-01T00:00:00Z', reason: 'promotional bundle priced per pack' }, 'erin', options.at);
  }

  const { config, shadow } = localLiveConfig(documents, tables, defaultThresholds, 0);
  const penalties = localPenalties(documents, tables, config);
  const features = createMemoryFeatureStore();
  const pipeline = createOrderPipeline({
    features,
    violations: new DynamoViolationLedger(documents, tables.violations),
    decisions: new DynamoDecisionLog(documents, tables.decisions),
    config,
    suppressions: config,
    shadow,
    penalties: penalties.workflow,
  });
  let suppressedOrderId: string | null = null;
  for (let i = 0; i < orders.length; i += 500) {
    const { decisions } = await pipeline(orders.slice(i, i + 500));
    suppressedOrderId ??= decisions.find((d) => d.reasons.some((r) => r.suppressed))?.orderId ?? null;
  }
  await pipeline.flush(Number.POSITIVE_INFINITY);

  return {
    documents,
    tables,
    historyPath,
    shadowVersion: draft.version,
    suppressedMerchant: gouger,
    suppressedOrderId,
    features,
    penalties,
    close: async () => {
      documents.destroy();
      dynamo.destroy();
      await emulator.close();
    },
  };
}
