/** The reports DynamoDB adapter through the real SDK against dynalite, its table provisioned from TABLES. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll } from 'vitest';
import { DynamoReportStore } from '../../shared/adapters/dynamodb/reports';
import { createTables, type TableNames } from '../../shared/local/provision';
import { describeReportStoreContract } from '../contract/reports.contract';
import { useDynalite } from '../support/dynalite';

let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tables: TableNames;
let n = 0;

const local = useDynalite();

beforeAll(async () => {
  ({ dynamo, documents } = local);
});

// A fresh set of tables per test: the contract's lists read whole indexes.
describeReportStoreContract('dynamodb (dynalite)', async () => {
  tables = await createTables(dynamo, `reports-it-${++n}`);
  return new DynamoReportStore(documents, tables.reports);
});
