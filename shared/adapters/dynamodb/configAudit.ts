/**
 * ConfigAuditLog on DynamoDB (TABLES.configAudit): one item per entry in the `config` log, sorted by
 * entryId (`<at>#<suffix>`). Append-only: entries are put only if absent, and the admin API's role may
 * put and read but never update or delete (see infra/stacks/stateless.ts).
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfigAuditEntry } from '../../domain/config/lifecycle';
import { asDependency } from '../../errors';
import type { ConfigAuditLog } from '../../ports';
import { unlessConditionFails } from './conditions';

const LOG = 'config';

export class DynamoConfigAuditLog implements ConfigAuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: ConfigAuditEntry): Promise<void> {
    // A failed condition is the same entry written by an earlier attempt of the same request.
    await asDependency('dynamodb', () =>
      unlessConditionFails(
        this.client.send(new PutCommand({ TableName: this.tableName, Item: { log: LOG, ...entry }, ConditionExpression: 'attribute_not_exists(entryId)' })),
      ),
    );
  }

  async list(limit: number): Promise<ConfigAuditEntry[]> {
    const { Items } = await asDependency('dynamodb', () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#log = :log',
          ExpressionAttributeNames: { '#log': 'log' },
          ExpressionAttributeValues: { ':log': LOG },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (Items ?? []).map(({ log: _log, ...entry }) => entry as unknown as ConfigAuditEntry);
  }
}
