/**
 * The analysts' velocity view of one payment entity (an instrument, device, IP, buyer account or
 * shipping address): the counts payment platforms show beside a payment under investigation, read
 * from the sets the order-stream consumer records every payment in (detectors/payments.ts). Read
 * only: looking changes no count.
 *
 * Counts are of the windows ending at `atMs` (1 h, 24 h, 7 d), that instant included; payments
 * recorded with a later event time are left out, so a view "as of" an order's time shows what the
 * detectors could have seen then (a distinct buyer or card seen again after `atMs` counts at its
 * latest time, so it drops out of such a view). The sets keep 8 days, so views are answered for the
 * last day only.
 */
import { z } from 'zod';
import type { SetProbe, WindowedSets } from '../ports';
import { FAMILIAR_SETS, FAMILIAR_TTL_MS, VELOCITY_ENTITIES, VELOCITY_TTL_MS, VELOCITY_WINDOWS, velocityKeys, type FamiliarKind, type VelocityEntity } from './detectors/payments';

/** How far back a view may look: its longest window must still be inside what the sets keep. */
export const VELOCITY_VIEW_LOOKBACK_MS = VELOCITY_TTL_MS - VELOCITY_WINDOWS[2];

export const VelocityEntitySchema = z.enum(VELOCITY_ENTITIES);

export interface WindowCounts {
  '1h': number;
  '24h': number;
  '7d': number;
}

export interface VelocityView {
  entity: VelocityEntity;
  id: string;
  /** The end of the windows (ISO 8601). */
  at: string;
  /** Authorizations (`order.paid`) and declines (`order.payment_failed`) involving the entity. */
  payments: { authorized: WindowCounts; declined: WindowCounts };
  /** Instrument, device: declines at or under the card-testing small amount (the live rules' at the time). */
  smallDeclines?: WindowCounts;
  /** Instrument, device: distinct buyer accounts that paid or tried to. */
  distinctBuyers?: WindowCounts;
  /** Device, buyer: distinct instruments tried, authorized or declined. */
  distinctInstruments?: WindowCounts;
  /** Buyer: what the account has paid with successfully within 180 days (what "new to the account" is judged against). */
  familiar?: Record<'devices' | 'instruments' | 'addresses' | 'ipCountries', number>;
}

type Section = 'authorized' | 'declined' | 'smallDeclines' | 'distinctBuyers' | 'distinctInstruments';

function sectionsOf(entity: VelocityEntity, id: string): [Section, string][] {
  const sections: [Section, string][] = [
    ['authorized', velocityKeys.outcome(entity, id, 'authorized')],
    ['declined', velocityKeys.outcome(entity, id, 'declined')],
  ];
  if (entity === 'instrument' || entity === 'device') {
    sections.push(['smallDeclines', velocityKeys.smallDeclines(entity, id)], ['distinctBuyers', velocityKeys.buyers(entity, id)]);
  }
  if (entity === 'device' || entity === 'buyer') sections.push(['distinctInstruments', velocityKeys.instrumentsTried(entity, id)]);
  return sections;
}

/** The view of one entity at `atMs`: one read-only query, one round trip. */
export async function velocityView(sets: WindowedSets, entity: VelocityEntity, id: string, atMs: number): Promise<VelocityView> {
  // Each window is [at - w, at]: members since its start, less those after `at`.
  const windowed = [...VELOCITY_WINDOWS.map((w) => atMs - w), atMs + 1];
  const familiarSince = [atMs - FAMILIAR_TTL_MS, atMs + 1];
  const sections = sectionsOf(entity, id);
  const familiar = entity === 'buyer' ? (Object.keys(FAMILIAR_SETS) as FamiliarKind[]) : [];
  const probes: SetProbe[] = [
    ...sections.map(([, key]): SetProbe => ({ key, member: '', add: false, countSince: windowed })),
    ...familiar.map((kind): SetProbe => ({ key: velocityKeys.familiar(id, kind), member: '', add: false, countSince: familiarSince })),
  ];
  const [answer] = await sets.run([{ atMs, record: false, probes, ttlMs: VELOCITY_TTL_MS }]);
  const counts = answer!.probes.map((p) => p.counts);
  const windows = (c: number[]): WindowCounts => ({ '1h': c[0]! - c[3]!, '24h': c[1]! - c[3]!, '7d': c[2]! - c[3]! });

  const bySection = new Map(sections.map(([section], n) => [section, windows(counts[n]!)]));
  const view: VelocityView = {
    entity,
    id,
    at: new Date(atMs).toISOString(),
    payments: { authorized: bySection.get('authorized')!, declined: bySection.get('declined')! },
  };
  for (const section of ['smallDeclines', 'distinctBuyers', 'distinctInstruments'] as const) {
    const c = bySection.get(section);
    if (c) view[section] = c;
  }
  if (familiar.length > 0) {
    const known = familiar.map((_, n) => counts[sections.length + n]!);
    view.familiar = Object.fromEntries(familiar.map((kind, n) => [FAMILIAR_SETS[kind], known[n]![0]! - known[n]![1]!])) as VelocityView['familiar'];
  }
  return view;
}
