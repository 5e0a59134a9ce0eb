/**
 * The order pipeline: what the order-stream consumer does with a batch of valid order events.
 * The Lambda handler, the embedded runtime and the replay all call this; only the adapters differ.
 */
import { DECIDED_ORDER_TYPES } from '../contracts/events';
import { applySuppressions, suppressedReason, type Suppression } from '../domain/config/suppressions';
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision, Violation, WarningRequest } from '../domain/records';
import { scoreSignals, type Signal } from '../domain/scoring/score';
import type { ConfigSource, DecisionLog, FeatureStore, PenaltyWorkflow, SuppressionSource, ViolationLedger, WarningOutbox } from '../ports';
import { brushingDetector } from './brushingDetector';
import { buyerWarningsDetector, type BuyerWarningSources } from './detectors/buyerWarnings';
import { orderFactsDetector } from './detectors/orderFacts';
import { paymentsDetector } from './detectors/payments';
import { priceGougingDetector } from './detectors/priceGouging';
import type { BuyerIdentityLinks } from '../ports/penalties';
import { identityLinksDetector } from './detectors/identityLinks';
import { addSignals, type DetectorResult, type OrderDetector, type TimedOrderEvent } from './detectors/types';
import { runShadow, type ShadowDeps } from './shadow';

export interface OrderPipelineDeps {
  features: FeatureStore;
  violations: ViolationLedger;
  decisions: DecisionLog;
  config: ConfigSource;
  /** Buyer warnings; until the warnings capability is wired where this runs, requests are dropped. */
  warnings?: WarningOutbox;
  /** The penalty ladder; optional where only detection runs. */
  penalties?: PenaltyWorkflow;
  /** Analysts' per-merchant / per-buyer suppressions of a rule, applied where signals are scored. */
  suppressions?: SuppressionSource;
  /** Shadow mode: a candidate version re-scores each batch from the live pass's features, without acting. */
  shadow?: ShadowDeps;
  /** The warnings capability's own sources: merchant standing, withdrawal on cancel. */
  buyerWarnings?: BuyerWarningSources;
  /** Buyers' devices, instruments and addresses, for the penalty workflow's attribution of strikes. */
  identities?: BuyerIdentityLinks;
}

export interface OrderBatchResult {
  decisions: Decision[];
  /** Violations recorded for the first time by this batch. */
  violations: Violation[];
  warnings: WarningRequest[];
  /** Events skipped because their eventId was already processed. */
  duplicates: number;
}

export type OrderBatchProcessor = (items: readonly TimedOrderEvent[]) => Promise<OrderBatchResult>;

export type OrderPipeline = OrderBatchProcessor & {
  /** Settles everything that waits on event time up to `watermarkMs` (+Infinity: history ended). */
  flush(watermarkMs: number): Promise<Violation[]>;
};

export function orderDetectors(features: FeatureStore, buyerWarnings?: BuyerWarningSources, identities?: BuyerIdentityLinks): OrderDetector[] {
  return [
    brushingDetector(features.brushing),
    paymentsDetector(features.sets),
    priceGougingDetector(features.prices),
    orderFactsDetector(features),
    ...(buyerWarnings ? [buyerWarningsDetector(buyerWarnings)] : []),
    ...(identities ? [identityLinksDetector(identities)] : []),
  ];
}

export function createOrderPipeline(deps: OrderPipelineDeps): OrderPipeline {
  const detectors = orderDetectors(deps.features, deps.buyerWarnings, deps.identities);

  /** Records what detectors established, then lets them commit. Every step is idempotent by id. */
  async function settle(results: readonly DetectorResult[]): Promise<{ fresh: Violation[]; warnings: WarningRequest[] }> {
    const violations = results.flatMap((r) => r.violations);
    const warnings = results.flatMap((r) => r.warnings);
    const fresh = await deps.violations.record(violations);
    // Downstream gets every established violation, not only the fresh ones: if a previous attempt
    // recorded them and then failed, the retry must still reach the penalty workflow.
    if (deps.penalties && violations.length > 0) await deps.penalties.onViolations(violations);
    if (deps.warnings && warnings.length > 0) await deps.warnings.request(warnings);
    for (const r of results) await r.commit?.();
    return { fresh, warnings };
  }

  const pipeline = async (items: readonly TimedOrderEvent[]): Promise<OrderBatchResult> => {
    // The idempotency key is the domain eventId: a redelivery (or a producer retry with a new
    // sequence number) is skipped. Every write below is idempotent too, so a batch that failed
    // half-way and is retried converges to the same state.
    const firstById = new Map<string, TimedOrderEvent>();
    for (const item of items) if (!firstById.has(item.event.eventId)) firstById.set(item.event.eventId, item);
    const unseen = await deps.features.processed.unprocessed([...firstById.keys()]);
    const work = [...firstById.values()].filter((i) => unseen.has(i.event.eventId));
    const duplicates = items.length - work.length;
    if (work.length === 0) return { decisions: [], violations: [], warnings: [], duplicates };

    const config = await deps.config.current();
    const suppressions = deps.suppressions ? await deps.suppressions.suppressions() : [];
    const results = await Promise.all(detectors.map((d) => d.process(work, config)));
    const signals = new Map<string, Signal[]>();
    for (const r of results) for (const [eventId, s] of r.signals) addSignals(signals, eventId, s);

    const decided = work.filter(({ event }) => DECIDED_ORDER_TYPES.has(event.type));
    const decisions = decided.map((item) => decide(item, signals, config, suppressions));
    await deps.decisions.append(decisions);
    const { fresh, warnings } = await settle(results);
    await deps.features.processed.markProcessed(work.map((i) => i.event.eventId));
    if (deps.shadow) await runShadow(deps.shadow, { decided, results, config, live: decisions, decide: (item, s, c) => decide(item, s, c, suppressions) });
    return { decisions, violations: fresh, warnings, duplicates };
  };

  pipeline.flush = async (watermarkMs: number): Promise<Violation[]> => {
    const config = await deps.config.current();
    const fresh: Violation[] = [];
    for (const detector of detectors) {
      if (!detector.flush) continue;
      for (let more = true; more; ) {
        const result = await detector.flush(watermarkMs, config);
        fresh.push(...(await settle([result])).fresh);
        more = result.more === true;
      }
    }
    return fresh;
  };
  return pipeline;
}

function decide({ event, occurredAtMs }: TimedOrderEvent, signals: ReadonlyMap<string, Signal[]>, config: Thresholds, suppressions: readonly Suppression[]): Decision {
  const { kept, suppressed } = applySuppressions(signals.get(event.eventId) ?? [], { merchantId: event.merchantId, buyerId: event.buyer.id, atMs: occurredAtMs }, suppressions);
  const scored = scoreSignals(kept, config.scoring);
  if (suppressed.length > 0) scored.reasons.push(...suppressed.map(suppressedReason));
  return {
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
  };
}

/** Settles brushing confirmations up to `watermarkMs` with the given dependencies. */
export async function confirmViolations(
  deps: Pick<OrderPipelineDeps, 'features' | 'violations' | 'config'> & Partial<OrderPipelineDeps>,
  watermarkMs: number,
): Promise<Violation[]> {
  const pipeline = createOrderPipeline({ decisions: { append: async () => {} }, ...deps });
  return pipeline.flush(watermarkMs);
}
