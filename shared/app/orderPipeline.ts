/**
 * The order pipeline: what the order-stream consumer does with a batch of valid order events.
 * The Lambda handler, the embedded runtime and the replay all call this; only the adapters differ.
 */
import { DECIDED_ORDER_TYPES } from '../contracts/events';
import type { Decision, Violation } from '../domain/records';
import { scoreSignals } from '../domain/scoring/score';
import type { ConfigSource, DecisionLog, FeatureStore, ViolationLedger } from '../ports';
import { confirmBrushing, updateBrushing, type TimedOrderEvent } from './brushingDetector';

export interface OrderPipelineDeps {
  features: FeatureStore;
  violations: ViolationLedger;
  decisions: DecisionLog;
  config: ConfigSource;
}

export interface OrderBatchResult {
  decisions: Decision[];
  /** Violations recorded for the first time by this batch. */
  violations: Violation[];
  /** Events skipped because their eventId was already processed. */
  duplicates: number;
}

export type OrderPipeline = (items: readonly TimedOrderEvent[]) => Promise<OrderBatchResult>;

export function createOrderPipeline(deps: OrderPipelineDeps): OrderPipeline {
  return async (items) => {
    // The idempotency key is the domain eventId: a redelivery (or a producer retry with a new
    // sequence number) is skipped. Every write below is idempotent too, so a batch that failed
    // half-way and is retried converges to the same state.
    const firstById = new Map<string, TimedOrderEvent>();
    for (const item of items) if (!firstById.has(item.event.eventId)) firstById.set(item.event.eventId, item);
    const fresh = await deps.features.processed.unprocessed([...firstById.keys()]);
    const work = [...firstById.values()].filter((i) => fresh.has(i.event.eventId));
    const duplicates = items.length - work.length;
    if (work.length === 0) return { decisions: [], violations: [], duplicates };

    const config = await deps.config.current();
    const brushing = await updateBrushing(work, deps.features.brushing, config.rules.orderBrushing);

    const decisions: Decision[] = [];
    for (const { event } of work) {
      if (!DECIDED_ORDER_TYPES.has(event.type)) continue;
      const scored = scoreSignals(brushing.signals.get(event.eventId) ?? [], config.scoring);
      decisions.push({
        eventId: event.eventId,
        orderId: event.orderId,
        buyerId: event.buyer.id,
        merchantId: event.merchantId,
        eventType: event.type,
        occurredAt: event.occurredAt,
        amount: event.amount,
        currency: event.currency,
        ...scored,
        configVersion: config.version,
      });
    }
    await deps.decisions.append(decisions);
    // Event time is the clock: the batch's latest event is the watermark for confirmations.
    const watermarkMs = work.reduce((max, i) => Math.max(max, i.occurredAtMs), -Infinity);
    const recorded = await confirmViolations(deps, watermarkMs);
    await deps.features.processed.markProcessed(work.map((i) => i.event.eventId));
    return { decisions, violations: recorded, duplicates };
  };
}

/**
 * Records the violations whose confirmation time has passed `watermarkMs`. The pipeline calls it on
 * every batch; the replay calls it with +Infinity at the end of history, and a scheduled sweep can
 * call it for shards that went quiet.
 */
export async function confirmViolations(
  deps: Pick<OrderPipelineDeps, 'features' | 'violations' | 'config'>,
  watermarkMs: number,
): Promise<Violation[]> {
  const config = await deps.config.current();
  const recorded: Violation[] = [];
  for (;;) {
    const { violations, confirmed } = await confirmBrushing(deps.features.brushing, config.rules.orderBrushing, config.version, watermarkMs);
    if (confirmed.length === 0) return recorded;
    recorded.push(...(await deps.violations.record(violations)));
    await deps.features.brushing.clearPending(confirmed);
  }
}
