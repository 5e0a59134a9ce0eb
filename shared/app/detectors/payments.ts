/**
 * Suspicious payments as a detector family: velocity features kept in windowed sets (one query per
 * payment, all of a batch in one round trip), turned into signals by the pure domain.
 *
 * What is counted: `order.paid` is an authorization, `order.payment_failed` a decline; other order
 * events are scored read-only. Familiar devices, instruments, addresses and IP countries of an
 * account are learnt from authorized payments only, so an attacker's declined attempts do not make
 * their device familiar.
 */
import type { OrderEvent } from '../../contracts/events';
import type { PaymentRules } from '../../domain/config/paymentRules';
import { stableId } from '../../domain/ids';
import { sampledTrim } from '../../domain/sampledTrim';
import { paymentSignals, type PaymentFeatures, type PaymentOutcome } from '../../domain/payments/signals';
import type { WarningRequest } from '../../domain/records';
import type { Signal } from '../../domain/scoring/score';
import type { SetAnswer, SetProbe, SetQuery, WindowedSets } from '../../ports';
import { addSignals, emptyResult, type OrderDetector, type TimedOrderEvent } from './types';

const HOUR = 3_600_000;
const WINDOWS = [HOUR, 24 * HOUR, 7 * 24 * HOUR] as const;
const COUNT_TTL_MS = 8 * 24 * HOUR;
const FAMILIAR_TTL_MS = 180 * 24 * HOUR;

export const VELOCITY_ENTITIES = ['instrument', 'device', 'ip', 'buyer', 'address'] as const;
export type VelocityEntity = (typeof VELOCITY_ENTITIES)[number];

export function outcomeOf(event: Pick<OrderEvent, 'type' | 'payment'>): PaymentOutcome | undefined {
  if (event.type === 'order.paid') return 'authorized';
  if (event.type === 'order.payment_failed') return 'declined';
  return undefined;
}

function entityIds(e: OrderEvent): Partial<Record<VelocityEntity, string>> {
  // Empty ids count as absent, as they always have.
  return {
    buyer: e.buyer.id,
    instrument: e.payment?.instrumentId || undefined,
    device: e.device?.id || undefined,
    ip: e.device?.ip || undefined,
    address: e.shipping?.addressId || undefined,
  };
}

/** The sets a payment is recorded in, by name; the analysts' velocity view reads the same ones. */
export const velocityKeys = {
  /** Payments (eventIds) per entity and outcome. */
  outcome: (entity: VelocityEntity, id: string, outcome: PaymentOutcome) => `pay:${entity}:${id}:${outcome}`,
  /** Small declines (eventIds): card-testing probes. */
  smallDeclines: (entity: 'instrument' | 'device', id: string) => `pay:${entity}:${id}:declined_small`,
  /** Distinct buyer accounts that paid or tried to. */
  buyers: (entity: 'instrument' | 'device', id: string) => `pay:${entity}:${id}:buyers`,
  /** Distinct instruments tried, authorized or declined. */
  instrumentsTried: (entity: 'device' | 'buyer', id: string) => `pay:${entity}:${id}:instruments_tried`,
  /** What an account is familiar with, learnt from its authorized payments (months). */
  familiar: (buyerId: string, kind: FamiliarKind) => `pay:buyer:${buyerId}:${FAMILIAR_SETS[kind]}`,
};

export const FAMILIAR_SETS = { device: 'devices', instrument: 'instruments', address: 'addresses', ipCountry: 'ipCountries' } as const;
export type FamiliarKind = keyof typeof FAMILIAR_SETS;
export { COUNT_TTL_MS as VELOCITY_TTL_MS, FAMILIAR_TTL_MS, WINDOWS as VELOCITY_WINDOWS };

interface Plan {
  query: SetQuery;
  read: (answer: SetAnswer) => PaymentFeatures;
}

/**
 * Builds the one set query a payment needs and the function that reads its answer into features.
 * Every payment is recorded per entity and outcome; their 1 h / 24 h / 7 d counts are the analysts'
 * velocity view (shared/app/velocity.ts), while scoring reads just what its signals use, which keeps
 * the feature store's work per event small.
 */
export function planVelocity(event: OrderEvent, atMs: number, rules: PaymentRules, record: boolean): Plan {
  const outcome = outcomeOf(event);
  const recording = record && outcome !== undefined;
  const ids = entityIds(event);
  const trim = sampledTrim(event.eventId);
  const probes: SetProbe[] = [];
  const probe = (p: SetProbe): number => {
    // A probe that adds nothing, counts nothing and asks nothing would only cost the store a lookup.
    if (!(p.add && recording) && p.countSince.length === 0 && !p.checkKnown) return -1;
    probes.push(p);
    return probes.length - 1;
  };
  // Each payment in its outcome's set per entity: written for the analysts' view, not read here.
  if (recording) {
    for (const entity of VELOCITY_ENTITIES) {
      const id = ids[entity];
      if (id !== undefined) probe({ key: velocityKeys.outcome(entity, id, outcome), member: event.eventId, add: true, countSince: [], trim });
    }
  }
  const small = recording && outcome === 'declined' && event.amount <= rules.cardTesting.smallAmount;
  const hour = [atMs - HOUR];
  const smallAt = (entity: 'instrument' | 'device') => {
    const id = ids[entity];
    return id === undefined ? -1 : probe({ key: velocityKeys.smallDeclines(entity, id), member: event.eventId, add: small, countSince: hour, trim });
  };
  const smallInstrument = smallAt('instrument');
  const smallDevice = smallAt('device');
  const week = [atMs - WINDOWS[2]];
  const buyersPerDevice = ids.device ? probe({ key: velocityKeys.buyers('device', ids.device), member: event.buyer.id, add: recording, countSince: week, trim }) : -1;
  const buyersPerInstrument = ids.instrument
    ? probe({ key: velocityKeys.buyers('instrument', ids.instrument), member: event.buyer.id, add: recording, countSince: week, trim })
    : -1;
  // Instruments tried per device and per account, read even while the cycling rule is off: a shadow
  // candidate that turns it on is scored on the same features as the live version.
  const cycling = [atMs - WINDOWS[1]];
  const instrumentsTried = (entity: 'device' | 'buyer', id: string | undefined) =>
    id === undefined || ids.instrument === undefined
      ? -1
      : probe({ key: velocityKeys.instrumentsTried(entity, id), member: ids.instrument, add: recording, countSince: cycling, trim });
  const instrumentsPerDevice = instrumentsTried('device', ids.device);
  const instrumentsPerBuyer = instrumentsTried('buyer', ids.buyer);
  // Familiarity: learnt from authorizations only. countSince [-inf] tells whether the account has any history.
  const familiar = recording && outcome === 'authorized';
  const ever = [Number.NEGATIVE_INFINITY];
  const buyer = event.buyer.id;
  const familiarProbe = (kind: FamiliarKind, member: string | undefined) =>
    member === undefined ? -1 : probe({ key: velocityKeys.familiar(buyer, kind), member, add: familiar, countSince: ever, ttlMs: FAMILIAR_TTL_MS, checkKnown: true, trim });
  const known = {
    device: familiarProbe('device', ids.device),
    instrument: familiarProbe('instrument', ids.instrument),
    address: familiarProbe('address', ids.address),
    ipCountry: familiarProbe('ipCountry', event.device?.ipCountry),
  };

  const query: SetQuery = { atMs, record: recording, probes, ttlMs: COUNT_TTL_MS };
  const read = (answer: SetAnswer): PaymentFeatures => {
    const at = (n: number | undefined) => (n === undefined || n < 0 ? undefined : answer.probes[n]);
    const isNew = (n: number): boolean | null => {
      const p = at(n);
      if (!p) return null;
      const others = p.counts[0]! - (familiar && !p.known ? 1 : 0);
      return others > 0 ? !p.known : null; // no history: nothing to be new against
    };
    const countries = new Set(
      [event.device?.ipCountry, event.payment?.billingCountry, event.payment?.issuerCountry, event.shipping?.country].filter(
        (c): c is string => c !== undefined,
      ),
    );
    const created = event.buyer.accountCreatedAt === undefined ? Number.NaN : Date.parse(event.buyer.accountCreatedAt);
    return {
      amount: event.amount,
      currency: event.currency,
      ...(outcome ? { outcome } : {}),
      accountAgeMs: Number.isFinite(created) ? atMs - created : null,
      smallDeclines1h: { instrument: at(smallInstrument)?.counts[0] ?? null, device: at(smallDevice)?.counts[0] ?? null },
      buyersPerDevice7d: at(buyersPerDevice)?.counts[0] ?? null,
      buyersPerInstrument7d: at(buyersPerInstrument)?.counts[0] ?? null,
      instrumentsPerDevice24h: at(instrumentsPerDevice)?.counts[0] ?? null,
      instrumentsPerBuyer24h: at(instrumentsPerBuyer)?.counts[0] ?? null,
      countries: [...countries].sort(),
      newToAccount: { device: isNew(known.device), instrument: isNew(known.instrument), address: isNew(known.address), ipCountry: isNew(known.ipCountry) },
    };
  };
  return { query, read };
}

const SCORED = new Set<OrderEvent['type']>(['order.placed', 'order.paid', 'order.payment_failed']);

export function paymentsDetector(sets: WindowedSets): OrderDetector {
  return {
    name: 'payments',
    async process(items: readonly TimedOrderEvent[], config) {
      const rules = config.rules.payments;
      const result = emptyResult();
      const scored = items.filter((i) => SCORED.has(i.event.type));
      if (!rules.enabled || scored.length === 0) return result;
      const plans = scored.map((i) => planVelocity(i.event, i.occurredAtMs, rules, true));
      const answers = await sets.run(plans.map((p) => p.query));
      const features = scored.map(({ event }, n) => ({ eventId: event.eventId, features: plans[n]!.read(answers[n]!) }));
      scored.forEach(({ event }, n) => {
        const signals = paymentSignals(features[n]!.features, rules);
        addSignals(result.signals, event.eventId, signals);
        if (signals.some((s) => s.code === 'ACCOUNT_TAKEOVER_PATTERN')) result.warnings.push(notByOwnerWarning(event));
      });
      // Shadow: the same features under other rules (what was recorded, e.g. the small-decline sets, stays as the live rules chose).
      result.rescore = (other) => {
        const signals = new Map<string, Signal[]>();
        for (const f of features) addSignals(signals, f.eventId, paymentSignals(f.features, other.rules.payments));
        return { signals, violations: [] };
      };
      return result;
    },
  };
}

/** "This payment looks like it was not made by you": to the account owner, about this order. */
export function notByOwnerWarning(event: OrderEvent): WarningRequest {
  return {
    warningId: stableId('warn', event.buyer.id, 'payment_not_by_owner', event.orderId),
    buyerId: event.buyer.id,
    type: 'payment_not_by_owner',
    severity: 'critical',
    orderId: event.orderId,
    merchantId: event.merchantId,
    params: { amount: event.amount, currency: event.currency },
    occurredAt: event.occurredAt,
    sourceEventId: event.eventId,
  };
}
