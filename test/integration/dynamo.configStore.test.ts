/** The config ports' contract against the DynamoDB adapters, through the real SDK on dynalite. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DynamoBacktestJobs } from '../../shared/adapters/dynamodb/backtestJobs';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoConfigAuditLog } from '../../shared/adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoShadowResults } from '../../shared/adapters/dynamodb/shadowResults';
import { localDynamoClient } from '../../shared/local/clients';
import { startDynalite, type RunningEmulator } from '../../shared/local/emulators';
import { createTables } from '../../shared/local/provision';
import { describeConfigContract } from '../contract/configStore.contract';

let emulator: RunningEmulator;
let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let run = 0;

beforeAll(async () => {
  emulator = await startDynalite();
  dynamo = localDynamoClient(emulator.endpoint);
  documents = createDocumentClient({ endpoint: emulator.endpoint });
});

afterAll(async () => {
  documents?.destroy();
  dynamo?.destroy();
  await emulator?.close();
});

// Each test gets its own tables (a fresh prefix), as each memory test gets fresh adapters.
describeConfigContract('DynamoDB (dynalite)', async () => {
  const tables = await createTables(dynamo, `cfg${++run}`);
  return {
    store: new DynamoConfigStore(documents, tables.configVersions),
    audit: new DynamoConfigAuditLog(documents, tables.configAudit),
    shadow: new DynamoShadowResults(documents, tables.shadowResults),
    jobs: new DynamoBacktestJobs(documents, tables.backtests),
  };
});
