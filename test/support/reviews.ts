/** Review events and small marketplaces for tests: valid by default; override what the test is about. */
import type { OrderEvent, ReviewEvent } from '../../shared/contracts/events';

let counter = 0;

export function reviewEvent(overrides: Partial<ReviewEvent> & { at?: string | number } = {}): ReviewEvent {
  counter++;
  const { at, ...rest } = overrides;
  return {
    schemaVersion: 1,
    kind: 'review',
    eventId: `evt-r${counter}`,
    type: 'review.posted',
    occurredAt: at === undefined ? '2026-11-28T09:30:00Z' : typeof at === 'number' ? new Date(at).toISOString() : at,
    reviewId: `r-${counter}`,
    orderId: null,
    buyerId: 'b-1',
    merchantId: 'm-1',
    skuId: 'sku-1',
    rating: 5,
    ...rest,
  };
}

/** The order events of one purchase: placed, paid a minute later, completed `completeAfterMs` after payment. */
export function purchase(options: {
  orderId: string;
  buyerId: string;
  merchantId: string;
  skuId: string;
  placedAtMs: number;
  completeAfterMs?: number;
  accountCreatedAt?: string;
}): OrderEvent[] {
  const base = {
    schemaVersion: 1 as const,
    kind: 'order' as const,
    orderId: options.orderId,
    merchantId: options.merchantId,
    buyer: { id: options.buyerId, ...(options.accountCreatedAt ? { accountCreatedAt: options.accountCreatedAt } : {}) },
    amount: 5_990,
    currency: 'CNY',
    items: [{ skuId: options.skuId, quantity: 1, unitPrice: 5_990 }],
  };
  const at = (ms: number) => new Date(ms).toISOString();
  const paidAt = options.placedAtMs + 60_000;
  const events: OrderEvent[] = [
    { ...base, eventId: `${options.orderId}-p`, type: 'order.placed', occurredAt: at(options.placedAtMs) },
    { ...base, eventId: `${options.orderId}-y`, type: 'order.paid', occurredAt: at(paidAt), payment: { method: 'wallet', status: 'captured' } },
  ];
  if (options.completeAfterMs !== undefined) {
    events.push({ ...base, eventId: `${options.orderId}-c`, type: 'order.completed', occurredAt: at(paidAt + options.completeAfterMs) });
  }
  return events;
}

/** Generic praise, the phrases honest buyers everywhere use (short, and shared across shops). */
export const HONEST_PHRASES = [
  '质量很好，物流很快',
  '包装完好，跟描述一致',
  '性价比很高，会回购',
  '用了几天感觉不错',
  'Great quality, fast delivery',
  'Exactly as described, would buy again',
  'Good value for money',
] as const;

/** A ring's script and the small edits that make each copy look different. */
export const RING_SCRIPT = '这家店的耳机真的太好了，强烈推荐，五星好评！';
export const RING_EDITS: readonly ((text: string) => string)[] = [
  (t) => t,
  (t) => t.replace('！', '!!'),
  (t) => t.replace('真的', '真是'),
  (t) => t + '👍',
  (t) => t.replace('强烈推荐', '强烈推荐给大家'),
  (t) => t.replace('五星好评', '好评五星'),
  (t) => t + '会回购的',
];
