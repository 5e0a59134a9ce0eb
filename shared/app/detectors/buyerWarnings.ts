/**
 * The warnings capability as a detector family: the warnings it raises itself and the features it
 * keeps, next to the detectors' own warnings (price gouging, payments).
 *
 *  - An order placed with a merchant the penalty ladder suspended or blacklisted warns its buyer
 *    (one read of the batch's distinct merchants).
 *  - A cancelled order withdraws the warnings about it that became moot. This runs in `commit`,
 *    after the pipeline stored the batch's warnings, so a batch holding both the warning and the
 *    cancellation ends withdrawn.
 *
 * No signals: a buyer's warning does not change the order's score.
 */
import { merchantRestrictedWarning, warnsBuyers } from '../../domain/warnings/policy';
import type { MerchantStanding, WarningWithdrawals } from '../../ports';
import { emptyResult, type DetectorResult, type OrderDetector, type TimedOrderEvent } from './types';

export interface BuyerWarningSources {
  /** Where cancellations withdraw warnings (the warning service). */
  withdrawals?: WarningWithdrawals;
  /** The penalty ladder's view of merchants; absent: no merchant warnings. */
  standing?: MerchantStanding;
}

export function buyerWarningsDetector(sources: BuyerWarningSources): OrderDetector {
  return {
    name: 'buyerWarnings',
    async process(items: readonly TimedOrderEvent[], config): Promise<DetectorResult> {
      const rules = config.warnings;
      const result = emptyResult();

      const placed = items.filter((i) => i.event.type === 'order.placed');
      const restrictions =
        sources.standing && rules.enabled && rules.merchantRestricted.enabled && placed.length > 0
          ? await sources.standing.of([...new Set(placed.map((i) => i.event.merchantId))])
          : undefined;
      for (const { event } of restrictions ? placed : []) {
        const restriction = restrictions!.get(event.merchantId);
        if (restriction && warnsBuyers(restriction, rules)) {
          result.warnings.push(merchantRestrictedWarning({ ...event, buyerId: event.buyer.id }, restriction));
        }
      }

      const withdrawals = sources.withdrawals;
      const cancelled = items.filter((i) => i.event.type === 'order.cancelled');
      if (withdrawals && cancelled.length > 0) {
        result.commit = () =>
          withdrawals.withdraw(
            cancelled.map(({ event }) => ({ buyerId: event.buyer.id, orderId: event.orderId, occurredAt: event.occurredAt, reason: 'order_cancelled' as const })),
          );
      }
      return result;
    },
  };
}
