/**
 * A batch that fails half-way and is delivered again must converge to the state an uninterrupted
 * batch reaches (orderPipeline.ts: "a batch that failed half-way and is retried converges to the
 * same state"). For brushing, that state includes the pending confirmation of every brushing window:
 * without it the window never becomes a `fake_orders` violation.
 */
import { describe, expect, it } from 'vitest';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryQuarantine, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { shopVerdicts } from '../../shared/app/brushingState';
import { confirmViolations, createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import { DependencyError } from '../../shared/errors';
import type { DecisionLog, FeatureStore } from '../../shared/ports';
import { kinesisEvent, lambdaContext } from '../support/kinesis';
import { orderEvent } from '../support/orders';

/**
 * A memory store and a decision log whose first append fails, as a DynamoDB timeout would: the
 * failure comes after the brushing windows (and their pending confirmations) were written.
 */
function storeWithOneLateFailure(): { store: FeatureStore; decisions: DecisionLog; failures: () => number } {
  const store = createMemoryFeatureStore();
  const log = new MemoryDecisionLog();
  let failures = 0;
  const decisions: DecisionLog = {
    append: async (d) => {
      if (failures === 0) {
        failures++;
        throw new DependencyError('dynamodb', 'Request timed out');
      }
      return log.append(d);
    },
  };
  return { store, decisions, failures: () => failures };
}

function setup({ store, decisions }: { store: FeatureStore; decisions: DecisionLog }) {
  const violations = new MemoryViolationLedger();
  const config = new StaticConfigSource(defaultThresholds);
  const pipeline = createOrderPipeline({ features: store, violations, decisions, config });
  const handler = makeOrderStreamHandler({ pipeline, quarantine: new MemoryQuarantine() });
  return { handler, violations, config };
}

/** Three orders by one buyer within an hour: a brushing window of shop `m-brush`. */
function brushingOrders() {
  return ['08:00', '08:10', '08:20'].map((hhmm, n) =>
    orderEvent({ eventId: `brush-${n}`, orderId: `brush-o${n}`, merchantId: 'm-brush', buyer: { id: 'b-bot' }, at: `2026-11-28T${hhmm}:00Z` }),
  );
}

describe('order brushing: a batch that fails half-way and is delivered again', () => {
  it('still confirms the brushing window it found (the batch is retried by Lambda)', async () => {
    const failing = storeWithOneLateFailure();
    const { store, failures } = failing;
    const { handler, violations, config } = setup(failing);
    const event = kinesisEvent(brushingOrders());

    // Act: the first delivery fails after the windows were written; Lambda delivers the batch again.
    const first = await handler(event, lambdaContext).then(
      (response) => ({ ok: true as const, response }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const second = await handler(event, lambdaContext);
    await confirmViolations({ features: store, violations, config }, Infinity);

    // Assert
    expect(failures()).toBe(1);
    expect(first.ok).toBe(false); // every record failed: the whole batch is retried
    expect(second).toEqual({ batchItemFailures: [] });
    expect((await shopVerdicts(store.brushing, ['m-brush'])).get('m-brush')!.brushing).toBe(true);
    expect([...violations.byId.values()].map((v) => [v.merchantId, v.type])).toEqual([['m-brush', 'fake_orders']]);
  });

  it('still confirms the brushing window it found (the consumer retries the shop group in the same invocation)', async () => {
    const failing = storeWithOneLateFailure();
    const { store, failures } = failing;
    const { handler, violations, config } = setup(failing);
    const other = orderEvent({ eventId: 'other-0', orderId: 'other-o0', merchantId: 'm-other', buyer: { id: 'b-1' }, at: '2026-11-28T08:05:00Z' });

    const response = await handler(kinesisEvent([...brushingOrders(), other]), lambdaContext);
    await confirmViolations({ features: store, violations, config }, Infinity);

    expect(failures()).toBe(1);
    expect(response).toEqual({ batchItemFailures: [] }); // the retry per shop group succeeded
    expect((await shopVerdicts(store.brushing, ['m-brush'])).get('m-brush')!.brushing).toBe(true);
    expect([...violations.byId.values()].map((v) => [v.merchantId, v.type])).toEqual([['m-brush', 'fake_orders']]);
  });
});
