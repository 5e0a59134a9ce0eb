/** Builds Kinesis-shaped Lambda events for handler tests. */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export function kinesisRecord(data: unknown, sequenceNumber: string, partitionKey = 'pk'): KinesisStreamRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(text, 'utf8').toString('base64'),
      approximateArrivalTimestamp: 0,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:kinesis:local:000000000000:stream/riskline-orders',
  };
}

export function kinesisEvent(records: readonly unknown[], firstSequence = 1): KinesisStreamEvent {
  return { Records: records.map((r, n) => kinesisRecord(r, String(firstSequence + n))) };
}

export const lambdaContext = {} as never;
