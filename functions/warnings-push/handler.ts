/**
 * The live push in AWS: a consumer of the warnings table's DynamoDB stream. Each record that issued,
 * renewed, read or withdrew a warning becomes a message to the buyer's open WebSocket connections
 * (shared/app/warnings/push.ts); other records (rate-limit counters, TTL deletions) are skipped.
 * Records are handled one by one in shard order and failures reported as batchItemFailures, so a
 * connection that fails transiently is retried from that record; connections gone (410) are removed.
 *
 * Why the stream and not the outbox itself: the order-stream function runs in isolated subnets with
 * no route to API Gateway, its batch must not wait on buyers' sockets, and a write that the stream
 * carries is exactly a change that was stored (after de-duplication and the rate limit), with the
 * stream's own retries. Locally (dynalite has no streams) the outbox calls the same push service.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeWarningImage } from '../../shared/adapters/dynamodb/warnings';
import type { WarningPush } from '../../shared/app/warnings/push';
import type { Log } from '../../shared/lambda/kinesisConsumer';
import type { WarningChange } from '../../shared/ports';

export interface WarningsPushHandlerDeps {
  push: WarningPush;
  log?: Pick<Log, 'warn' | 'error'>;
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function image(raw: Image | undefined) {
  return raw === undefined ? undefined : decodeWarningImage(unmarshall(raw as Record<string, AttributeValue>));
}

/** What a stream record says happened to a warning, if anything a buyer should hear of. */
export function changeOf(record: DynamoDBRecord): WarningChange | undefined {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const after = image(record.dynamodb?.NewImage);
  if (after === undefined) return undefined;
  const before = image(record.dynamodb?.OldImage);
  if (after.status === 'unread' && (before === undefined || before.issuedAtMs !== after.issuedAtMs)) return { kind: 'issued', warning: after };
  if (before === undefined || before.status === after.status) return undefined;
  if (after.status === 'withdrawn') return { kind: 'withdrawn', warning: after };
  if (after.status === 'read') return { kind: 'read', warning: after };
  return undefined;
}

export function makeWarningsPushHandler(deps: WarningsPushHandlerDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler((event) =>
    processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const change = changeOf(record);
        if (change !== undefined) await deps.push.deliver([change]);
      },
      processor,
      // Shard order: a warning's "withdrawn" must not overtake its "issued".
      { processInParallel: false },
    ),
  );
}
