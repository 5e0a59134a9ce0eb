/**
 * BacktestJobs on DynamoDB (TABLES.backtests): one item per job, its report inline (the report keeps
 * samples bounded, well under DynamoDB's 400 KB item limit). In AWS the table's stream starts the
 * backtest worker on each new job. Jobs expire after `ttlDays`.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BacktestJob } from '../../domain/backtest/compare';
import { asDependency } from '../../errors';
import type { BacktestJobs } from '../../ports';
import { unlessConditionFails } from './conditions';
import { expiryAfter } from './expiry';
import { scanUpTo } from './query';

export class DynamoBacktestJobs implements BacktestJobs {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly ttlDays = 90,
  ) {}

  private item(job: BacktestJob): Record<string, unknown> {
    return { ...job, expiresAt: expiryAfter(Date.parse(job.requestedAt), this.ttlDays) };
  }

  async submit(job: BacktestJob): Promise<void> {
    await asDependency('dynamodb', () =>
      unlessConditionFails(this.client.send(new PutCommand({ TableName: this.tableName, Item: this.item(job), ConditionExpression: 'attribute_not_exists(backtestId)' }))),
    );
  }

  async get(backtestId: string): Promise<BacktestJob | null> {
    const { Item } = await asDependency('dynamodb', () => this.client.send(new GetCommand({ TableName: this.tableName, Key: { backtestId }, ConsistentRead: true })));
    return Item === undefined ? null : toJob(Item);
  }

  /** A scan: jobs are few (analysts start them by hand) and expire. */
  async list(limit: number): Promise<BacktestJob[]> {
    const items = await scanUpTo(
      this.client,
      {
        TableName: this.tableName,
        // The report stays out of the listing.
        ProjectionExpression: 'backtestId, #status, requestedBy, requestedAt, candidate, baseline, #from, #to, startedAt, finishedAt, #error',
        ExpressionAttributeNames: { '#status': 'status', '#from': 'from', '#to': 'to', '#error': 'error' },
      },
      1_000,
    );
    return items.map(toJob).sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)).slice(0, limit);
  }

  async update(job: BacktestJob): Promise<void> {
    await asDependency('dynamodb', () => this.client.send(new PutCommand({ TableName: this.tableName, Item: this.item(job) })));
  }
}

function toJob(item: Record<string, unknown>): BacktestJob {
  const { expiresAt: _expiresAt, ...job } = item;
  return job as unknown as BacktestJob;
}
