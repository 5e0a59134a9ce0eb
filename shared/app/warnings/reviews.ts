/**
 * "Reviews of this product look manipulated", to the buyers with an open order for it. The review
 * stream's fake-review detection calls `warnOpenOrderBuyers` with the SKUs it found manipulated; the
 * open orders by SKU are kept by the order pipeline (detectors/buyerWarnings.ts). One read for all
 * SKUs, one outbox request for all warnings; the outbox de-duplicates (one warning per buyer and SKU
 * within its window) and rate-limits.
 */
import { openOrderRetentionMs, reviewsManipulatedWarning, type ManipulatedReviews } from '../../domain/warnings/policy';
import type { WarningRequest } from '../../domain/records';
import type { ConfigSource, OpenOrders, WarningOutbox } from '../../ports';

export interface OpenOrderWarnerDeps {
  openOrders: OpenOrders;
  outbox: WarningOutbox;
  config: ConfigSource;
}

/** Warns every buyer with an open order on each SKU; returns the requests made (before de-duplication). */
export type WarnOpenOrderBuyers = (findings: readonly ManipulatedReviews[]) => Promise<WarningRequest[]>;

export function makeOpenOrderWarner(deps: OpenOrderWarnerDeps): WarnOpenOrderBuyers {
  return async (findings) => {
    const rules = (await deps.config.current()).warnings;
    if (!rules.enabled || !rules.reviewsManipulated.enabled || findings.length === 0) return [];
    const timed = findings.map((f) => ({ f, atMs: Date.parse(f.occurredAt) })).filter((t) => Number.isFinite(t.atMs));
    const retentionMs = openOrderRetentionMs(rules);
    const open = await deps.openOrders.bySku(timed.map((t) => ({ skuId: t.f.skuId, sinceMs: t.atMs - retentionMs })));
    const requests = timed.flatMap((t, n) => open[n]!.map((line) => reviewsManipulatedWarning(t.f, line)));
    if (requests.length > 0) await deps.outbox.request(requests);
    return requests;
  };
}

export type { ManipulatedReviews };
