/** Order events for tests, valid by default; override what the test is about. */
import type { OrderEvent } from '../../shared/contracts/events';

let counter = 0;

export function orderEvent(overrides: Partial<OrderEvent> & { at?: string } = {}): OrderEvent {
  counter++;
  const { at, ...rest } = overrides;
  return {
    schemaVersion: 1,
    kind: 'order',
    eventId: `evt-${counter}`,
    type: 'order.placed',
    occurredAt: at ?? '2026-11-28T08:00:00Z',
    orderId: `o-${counter}`,
    merchantId: 'm-1',
    buyer: { id: 'b-1' },
    amount: 12_950,
    currency: 'CNY',
    ...rest,
  };
}
