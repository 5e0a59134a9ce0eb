/** DecisionLog on DynamoDB: one item per eventId (TABLES.decisions), expiring ttlDays after the event. */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Decision } from '../../domain/records';
import { asDependency } from '../../errors';
import type { DecisionLog } from '../../ports';
import { firstByKey, mapBounded } from './concurrency';
import { isConditionalCheckFailed } from './conditions';
import { expiryAfter, requirePositiveDays } from './expiry';

export interface DynamoDecisionLogOptions {
  /** Days after the event's occurredAt before DynamoDB's TTL may delete the decision (default 90). */
  ttlDays?: number;
  /** Conditional puts in flight at once (default 16). */
  concurrency?: number;
}

export class DynamoDecisionLog implements DecisionLog {
  private readonly ttlDays: number;
  private readonly concurrency: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDecisionLogOptions = {},
  ) {
    this.ttlDays = requirePositiveDays('ttlDays', options.ttlDays ?? 90);
    this.concurrency = options.concurrency ?? 16;
  }

  /**
   * The first decision logged for an eventId is the one kept: a redelivered event scored again (maybe
   * under newer config) must not rewrite what was decided at the time. BatchWriteItem would be fewer
   * round trips but cannot carry a condition (it would overwrite), so each decision is a conditional
   * put, up to `concurrency` in flight. Duplicates within the batch are dropped first, keeping the
   * first, so the outcome does not depend on which parallel put lands first.
   */
  async append(decisions: readonly Decision[]): Promise<void> {
    const unique = firstByKey(decisions, (d) => d.eventId);
    await asDependency('dynamodb', () => mapBounded(unique, this.concurrency, (d) => this.putIfAbsent(d)));
  }

  private async putIfAbsent(decision: Decision): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // An occurredAt that does not parse leaves expiresAt undefined (dropped): kept, never expired.
          Item: {
            ...decision,
            expiresAt: expiryAfter(Date.parse(decision.occurredAt), this.ttlDays),
            // Keys the sparse flaggedByDay index: analysts list recent review and block decisions by day.
            flaggedDay: decision.decision === 'allow' ? undefined : decision.occurredAt.slice(0, 10),
          },
          ConditionExpression: 'attribute_not_exists(eventId)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
