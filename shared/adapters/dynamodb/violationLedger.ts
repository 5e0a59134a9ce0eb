/**
 * ViolationLedger on DynamoDB: one item per violation, keyed (merchantId, violationId) as in
 * TABLES.violations; the byType index (type, occurredAt) serves the analyst views.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Violation } from '../../domain/records';
import { asDependency } from '../../errors';
import type { ViolationLedger } from '../../ports';
import { firstByKey, mapBounded } from './concurrency';
import { isConditionalCheckFailed } from './conditions';
import { queryAll } from './query';

export interface DynamoViolationLedgerOptions {
  /** Conditional puts in flight at once (default 16). */
  concurrency?: number;
}

export class DynamoViolationLedger implements ViolationLedger {
  private readonly concurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoViolationLedgerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 16;
  }

  /**
   * "New" is decided by the table, not by a read before the write: a conditional put is atomic, so
   * two consumers recording the same violation cannot both see it as new. BatchWriteItem cannot carry
   * a condition and dynalite has no TransactWriteItems, hence one conditional put per violation.
   */
  async record(violations: readonly Violation[]): Promise<Violation[]> {
    const unique = firstByKey(violations, (v) => v.violationId);
    const isNew = await asDependency('dynamodb', () => mapBounded(unique, this.concurrency, (v) => this.putIfAbsent(v)));
    return unique.filter((_, i) => isNew[i]);
  }

  /** The merchant's violations, ordered by violationId; at most `limit` of them if given. */
  async listByMerchant(merchantId: string, options: { limit?: number } = {}): Promise<Violation[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'merchantId = :merchantId',
        ExpressionAttributeValues: { ':merchantId': merchantId },
      },
      options.limit,
    );
    return items.map(toViolation);
  }

  private async putIfAbsent(violation: Violation): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...violation },
          ConditionExpression: 'attribute_not_exists(violationId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}

function toViolation(item: Record<string, unknown>): Violation {
  return {
    violationId: item.violationId as string,
    merchantId: item.merchantId as string,
    type: item.type as Violation['type'],
    occurredAt: item.occurredAt as string,
    evidence: (item.evidence ?? {}) as Record<string, unknown>,
    configVersion: item.configVersion as string,
  };
}
