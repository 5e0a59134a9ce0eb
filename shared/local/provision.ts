/**
 * Creates the project's tables and streams in the embedded emulators from the one definition in
 * shared/resources.ts (the CDK stacks build the cloud ones from the same definition).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  DEFAULT_PREFIX,
  STREAMS,
  TABLES,
  streamName,
  tableName,
  type KeyAttribute,
  type StreamDefinition,
  type TableDefinition,
} from '../resources';

export type TableNames = { [K in keyof typeof TABLES]: string };
export type StreamNames = { [K in keyof typeof STREAMS]: string };

const WAIT_TIMEOUT_MS = 30_000;

/**
 * Creates every table in TABLES (keys and global indexes from the definition, on-demand billing) and
 * waits until each and its indexes are ACTIVE. A table that already exists is accepted as it is.
 * TTL is not set: dynalite has no UpdateTimeToLive and never expires items; the CDK stack sets it
 * from timeToLiveAttribute.
 */
export async function createTables(client: DynamoDBClient, prefix = DEFAULT_PREFIX): Promise<TableNames> {
  const names = Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, tableName(def, prefix)])) as TableNames;
  await Promise.all(
    Object.values(TABLES).map(async (def: TableDefinition) => {
      const name = tableName(def, prefix);
      try {
        await client.send(new CreateTableCommand(createTableInput(def, name)));
      } catch (error) {
        if (!isNamed(error, 'ResourceInUseException')) throw error;
      }
      await waitFor(`table ${name}`, async () => {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        return Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      });
    }),
  );
  return names;
}

/**
 * Creates every stream in STREAMS with its shard count and retention and waits until it is ACTIVE.
 * A stream that already exists is accepted as it is (its shard count is not changed).
 */
export async function createStreams(client: KinesisClient, prefix = DEFAULT_PREFIX): Promise<StreamNames> {
  const names = Object.fromEntries(Object.entries(STREAMS).map(([key, def]) => [key, streamName(def, prefix)])) as StreamNames;
  await Promise.all(
    Object.values(STREAMS).map(async (def: StreamDefinition) => {
      const name = streamName(def, prefix);
      try {
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: def.shardCount }));
      } catch (error) {
        if (!isNamed(error, 'ResourceInUseException')) throw error;
      }
      const active = async () => {
        const { StreamDescriptionSummary: summary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
        return summary?.StreamStatus === 'ACTIVE' ? summary : undefined;
      };
      const summary = await waitFor(`stream ${name}`, active);
      if ((summary.RetentionPeriodHours ?? 0) < def.retentionHours) {
        await client.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: def.retentionHours }));
        await waitFor(`stream ${name}`, active);
      }
    }),
  );
  return names;
}

export function createTableInput(def: TableDefinition, name: string): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const keySchema = (partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchemaElement[] => {
    const keys: [KeyAttribute, 'HASH' | 'RANGE'][] = [[partitionKey, 'HASH']];
    if (sortKey !== undefined) keys.push([sortKey, 'RANGE']);
    for (const [key] of keys) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
    return keys.map(([key, KeyType]) => ({ AttributeName: key.name, KeyType }));
  };
  const KeySchema = keySchema(def.partitionKey, def.sortKey);
  const GlobalSecondaryIndexes = def.globalIndexes?.map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema,
    AttributeDefinitions: [...attributes.values()],
    GlobalSecondaryIndexes,
  };
}

/** Polls `check` until it returns a truthy value, with growing delays, failing after WAIT_TIMEOUT_MS. */
async function waitFor<T>(what: string, check: () => Promise<T | false | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    const result = await check();
    if (result) return result;
    if (Date.now() + delayMs > deadline) throw new Error(`${what} not ACTIVE after ${WAIT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
