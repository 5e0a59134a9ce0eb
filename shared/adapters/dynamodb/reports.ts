/**
 * ReportStore on DynamoDB (TABLES.reports): one item per report. Filing is a conditional put (a
 * refiled report returns the stored one), a decision a conditional update from `open`; the sparse
 * `openQueue` index holds the open ones by due time, byBuyer and byMerchant list by filing time.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Report, ReportCategory, ReportStatus } from '../../domain/reports/report';
import { asDependency } from '../../errors';
import type { ReportStore } from '../../ports';
import { unlessConditionFails } from './conditions';
import { queryAll } from './query';

const OPEN_QUEUE = 'open';
// STATUS is a DynamoDB reserved word.
const NAMES = { '#status': 'status' };

export class DynamoReportStore implements ReportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async file(report: Report): Promise<{ report: Report; created: boolean }> {
    const created = await asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...report, ...(report.status === 'open' ? { queue: OPEN_QUEUE } : {}) },
            ConditionExpression: 'attribute_not_exists(reportId)',
          }),
        ),
      ),
    );
    if (created) return { report, created };
    const stored = await this.get(report.reportId);
    if (stored === null) throw new Error(`report ${report.reportId} exists and cannot be read`);
    return { report: stored, created };
  }

  async get(reportId: string): Promise<Report | null> {
    const { Item } = await asDependency('dynamodb', () => this.client.send(new GetCommand({ TableName: this.tableName, Key: { reportId }, ConsistentRead: true })));
    return Item === undefined ? null : toReport(Item);
  }

  async decide(decided: Report): Promise<boolean> {
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { reportId: decided.reportId },
            UpdateExpression:
              'SET #status = :status, decidedBy = :by, decidedAt = :at, note = :note' + (decided.violationId === undefined ? '' : ', violationId = :violation') + ' REMOVE #queue',
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: { ...NAMES, '#queue': 'queue' },
            ExpressionAttributeValues: {
              ':status': decided.status,
              ':by': decided.decidedBy,
              ':at': decided.decidedAt,
              ':note': decided.note,
              ':open': 'open',
              ...(decided.violationId === undefined ? {} : { ':violation': decided.violationId }),
            },
          }),
        ),
      ),
    );
  }

  async byBuyer(buyerId: string, limit: number): Promise<Report[]> {
    const items = await queryAll(
      this.client,
      { TableName: this.tableName, IndexName: 'byBuyer', KeyConditionExpression: 'buyerId = :b', ExpressionAttributeValues: { ':b': buyerId }, ScanIndexForward: false },
      limit,
    );
    return items.map(toReport);
  }

  async openCountOf(buyerId: string): Promise<number> {
    // A buyer has few reports; the open ones are counted from the buyer's list.
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: 'byBuyer',
      KeyConditionExpression: 'buyerId = :b',
      ExpressionAttributeValues: { ':b': buyerId },
      ProjectionExpression: '#status',
      ExpressionAttributeNames: NAMES,
    });
    return items.filter((i) => i.status === 'open').length;
  }

  async open(limit: number): Promise<Report[]> {
    const items = await queryAll(
      this.client,
      { TableName: this.tableName, IndexName: 'openQueue', KeyConditionExpression: '#queue = :open', ExpressionAttributeNames: { '#queue': 'queue' }, ExpressionAttributeValues: { ':open': OPEN_QUEUE } },
      limit,
    );
    // The index is eventually consistent: a report decided a moment ago may still be listed.
    return items.map(toReport).filter((r) => r.status === 'open');
  }

  async byMerchant(merchantId: string, sinceMs: number, limit: number): Promise<Report[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'byMerchant',
        KeyConditionExpression: 'merchantId = :m AND filedAtMs >= :since',
        ExpressionAttributeValues: { ':m': merchantId, ':since': sinceMs },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(toReport);
  }
}

function toReport(item: Record<string, unknown>): Report {
  const optional = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    reportId: item.reportId as string,
    buyerId: item.buyerId as string,
    merchantId: item.merchantId as string,
    category: item.category as ReportCategory,
    ...optional('orderId'),
    ...optional('skuId'),
    ...optional('reviewId'),
    statement: item.statement as string,
    filedAt: item.filedAt as string,
    filedAtMs: Number(item.filedAtMs),
    dueAtMs: Number(item.dueAtMs),
    status: item.status as ReportStatus,
    ...optional('decidedBy'),
    ...optional('decidedAt'),
    ...optional('note'),
    ...optional('violationId'),
    ...(typeof item.verifiedPurchase === 'boolean' ? { verifiedPurchase: item.verifiedPurchase } : {}),
  };
}
