/**
 * Quarantine on DynamoDB: one item per poison record, keyed (source, sequenceNumber) as in
 * TABLES.quarantine, expiring ttlDays after it was quarantined.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuarantinedRecord } from '../../domain/records';
import { DependencyError, asDependency } from '../../errors';
import type { Quarantine } from '../../ports';
import { firstByKey, mapBounded } from './concurrency';
import { expiryAfter, requirePositiveDays } from './expiry';
import { queryAll } from './query';

/** BatchWriteItem's limit on requests per call. */
const BATCH_SIZE = 25;

export interface StoredQuarantinedRecord extends QuarantinedRecord {
  /** ISO time the record was (last) quarantined. */
  quarantinedAt: string;
}

export interface DynamoQuarantineOptions {
  /** Days before DynamoDB's TTL may delete a quarantined record (default 30). */
  ttlDays?: number;
  /** Clock for quarantinedAt and expiresAt (default Date.now). */
  now?: () => number;
  /** BatchWriteItem attempts for items DynamoDB returns unprocessed (default 6). */
  maxAttempts?: number;
  /** First backoff before resending unprocessed items, doubled each attempt (default 50 ms). */
  baseDelayMs?: number;
}

export class DynamoQuarantine implements Quarantine {
  private readonly ttlDays: number;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoQuarantineOptions = {},
  ) {
    this.ttlDays = requirePositiveDays('ttlDays', options.ttlDays ?? 30);
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 50;
  }

  /**
   * Plain puts: a record quarantined again (a retried batch) lands on the same key with the same
   * content, so no condition is needed and BatchWriteItem can carry them, 25 per call. One request
   * may not name a key twice, so duplicates within the call are dropped first.
   */
  async put(records: readonly QuarantinedRecord[]): Promise<void> {
    const atMs = this.now();
    const quarantinedAt = new Date(atMs).toISOString();
    const expiresAt = expiryAfter(atMs, this.ttlDays);
    const items = firstByKey(records, (r) => `${r.source}\u0000${r.sequenceNumber}`).map((r) => ({
      source: r.source,
      sequenceNumber: r.sequenceNumber,
      partitionKey: r.partitionKey,
      reason: r.reason,
      payload: r.payload,
      payloadBytes: r.payloadBytes,
      quarantinedAt,
      expiresAt,
    }));
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
    await asDependency('dynamodb', () => mapBounded(chunks, 4, (chunk) => this.writeChunk(chunk)));
  }

  /** The source's most recent records first (by sequenceNumber, compared as strings), at most `limit`. */
  async list(source: string, limit: number): Promise<StoredQuarantinedRecord[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#source = :source',
        // SOURCE is a DynamoDB reserved word.
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':source': source },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(toStored);
  }

  private async writeChunk(items: Record<string, unknown>[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      const unprocessed = result.UnprocessedItems?.[this.tableName] ?? [];
      if (unprocessed.length === 0) return;
      if (attempt >= this.maxAttempts) {
        throw new DependencyError('dynamodb', `${unprocessed.length} quarantine items still unprocessed after ${attempt} BatchWriteItem attempts`);
      }
      requests = unprocessed.flatMap((r) => (r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }]));
      // Unprocessed items mean throttling: back off exponentially, with jitter so retries spread out.
      await sleep(this.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }
}

function toStored(item: Record<string, unknown>): StoredQuarantinedRecord {
  return {
    source: item.source as string,
    sequenceNumber: item.sequenceNumber as string,
    ...(item.partitionKey === undefined ? {} : { partitionKey: item.partitionKey as string }),
    reason: item.reason as string,
    payload: item.payload as string,
    payloadBytes: item.payloadBytes as number,
    quarantinedAt: item.quarantinedAt as string,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
