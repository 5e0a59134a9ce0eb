/** Paged reads. Query: follows LastEvaluatedKey until the partition is read or `limit` items are found. */
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
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

/**
 * Paged Scan: follows LastEvaluatedKey until the table is read or at least `atLeast` items matched
 * (whole pages are kept, so the result may hold more; callers slice). For small tables only.
 */
export async function scanUpTo(
  client: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'ExclusiveStartKey'>,
  atLeast: number,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await asDependency('dynamodb', () => client.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey })));
    found.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && found.length < atLeast);
  return found;
}
