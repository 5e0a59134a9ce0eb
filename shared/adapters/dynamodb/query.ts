/** Paged Query: follows LastEvaluatedKey until the partition is read or `limit` items are found. */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { asDependency } from '../../errors';

export async function queryAll(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit' | 'FilterExpression'>,
  limit?: number,
): Promise<Record<string, unknown>[]> {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  const found: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  while (limit === undefined || found.length < limit) {
    const page = await asDependency('dynamodb', () =>
      client.send(
        new QueryCommand({
          ...input,
          ExclusiveStartKey: startKey,
          // No FilterExpression (excluded by the type), so every evaluated item is returned: Limit bounds the result.
          Limit: limit === undefined ? undefined : limit - found.length,
        }),
      ),
    );
    found.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    if (startKey === undefined) break;
  }
  return found;
}
