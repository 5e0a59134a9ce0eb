/**
 * PenaltyCases on DynamoDB (TABLES.penaltyCases): one item per merchant holding the case state, its
 * version and the outbox of undelivered effects. Writes are conditional on the version (optimistic
 * concurrency, no transactions: dynalite has none, and one item needs none). `blacklist` is set only
 * on blacklisted merchants, so the byBlacklist index holds exactly them.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MerchantPenaltyStateSchema, type PenaltyEffect } from '../../domain/penalties/state';
import { asDependency } from '../../errors';
import type { PenaltyCaseRecord, PenaltyCases } from '../../ports/penalties';
import { unlessConditionFails } from './conditions';
import { queryAll } from './query';

const BLACKLISTED = 'blacklisted';

export class DynamoPenaltyCases implements PenaltyCases {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(merchantId: string): Promise<PenaltyCaseRecord | null> {
    const { Item } = await asDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { merchantId }, ConsistentRead: true })),
    );
    return Item === undefined ? null : toRecord(Item);
  }

  async save(record: PenaltyCaseRecord): Promise<boolean> {
    const first = record.version === 1;
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              merchantId: record.state.merchantId,
              version: record.version,
              state: record.state,
              outbox: record.outbox,
              creditScore: record.creditScore,
              updatedAt: record.updatedAt,
              level: record.state.level ?? undefined,
              blacklist: record.state.blacklisted ? BLACKLISTED : undefined,
            },
            ConditionExpression: first ? 'attribute_not_exists(merchantId)' : 'version = :previous',
            ExpressionAttributeValues: first ? undefined : { ':previous': record.version - 1 },
          }),
        ),
      ),
    );
  }

  async clearOutbox(merchantId: string, version: number): Promise<void> {
    // A failed condition means the case moved on: the newer version's writer delivered this outbox first.
    await asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { merchantId },
            UpdateExpression: 'SET outbox = :empty',
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':empty': [], ':version': version },
          }),
        ),
      ),
    );
  }

  async blacklisted(): Promise<PenaltyCaseRecord[]> {
    const keys = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byBlacklist',
      KeyConditionExpression: 'blacklist = :b',
      ExpressionAttributeValues: { ':b': BLACKLISTED },
    });
    // Index reads are eventually consistent: re-read each case and keep those still blacklisted.
    const records = await Promise.all(keys.map((k) => this.load(k.merchantId as string)));
    return records.filter((r): r is PenaltyCaseRecord => r !== null && r.state.blacklisted);
  }
}

function toRecord(item: Record<string, unknown>): PenaltyCaseRecord {
  return {
    state: MerchantPenaltyStateSchema.parse(item.state),
    version: item.version as number,
    outbox: (item.outbox ?? []) as PenaltyEffect[],
    creditScore: item.creditScore as number,
    updatedAt: item.updatedAt as string,
  };
}
