/**
 * Records which devices, payment instruments and shipping addresses each buyer used, for the penalty
 * workflow's reverse-brushing guard: a strike climbs the ladder only when the buyers behind it are
 * tied to the merchant's own identities. Runs before the batch's violations reach the workflow.
 */
import type { BuyerIdentityLinks } from '../../ports/penalties';
import { identityObservations } from '../penalties/identityLinks';
import { emptyResult, type OrderDetector } from './types';

export function identityLinksDetector(links: BuyerIdentityLinks): OrderDetector {
  return {
    name: 'identityLinks',
    async process(items) {
      const observations = identityObservations(items);
      if (observations.length > 0) await links.record(observations);
      return emptyResult();
    },
  };
}
