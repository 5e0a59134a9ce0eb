/**
 * What the analysts' console reads besides the config: recent review and block decisions (the sparse
 * flaggedByDay index of TABLES.decisions) and merchants on the penalty ladder (TABLES.penaltyCases).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Decision } from '../../domain/records';
import { asDependency } from '../../errors';
import type { LadderEntry, PenaltyLadder, RecentDecisions } from '../../ports';
import { scanUpTo } from './query';

const DAY_MS = 86_400_000;

export class DynamoFlaggedDecisions implements RecentDecisions {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Review and block decisions before `beforeMs`, newest first, walking back day by day up to `maxDays`. */
  async recent(beforeMs: number, limit: number, maxDays = 62): Promise<Decision[]> {
    const found: Decision[] = [];
    const before = new Date(beforeMs).toISOString();
    for (let d = 0; d < maxDays && found.length < limit; d++) {
      const day = new Date(beforeMs - d * DAY_MS).toISOString().slice(0, 10);
      const { Items } = await asDependency('dynamodb', () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'flaggedByDay',
            KeyConditionExpression: 'flaggedDay = :day AND occurredAt < :before',
            ExpressionAttributeValues: { ':day': day, ':before': before },
            ScanIndexForward: false,
            Limit: limit - found.length,
          }),
        ),
      );
      found.push(...(Items ?? []).map(toDecision));
    }
    return found;
  }

  async byOrder(orderId: string): Promise<Decision[]> {
    const { Items } = await asDependency('dynamodb', () =>
      this.client.send(new QueryCommand({ TableName: this.tableName, IndexName: 'byOrder', KeyConditionExpression: 'orderId = :o', ExpressionAttributeValues: { ':o': orderId } })),
    );
    return (Items ?? []).map(toDecision);
  }
}

function toDecision(item: Record<string, unknown>): Decision {
  const { expiresAt: _e, flaggedDay: _f, ...decision } = item;
  return decision as unknown as Decision;
}

/**
 * Merchants with a penalty level, from the cases table. A bounded scan with a projection: cases exist
 * only for merchants with violations, and the console pages through them.
 */
export class DynamoPenaltyLadder implements PenaltyLadder {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async merchants(limit: number): Promise<LadderEntry[]> {
    const items = await scanUpTo(
      this.client,
      {
        TableName: this.tableName,
        ProjectionExpression: 'merchantId, #level, blacklist, creditScore, updatedAt',
        FilterExpression: 'attribute_exists(#level)',
        ExpressionAttributeNames: { '#level': 'level' },
      },
      limit,
    );
    return items.slice(0, limit).map((item) => ({
      merchantId: item.merchantId as string,
      level: (item.level as string | undefined) ?? null,
      blacklisted: item.blacklist !== undefined,
      creditScore: typeof item.creditScore === 'number' ? item.creditScore : null,
      updatedAt: (item.updatedAt as string | undefined) ?? null,
    }));
  }
}
