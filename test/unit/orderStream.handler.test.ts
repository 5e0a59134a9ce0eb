import { describe, expect, it } from 'vitest';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import { DependencyError } from '../../shared/errors';
import type { FeatureStore } from '../../shared/ports';
import { kinesisEvent, lambdaContext } from '../support/kinesis';
import { orderEvent } from '../support/orders';

function setup(features: FeatureStore = createMemoryFeatureStore()) {
  const decisions = new MemoryDecisionLog();
  const violations = new MemoryViolationLedger();
  const quarantine = new MemoryQuarantine();
  const pipeline = createOrderPipeline({ features, decisions, violations, config: new StaticConfigSource(defaultThresholds) });
  const handler = makeOrderStreamHandler({ pipeline, quarantine });
  return { handler, decisions, violations, quarantine, features };
}

/** A feature store whose order upserts fail for one shop while `down()` says so, as an outage would. */
function failingFor(shopId: string, down: () => boolean = () => true): FeatureStore {
  const inner = createMemoryFeatureStore();
  return {
    ...inner,
    brushing: new Proxy(inner.brushing, {
      get(target, prop, receiver) {
        const original = Reflect.get(target, prop, receiver);
        if (prop !== 'upsertOrders') return typeof original === 'function' ? original.bind(target) : original;
        return async (upserts: { shopId: string }[]) => {
          if (down() && upserts.some((u) => u.shopId === shopId)) throw new DependencyError('redis', 'connection reset');
          return original.call(target, upserts);
        };
      },
    }),
  };
}

describe('order-stream handler', () => {
  it('quarantines a poison record with its reason and processes the records around it', async () => {
    const { handler, decisions, quarantine } = setup();
    const before = orderEvent({ eventId: 'e-before' });
    const after = orderEvent({ eventId: 'e-after' });

    const response = await handler(kinesisEvent([before, { ...orderEvent(), amount: -5 }, after]), lambdaContext);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(quarantine.records).toHaveLength(1);
    expect(quarantine.records[0]).toMatchObject({ sequenceNumber: '2', reason: 'amount: must not be negative' });
    expect([...decisions.byEventId.keys()]).toEqual(['e-before', 'e-after']);
  });

  it('names the field for each kind of poison the contract lists', async () => {
    const { handler, quarantine } = setup();
    const poison = [
      '{not json',
      { ...orderEvent(), type: 'order.teleported' },
      { ...orderEvent(), occurredAt: 'yesterday' },
      { ...orderEvent(), schemaVersion: 2 },
      { ...orderEvent(), buyer: {} },
      JSON.stringify({ ...orderEvent(), items: [{ skuId: 's', quantity: 1, unitPrice: 1, note: 'x'.repeat(70_000) }] }),
    ];

    await handler(kinesisEvent(poison), lambdaContext);

    expect(quarantine.records.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^invalid JSON/),
      expect.stringMatching(/^type: must be one of/),
      expect.stringMatching(/^occurredAt: must be an ISO 8601/),
      'schemaVersion: must be 1 (the only version this consumer reads)',
      'buyer.id: is required',
      expect.stringMatching(/over the 65536-byte limit/),
    ]);
  });

  it('counts a duplicate delivery once, in the same batch or a later one', async () => {
    const { handler, decisions, features } = setup();
    const event = orderEvent({ eventId: 'e-dup', orderId: 'o-dup' });

    await handler(kinesisEvent([event, event]), lambdaContext);
    await handler(kinesisEvent([event], 10), lambdaContext);

    const [snapshot] = await features.brushing.readOrders([{ shopId: event.merchantId, fromMs: -Infinity, toMs: Infinity }]);
    expect(decisions.byEventId.size).toBe(1);
    expect(snapshot!.orders.filter((o) => o.orderId === 'o-dup')).toHaveLength(1);
  });

  it('reports only the records of the failing shop as batch item failures, by sequence number', async () => {
    const { handler, decisions, quarantine } = setup(failingFor('m-down'));
    const records = [
      orderEvent({ eventId: 'ok-1', merchantId: 'm-up' }),
      orderEvent({ eventId: 'down-1', merchantId: 'm-down' }),
      { ...orderEvent(), rating: 9, amount: 'lots' },
      orderEvent({ eventId: 'ok-2', merchantId: 'm-up' }),
      orderEvent({ eventId: 'down-2', merchantId: 'm-down' }),
    ];

    const response = await handler(kinesisEvent(records), lambdaContext);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '5' }] });
    expect(quarantine.records.map((r) => r.sequenceNumber)).toEqual(['3']);
    expect([...decisions.byEventId.keys()]).toEqual(['ok-1', 'ok-2']);
  });

  it('throws when every record failed, so Lambda retries the whole batch', async () => {
    const { handler } = setup(failingFor('m-down'));
    const records = [orderEvent({ merchantId: 'm-down' }), orderEvent({ merchantId: 'm-down' })];

    await expect(handler(kinesisEvent(records), lambdaContext)).rejects.toThrow(/All records failed processing/);
  });

  it("succeeds on Lambda's retry after a transient failure, counting the record once", async () => {
    let outage = true;
    const { handler, decisions, features } = setup(failingFor('m-flaky', () => outage));
    const event = orderEvent({ eventId: 'e-retry', orderId: 'o-retry', merchantId: 'm-flaky' });
    await expect(handler(kinesisEvent([event]), lambdaContext)).rejects.toBeInstanceOf(Error);

    outage = false;
    const retried = await handler(kinesisEvent([event]), lambdaContext);
    const redelivered = await handler(kinesisEvent([event]), lambdaContext);

    const [snapshot] = await features.brushing.readOrders([{ shopId: 'm-flaky', fromMs: -Infinity, toMs: Infinity }]);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(decisions.byEventId.size).toBe(1);
    expect(snapshot!.orders).toHaveLength(1);
  });
});
