/**
 * Order facts as a detector family of the order pipeline: what the review stream joins on. Per order
 * in a batch, one script records the facts (buyer, shop, SKUs, account creation, the earliest time of
 * each stage), lists a placed or paid order under its SKUs' open orders, and says which of those SKUs
 * currently have manipulated reviews (their buyer is warned).
 *
 * When an order's facts change and reviews named it (a review can arrive before its order, or the
 * order can be refunded after its review), those reviews are judged again here, on the new facts.
 * A redelivered event changes no fact, so it costs no re-judgement. No signals: order scores are
 * the other families' business.
 */
import type { OrderEvent } from '../../contracts/events';
import { reviewsManipulatedWarning } from '../../domain/warnings/policy';
import type { FactTime, FeatureStore, OrderFactsUpdate } from '../../ports';
import { orderFactsTtl, rejudgeLinked, REVIEW_TRUST_TTL_MS } from '../reviews/purchase';
import { emptyResult, type DetectorResult, type OrderDetector, type TimedOrderEvent } from './types';

const STAGES: Partial<Record<OrderEvent['type'], FactTime>> = {
  'order.placed': 'placed',
  'order.paid': 'paid',
  'order.completed': 'completed',
  'order.cancelled': 'cancelled',
  'order.refunded': 'refunded',
};
const OPENS = new Set<OrderEvent['type']>(['order.placed', 'order.paid']);

export function orderFactsDetector(features: FeatureStore): OrderDetector {
  return {
    name: 'orderFacts',
    async process(items: readonly TimedOrderEvent[], config): Promise<DetectorResult> {
      const result = emptyResult();
      if (!config.rules.reviews.enabled) return result;
      // One update per order: the batch's events of an order merge before they reach the store.
      const byOrder = new Map<string, { update: OrderFactsUpdate; opener: TimedOrderEvent | null }>();
      for (const item of items) {
        const { event, occurredAtMs } = item;
        const stage = STAGES[event.type];
        if (stage === undefined) continue;
        let entry = byOrder.get(event.orderId);
        if (!entry) {
          const created = event.buyer.accountCreatedAt === undefined ? Number.NaN : Date.parse(event.buyer.accountCreatedAt);
          entry = {
            update: {
              orderId: event.orderId,
              merchantId: event.merchantId,
              buyerId: event.buyer.id,
              buyerCreatedAtMs: Number.isFinite(created) ? created : null,
              skuIds: [],
              times: [],
              open: null,
            },
            opener: null,
          };
          byOrder.set(event.orderId, entry);
        }
        const u = entry.update;
        (u.times as { stage: FactTime; atMs: number }[]).push({ stage, atMs: occurredAtMs });
        const skus = [...new Set((event.items ?? []).map((i) => i.skuId))];
        if (u.skuIds.length === 0 && skus.length > 0) u.skuIds = skus;
        if (OPENS.has(event.type) && skus.length > 0 && (u.open === null || occurredAtMs >= u.open.atMs)) {
          u.open = { skuIds: skus, atMs: occurredAtMs };
          entry.opener = item;
        }
      }
      if (byOrder.size === 0) return result;
      const entries = [...byOrder.values()];
      const recorded = await features.orderFacts.record(
        entries.map((e) => e.update),
        orderFactsTtl(config),
      );

      const warn = config.warnings.enabled && config.warnings.reviewsManipulated.enabled;
      recorded.forEach((r, n) => {
        const { update, opener } = entries[n]!;
        if (!warn || opener === null) return;
        for (const skuId of r.manipulatedSkuIds) {
          result.warnings.push(
            reviewsManipulatedWarning(
              { skuId, occurredAt: opener.event.occurredAt, sourceEventId: opener.event.eventId },
              { buyerId: update.buyerId, orderId: update.orderId, merchantId: update.merchantId },
            ),
          );
        }
      });

      const changed = recorded.filter((r) => r.changed && r.linked.length > 0);
      if (changed.length > 0) {
        const updates = await rejudgeLinked(features.brushing, changed, config);
        await features.reviewTrust.update(updates, REVIEW_TRUST_TTL_MS);
      }
      return result;
    },
  };
}
