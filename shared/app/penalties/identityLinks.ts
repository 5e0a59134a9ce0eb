/**
 * What the order pipeline must record for the reverse-brushing guard: for every order event, which
 * device, payment instrument and shipping address its buyer used. The penalty workflow later checks
 * the buyers named by a violation's evidence against the merchant's own identities.
 */
import type { TimedOrderEvent } from '../detectors/types';
import type { BuyerIdentityObservation } from '../../ports/penalties';

export function identityObservations(items: readonly TimedOrderEvent[]): BuyerIdentityObservation[] {
  const out: BuyerIdentityObservation[] = [];
  const seen = new Set<string>();
  const add = (buyerId: string, kind: BuyerIdentityObservation['kind'], value: string | undefined, atMs: number) => {
    if (value === undefined || value === '') return;
    const key = `${buyerId}\u0000${kind}\u0000${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ buyerId, kind, value, atMs });
  };
  for (const { event, occurredAtMs } of items) {
    add(event.buyer.id, 'device', event.device?.id, occurredAtMs);
    add(event.buyer.id, 'instrument', event.payment?.instrumentId, occurredAtMs);
    add(event.buyer.id, 'address', event.shipping?.addressId, occurredAtMs);
  }
  return out;
}
