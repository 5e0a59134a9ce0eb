/**
 * Puts events on the streams the way the producers do: PutRecords in batches of at most 500 records
 * and 5 MB, partition key = merchantId for orders (a shop's events stay in order on one shard) and
 * skuId for reviews; records Kinesis reports as failed are sent again with backoff.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { StreamEvent } from '../contracts/events';
import { DependencyError } from '../errors';

const MAX_RECORDS = 500;
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_ATTEMPTS = 6;

export function partitionKeyOf(event: StreamEvent): string {
  return event.kind === 'order' ? event.merchantId : event.skuId;
}

export class KinesisProducer {
  records = 0;
  resent = 0;

  constructor(
    private readonly client: KinesisClient,
    private readonly streams: { orders: string; reviews: string },
  ) {}

  /** Puts the events, each kind on its stream, keeping their order within a partition key. */
  async put(events: readonly StreamEvent[]): Promise<void> {
    const orders: PutRecordsRequestEntry[] = [];
    const reviews: PutRecordsRequestEntry[] = [];
    for (const event of events) {
      const entry = { PartitionKey: partitionKeyOf(event), Data: Buffer.from(JSON.stringify(event), 'utf8') };
      (event.kind === 'order' ? orders : reviews).push(entry);
    }
    await Promise.all([this.putAll(this.streams.orders, orders), this.putAll(this.streams.reviews, reviews)]);
  }

  private async putAll(streamName: string, entries: readonly PutRecordsRequestEntry[]): Promise<void> {
    let chunk: PutRecordsRequestEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = entry.Data!.byteLength + entry.PartitionKey!.length;
      if (chunk.length === MAX_RECORDS || (chunk.length > 0 && bytes + size > MAX_BYTES)) {
        await this.putChunk(streamName, chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(entry);
      bytes += size;
    }
    if (chunk.length > 0) await this.putChunk(streamName, chunk);
  }

  private async putChunk(streamName: string, entries: PutRecordsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      const failed = pending.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
      this.records += pending.length - failed.length;
      if (failed.length === 0) return;
      if (attempt >= MAX_ATTEMPTS) throw new DependencyError('kinesis', `${failed.length} records still failed after ${attempt} PutRecords attempts`);
      this.resent += failed.length;
      pending = failed;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
