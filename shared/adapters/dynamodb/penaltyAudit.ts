/**
 * PenaltyAudit on DynamoDB (TABLES.penaltyAudit): one item per entry, keyed (merchantId, seq).
 * Append-only: entries are put only if absent, and the workflow's role may put but never update or
 * delete (see infra/constructs/penaltyWorkflow.ts).
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/penalties/state';
import { asDependency } from '../../errors';
import type { PenaltyAudit } from '../../ports/penalties';
import { firstByKey, mapBounded } from './concurrency';
import { isConditionalCheckFailed } from './conditions';
import { queryAll } from './query';

export class DynamoPenaltyAudit implements PenaltyAudit {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly concurrency = 8,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    const unique = firstByKey(entries, (e) => `${e.merchantId}\u0000${e.seq}`);
    await asDependency('dynamodb', () => mapBounded(unique, this.concurrency, (e) => this.putIfAbsent(e)));
  }

  async list(merchantId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'merchantId = :m',
      ExpressionAttributeValues: { ':m': merchantId },
    });
    return items.map((i) => ({
      merchantId: i.merchantId as string,
      seq: i.seq as number,
      who: i.who as string,
      when: i.when as string,
      action: i.action as string,
      why: i.why as string,
      ...(i.ref === undefined ? {} : { ref: i.ref as string }),
    }));
  }

  private async putIfAbsent(entry: AuditEntry): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...entry }, ConditionExpression: 'attribute_not_exists(seq)' }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
