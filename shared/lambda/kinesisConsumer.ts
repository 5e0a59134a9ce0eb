/**
 * The Kinesis consumer shape every stream function shares: decode and validate each record,
 * quarantine poison with its reason (never retried), process the valid records as one batch with
 * batched I/O, and answer with partial batch failures keyed by sequence number.
 *
 * Failure isolation: if the batch's work fails, it is retried per isolation group (a shop), so one
 * failing group fails only its own records. Lambda retries from the lowest failed sequence number;
 * the records after it come again and change nothing, because processing is idempotent by eventId.
 * If every record failed, Powertools throws FullBatchFailureError and Lambda retries the batch.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { decodeEvent } from '../contracts/decode';
import type { OrderEvent, ReviewEvent } from '../contracts/events';
import type { QuarantinedRecord } from '../domain/records';
import type { Quarantine } from '../ports';

const MAX_QUARANTINED_PAYLOAD_CHARS = 8 * 1024;

export interface Log {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };

type EventOfKind<K> = K extends 'order' ? OrderEvent : ReviewEvent;

export interface Timed<E> {
  event: E;
  occurredAtMs: number;
}

export interface KinesisConsumerOptions<K extends 'order' | 'review'> {
  kind: K;
  quarantine: Quarantine;
  process: (items: Timed<EventOfKind<K>>[]) => Promise<unknown>;
  /** Records with the same key are processed together when the batch must be split to isolate a failure. */
  isolationKey: (event: EventOfKind<K>) => string;
  log?: Log;
}

export function makeKinesisConsumer<K extends 'order' | 'review'>(options: KinesisConsumerOptions<K>) {
  const log = options.log ?? silentLog;
  // One processor per handler, as Powertools intends: it is reset on every invocation.
  const processor = new BatchProcessor(EventType.KinesisDataStreams);

  async function consume(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
    const failures = new Map<string, unknown>();
    const poison: { record: KinesisStreamRecord; quarantined: QuarantinedRecord }[] = [];
    const valid: { record: KinesisStreamRecord; item: Timed<EventOfKind<K>> }[] = [];

    for (const record of event.Records) {
      const bytes = Buffer.from(record.kinesis.data, 'base64');
      const decoded = decodeEvent(bytes, options.kind);
      if (decoded.ok) {
        valid.push({ record, item: { event: decoded.event as EventOfKind<K>, occurredAtMs: decoded.occurredAtMs } });
      } else {
        const text = bytes.toString('utf8');
        poison.push({
          record,
          quarantined: {
            source: record.eventSourceARN ?? record.eventSource,
            sequenceNumber: record.kinesis.sequenceNumber,
            partitionKey: record.kinesis.partitionKey,
            reason: decoded.reason,
            payload: text.length > MAX_QUARANTINED_PAYLOAD_CHARS ? text.slice(0, MAX_QUARANTINED_PAYLOAD_CHARS) : text,
            payloadBytes: bytes.byteLength,
          },
        });
      }
    }

    if (poison.length > 0) {
      try {
        await options.quarantine.put(poison.map((p) => p.quarantined));
        log.warn('quarantined poison records', { count: poison.length, reasons: poison.slice(0, 5).map((p) => p.quarantined.reason) });
      } catch (error) {
        log.error('quarantine failed; the poison records will be retried', { error });
        for (const p of poison) failures.set(p.record.kinesis.sequenceNumber, error);
      }
    }

    if (valid.length > 0) {
      try {
        await options.process(valid.map((v) => v.item));
      } catch (error) {
        const groups = new Map<string, typeof valid>();
        for (const v of valid) {
          const key = options.isolationKey(v.item.event);
          groups.set(key, [...(groups.get(key) ?? []), v]);
        }
        if (groups.size === 1) {
          for (const v of valid) failures.set(v.record.kinesis.sequenceNumber, error);
        } else {
          log.warn('batch failed; retrying per isolation group', { groups: groups.size, error });
          for (const group of groups.values()) {
            try {
              await options.process(group.map((v) => v.item));
            } catch (groupError) {
              for (const v of group) failures.set(v.record.kinesis.sequenceNumber, groupError);
            }
          }
        }
      }
    }

    if (failures.size > 0) log.error('records failed and will be retried', { count: failures.size, of: event.Records.length });
    return processPartialResponse(
      event,
      async (record: KinesisStreamRecord) => {
        const failure = failures.get(record.kinesis.sequenceNumber);
        if (failure !== undefined) throw failure;
      },
      processor,
    );
  }

  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>().handler(consume);
}
