/** The config ports' contract against the DynamoDB adapters, through the real SDK on dynalite. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll } from 'vitest';
import { DynamoBacktestJobs } from '../../shared/adapters/dynamodb/backtestJobs';
import { DynamoConfigAuditLog } from '../../shared/adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { DynamoShadowResults } from '../../shared/adapters/dynamodb/shadowResults';
import { createTables } from '../../shared/local/provision';
import { describeConfigContract } from '../contract/configStore.contract';
import { useDynalite } from '../support/dynalite';

let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let run = 0;

const local = useDynalite();

beforeAll(async () => {
  ({ dynamo, documents } = local);
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
