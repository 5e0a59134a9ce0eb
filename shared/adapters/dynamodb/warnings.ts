/**
 * Buyer warnings on DynamoDB (TABLES.warnings): one item per (buyerId, warningId); the buyer's
 * rate-limit counters live in the same partition under `#rate#<windowStart>` ids. Every write is a
 * conditional Put or Update (dynalite has no TransactWriteItems, and one item needs none). The sparse
 * byBuyer index holds the visible warnings by `listKey`; withdrawing removes the key, which removes
 * the warning from the list. `expiresAt` (epoch seconds) is the table's TTL; dynalite never expires
 * items, so reads filter on it too.
 *
 * Also the buyers' WebSocket connections (TABLES.warningConnections), keyed (buyerId, connectionId).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { WarningType } from '../../domain/records';
import type { StoredWarning, WarningStatus } from '../../domain/warnings/policy';
import { listKey } from '../../domain/warnings/policy';
import { asDependency } from '../../errors';
import type { BuyerConnection, WarningConnections, WarningPage, WarningPageCursor, WarningStore } from '../../ports';
import { isConditionalCheckFailed, unlessConditionFails } from './conditions';
import { queryAll } from './query';

const RATE_PREFIX = '#rate#';
const INDEX = 'byBuyer';
// STATUS is a DynamoDB reserved word.
const STATUS = { '#status': 'status' };

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The item for a warning (also how the table's stream images look: see decodeWarningImage). */
export function warningItem(w: StoredWarning): Record<string, unknown> {
  return {
    kind: 'warning',
    buyerId: w.buyerId,
    warningId: w.warningId,
    type: w.type,
    severity: w.severity,
    orderId: w.orderId,
    merchantId: w.merchantId,
    skuId: w.skuId,
    message: { zh: w.message.zh, en: w.message.en },
    issuedAt: w.issuedAt,
    issuedAtMs: w.issuedAtMs,
    status: w.status,
    readAt: w.readAt,
    withdrawnAt: w.withdrawnAt,
    listKey: listKey(w),
    expiresAt: seconds(w.expiresAtMs),
    expiresAtMs: w.expiresAtMs,
    sourceEventId: w.sourceEventId,
  };
}

/** A warning item (or a stream image of one) back to the domain; undefined for anything else (rate counters). */
export function decodeWarningImage(item: Record<string, unknown> | undefined): StoredWarning | undefined {
  if (item === undefined || item.kind !== 'warning') return undefined;
  const message = item.message as { zh: string; en: string };
  const optional = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    warningId: item.warningId as string,
    buyerId: item.buyerId as string,
    type: item.type as WarningType,
    severity: item.severity as StoredWarning['severity'],
    ...optional('orderId'),
    ...optional('merchantId'),
    ...optional('skuId'),
    message: { zh: message.zh, en: message.en },
    issuedAt: item.issuedAt as string,
    issuedAtMs: Number(item.issuedAtMs),
    status: item.status as WarningStatus,
    ...optional('readAt'),
    ...optional('withdrawnAt'),
    expiresAtMs: Number(item.expiresAtMs),
    sourceEventId: item.sourceEventId as string,
  };
}

export class DynamoWarningStore implements WarningStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(buyerId: string, warningId: string): Promise<StoredWarning | null> {
    const { Item } = await asDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { buyerId, warningId }, ConsistentRead: true })),
    );
    return decodeWarningImage(Item) ?? null;
  }

  async putUnlessRecent(warning: StoredWarning, cutoffMs: number): Promise<boolean> {
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: warningItem(warning),
            ConditionExpression: 'attribute_not_exists(warningId) OR issuedAtMs <= :cutoff',
            ExpressionAttributeValues: { ':cutoff': cutoffMs },
          }),
        ),
      ),
    );
  }

  async takeRate(buyerId: string, windowStartMs: number, max: number, expiresAtMs: number): Promise<boolean> {
    if (max <= 0) return false;
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { buyerId, warningId: `${RATE_PREFIX}${windowStartMs}` },
            UpdateExpression: 'SET kind = :kind, expiresAt = :expires ADD issued :one',
            ConditionExpression: 'attribute_not_exists(issued) OR issued < :max',
            ExpressionAttributeValues: { ':kind': 'rate', ':expires': seconds(expiresAtMs), ':one': 1, ':max': max },
          }),
        ),
      ),
    );
  }

  async page(buyerId: string, options: { limit: number; after?: WarningPageCursor; nowMs: number }): Promise<WarningPage> {
    const items: StoredWarning[] = [];
    let startKey: Record<string, unknown> | undefined = options.after
      ? { buyerId, listKey: options.after.listKey, warningId: options.after.warningId }
      : undefined;
    let more = true;
    // Expired items still in the table (TTL deletes lazily; dynalite never) are filtered out, so a
    // query page can come back short: keep reading until the page is full or the index ends.
    while (items.length < options.limit && more) {
      const page = await this.query({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'buyerId = :b',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':b': buyerId, ':now': seconds(options.nowMs) },
        ScanIndexForward: false,
        Limit: options.limit - items.length,
        ExclusiveStartKey: startKey,
      });
      for (const item of page.Items ?? []) {
        const w = decodeWarningImage(item);
        if (w !== undefined && w.expiresAtMs > options.nowMs) items.push(w);
      }
      startKey = page.LastEvaluatedKey;
      more = startKey !== undefined;
    }
    const last = items[items.length - 1];
    return { items, ...(more && last ? { next: { listKey: listKey(last)!, warningId: last.warningId } } : {}) };
  }

  async countUnread(buyerId: string, nowMs: number): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.query({
        TableName: this.tableName,
        IndexName: INDEX,
        KeyConditionExpression: 'buyerId = :b AND begins_with(listKey, :u)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':b': buyerId, ':u': 'u#', ':now': seconds(nowMs) },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      });
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  }

  async markRead(buyerId: string, warningId: string, issuedAtMs: number, atIso: string): Promise<StoredWarning | null> {
    const issuedAt = new Date(issuedAtMs).toISOString();
    const updated = await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { buyerId, warningId },
        UpdateExpression: 'SET #status = :read, readAt = :at, listKey = :key',
        ConditionExpression: '#status = :unread AND issuedAtMs = :issued',
        ExpressionAttributeNames: STATUS,
        ExpressionAttributeValues: {
          ':read': 'read',
          ':unread': 'unread',
          ':at': atIso,
          ':issued': issuedAtMs,
          ':key': listKey({ status: 'read', issuedAt, warningId }),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (updated !== null) return decodeWarningImage(updated) ?? null;
    // Already read, renewed meanwhile, withdrawn or absent: answer with what is there now.
    const now = await this.get(buyerId, warningId);
    return now === null || now.status === 'withdrawn' ? null : now;
  }

  async aboutOrder(buyerId: string, orderId: string): Promise<StoredWarning[]> {
    const found: StoredWarning[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.query({
        TableName: this.tableName,
        KeyConditionExpression: 'buyerId = :b',
        FilterExpression: 'orderId = :o',
        ExpressionAttributeValues: { ':b': buyerId, ':o': orderId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      });
      for (const item of page.Items ?? []) {
        const w = decodeWarningImage(item);
        if (w !== undefined) found.push(w);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return found;
  }

  async withdraw(buyerId: string, warningId: string, atIso: string): Promise<StoredWarning | null> {
    const updated = await this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { buyerId, warningId },
        UpdateExpression: 'SET #status = :withdrawn, withdrawnAt = :at REMOVE listKey, readAt',
        ConditionExpression: 'attribute_exists(warningId) AND #status <> :withdrawn',
        ExpressionAttributeNames: STATUS,
        ExpressionAttributeValues: { ':withdrawn': 'withdrawn', ':at': atIso },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return updated === null ? null : (decodeWarningImage(updated) ?? null);
  }

  /** The item after a conditional update, or null when its condition failed. */
  private conditional(command: UpdateCommand): Promise<Record<string, unknown> | null> {
    return asDependency('dynamodb', async () => {
      try {
        return (await this.client.send(command)).Attributes ?? null;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return null;
        throw error;
      }
    });
  }

  private query(input: QueryCommandInput) {
    return asDependency('dynamodb', () => this.client.send(new QueryCommand(input)));
  }
}

export class DynamoWarningConnections implements WarningConnections {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(c: BuyerConnection): Promise<void> {
    await asDependency('dynamodb', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { buyerId: c.buyerId, connectionId: c.connectionId, connectedAt: new Date(c.connectedAtMs).toISOString(), expiresAt: seconds(c.expiresAtMs) },
        }),
      ),
    );
  }

  async remove(buyerId: string, connectionId: string): Promise<void> {
    await asDependency('dynamodb', () => this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { buyerId, connectionId } })));
  }

  async ofBuyer(buyerId: string): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'buyerId = :b',
      ExpressionAttributeValues: { ':b': buyerId },
      ConsistentRead: true,
    });
    return items.map((i) => i.connectionId as string);
  }
}
