/** The buyer-warnings DynamoDB adapters through the real SDK against dynalite, tables provisioned from TABLES. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoWarningConnections, DynamoWarningStore } from '../../shared/adapters/dynamodb/warnings';
import { StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createWarningService } from '../../shared/app/warnings/outbox';
import { defaultThresholds } from '../../shared/config';
import { createTables, type TableNames } from '../../shared/local/provision';
import { describeWarningConnectionsContract, describeWarningStoreContract, T0, warningRequest } from '../contract/warnings.contract';
import { useDynalite } from '../support/dynalite';

let dynamo: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tables: TableNames;

const local = useDynalite();

beforeAll(async () => {
  ({ dynamo, documents } = local);
  tables = await createTables(dynamo, 'warnings-it');
});

describeWarningStoreContract('dynamodb (dynalite)', async () => new DynamoWarningStore(documents, tables.warnings));
describeWarningConnectionsContract('dynamodb (dynalite)', async () => new DynamoWarningConnections(documents, tables.warningConnections));

describe('DynamoWarningStore items', () => {
  it('expire by the table\'s TTL attribute, and leave the list index when withdrawn', async () => {
    const store = new DynamoWarningStore(documents, tables.warnings);
    const warnings = createWarningService({ store, config: new StaticConfigSource(defaultThresholds) });
    const w = warningRequest({ buyerId: 'b-items', orderId: 'o-items' });
    await warnings.issue([w]);
    const indexed = async () =>
      (await documents.send(new QueryCommand({ TableName: tables.warnings, IndexName: 'byBuyer', KeyConditionExpression: 'buyerId = :b', ExpressionAttributeValues: { ':b': 'b-items' } }))).Items ?? [];

    const before = await indexed();
    await warnings.withdraw([{ buyerId: 'b-items', orderId: 'o-items', occurredAt: new Date(T0).toISOString(), reason: 'order_cancelled' }]);
    const after = await indexed();
    const item = await store.get('b-items', w.warningId);

    expect(before.map((i) => i.expiresAt)).toEqual([Math.floor(T0 / 1000) + defaultThresholds.warnings.retentionDays * 86_400]);
    expect(after).toEqual([]);
    expect(item?.status).toBe('withdrawn');
  });
});
