/**
 * PenaltyApprovals on DynamoDB (TABLES.penaltyApprovals): one item per approval with the task token of
 * the waiting workflow execution; the byStatus index lists the pending ones oldest first.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { asDependency } from '../../errors';
import type { ApprovalRecord, ApprovalStatus, PenaltyApprovals } from '../../ports/penalties';
import { unlessConditionFails } from './conditions';
import { queryAll } from './query';

// STATUS is a DynamoDB reserved word.
const NAMES = { '#status': 'status' };

export class DynamoPenaltyApprovals implements PenaltyApprovals {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(record: ApprovalRecord): Promise<void> {
    // A failed condition means it was already decided: a late retry of the wait must not reopen it.
    await asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...record },
            ConditionExpression: 'attribute_not_exists(approvalId) OR #status = :pending',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        ),
      ),
    );
  }

  async get(approvalId: string): Promise<ApprovalRecord | null> {
    const { Item } = await asDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { approvalId }, ConsistentRead: true })),
    );
    return Item === undefined ? null : toRecord(Item);
  }

  async settle(approvalId: string, status: Exclude<ApprovalStatus, 'pending'>, by: string, at: string): Promise<boolean> {
    return asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { approvalId },
            UpdateExpression: 'SET #status = :status, decidedBy = :by, decidedAt = :at',
            ConditionExpression: '#status = :pending',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':status': status, ':by': by, ':at': at, ':pending': 'pending' },
          }),
        ),
      ),
    );
  }

  async pending(limit: number): Promise<ApprovalRecord[]> {
    const items = await queryAll(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :pending',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':pending': 'pending' },
      },
      limit,
    );
    return items.map(toRecord);
  }
}

function toRecord(item: Record<string, unknown>): ApprovalRecord {
  return {
    approvalId: item.approvalId as string,
    merchantId: item.merchantId as string,
    kind: item.kind as ApprovalRecord['kind'],
    reasonCode: item.reasonCode as string,
    reason: item.reason as string,
    requestedAt: item.requestedAt as string,
    taskToken: item.taskToken as string,
    status: item.status as ApprovalStatus,
    ...(item.decidedBy === undefined ? {} : { decidedBy: item.decidedBy as string }),
    ...(item.decidedAt === undefined ? {} : { decidedAt: item.decidedAt as string }),
  };
}
