/**
 * ConfigStore on DynamoDB (TABLES.configVersions, keyed (kind, id)): versions, the live and shadow
 * pointers, the version counter and the suppressions. Every write that could race is conditional
 * (a version on its revision, the live pointer on its sequence number): no transactions needed.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfigAuditEntry, ConfigVersion, LivePointer } from '../../domain/config/lifecycle';
import type { Suppression } from '../../domain/config/suppressions';
import { asDependency } from '../../errors';
import type { ConfigStore, ShadowPointer } from '../../ports';
import { unlessConditionFails } from './conditions';
import { queryAll } from './query';

const KIND = { version: 'version', pointer: 'pointer', suppression: 'suppression' } as const;
const POINTER = { live: 'live', shadow: 'shadow', counter: 'counter' } as const;

export class DynamoConfigStore implements ConfigStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Strongly consistent reads (the admin API); the pipeline's cached reads can be eventual. */
    private readonly consistent = true,
  ) {}

  private async get(kind: string, id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await asDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { kind, id }, ConsistentRead: this.consistent })),
    );
    return Item;
  }

  async getVersion(version: string): Promise<ConfigVersion | null> {
    const item = await this.get(KIND.version, version);
    return item === undefined ? null : toVersion(item);
  }

  async listVersions(): Promise<ConfigVersion[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': KIND.version },
      ConsistentRead: this.consistent,
    });
    return items.map(toVersion).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.version.localeCompare(a.version));
  }

  async putVersion(record: ConfigVersion): Promise<boolean> {
    const first = record.revision === 1;
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { kind: KIND.version, id: record.version, ...record },
            ConditionExpression: first ? 'attribute_not_exists(id)' : 'revision = :previous',
            ExpressionAttributeValues: first ? undefined : { ':previous': record.revision - 1 },
          }),
        ),
      ),
    );
  }

  async live(): Promise<LivePointer | null> {
    const item = await this.get(KIND.pointer, POINTER.live);
    if (item === undefined) return null;
    const pointer: LivePointer = { version: item.version as string, seq: item.seq as number, at: item.at as string, by: item.by as string };
    return item.followUp === undefined ? pointer : { ...pointer, followUp: item.followUp as ConfigAuditEntry };
  }

  async setLive(pointer: LivePointer, expectSeq: number): Promise<boolean> {
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { kind: KIND.pointer, id: POINTER.live, ...pointer },
            ConditionExpression: expectSeq === 0 ? 'attribute_not_exists(id)' : 'seq = :expect',
            ExpressionAttributeValues: expectSeq === 0 ? undefined : { ':expect': expectSeq },
          }),
        ),
      ),
    );
  }

  async nextVersionNumber(): Promise<number> {
    const { Attributes } = await asDependency('dynamodb', () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { kind: KIND.pointer, id: POINTER.counter },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return Attributes?.n as number;
  }

  async shadow(): Promise<ShadowPointer | null> {
    const item = await this.get(KIND.pointer, POINTER.shadow);
    return item === undefined ? null : { version: item.version as string, since: item.since as string, by: item.by as string };
  }

  async setShadow(pointer: ShadowPointer | null): Promise<void> {
    const Key = { kind: KIND.pointer, id: POINTER.shadow };
    await asDependency('dynamodb', async () => {
      if (pointer === null) await this.client.send(new DeleteCommand({ TableName: this.tableName, Key }));
      else await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...Key, ...pointer } }));
    });
  }

  async listSuppressions(): Promise<Suppression[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': KIND.suppression },
      ConsistentRead: this.consistent,
    });
    return items.map(toSuppression);
  }

  async putSuppression(s: Suppression): Promise<void> {
    await asDependency('dynamodb', () =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { kind: KIND.suppression, id: s.suppressionId, ...s } })),
    );
  }

  async liftSuppression(suppressionId: string, by: string, at: string): Promise<boolean> {
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { kind: KIND.suppression, id: suppressionId },
            UpdateExpression: 'SET liftedBy = :by, liftedAt = :at',
            ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(liftedAt)',
            ExpressionAttributeValues: { ':by': by, ':at': at },
          }),
        ),
      ),
    );
  }
}

function toVersion(item: Record<string, unknown>): ConfigVersion {
  const { kind: _kind, id: _id, ...record } = item;
  return record as unknown as ConfigVersion;
}

function toSuppression(item: Record<string, unknown>): Suppression {
  const { kind: _kind, id: _id, ...rest } = item;
  return rest as unknown as Suppression;
}
