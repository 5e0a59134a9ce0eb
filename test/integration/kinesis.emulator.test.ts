/** kinesalite smoke test: streams provisioned from STREAMS, records written and read back through the SDK. */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKinesisClient } from '../../shared/local/clients';
import { startKinesalite, type RunningEmulator } from '../../shared/local/emulators';
import { createStreams, type StreamNames } from '../../shared/local/provision';
import { STREAMS } from '../../shared/resources';

let emulator: RunningEmulator;
let kinesis: KinesisClient;
let streams: StreamNames;

beforeAll(async () => {
  emulator = await startKinesalite();
  kinesis = localKinesisClient(emulator.endpoint);
  streams = await createStreams(kinesis, 'it');
});

afterAll(async () => {
  kinesis?.destroy();
  await emulator?.close();
});

describe('kinesalite', () => {
  it('provisions the streams idempotently with the defined shard counts', async () => {
    const again = await createStreams(kinesis, 'it');

    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streams.orders }));

    expect(again).toEqual(streams);
    expect(Shards).toHaveLength(STREAMS.orders.shardCount);
  });

  it('reads back what PutRecords wrote to the orders stream', async () => {
    const sent = Array.from({ length: 10 }, (_, i) => ({ eventId: `evt-${i}`, merchantId: `shop-${i % 3}` }));

    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streams.orders,
        Records: sent.map((e) => ({ PartitionKey: e.merchantId, Data: Buffer.from(JSON.stringify(e)) })),
      }),
    );
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streams.orders }));
    const received: { eventId: string; merchantId: string }[] = [];
    for (const shard of Shards) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({ StreamName: streams.orders, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      for (const record of Records) received.push(JSON.parse(Buffer.from(record.Data ?? []).toString('utf8')));
    }

    expect(put.FailedRecordCount).toBe(0);
    expect(received.sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual(sent.sort((a, b) => a.eventId.localeCompare(b.eventId)));
  });
});
