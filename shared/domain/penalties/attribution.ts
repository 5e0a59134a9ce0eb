/**
 * The reverse-brushing guard. Competitors can fake orders or reviews on a rival's shop to get it
 * penalised (a practice Chinese unfair-competition rules name). So a violation of a type that can be
 * staged counts against the merchant only when the evidence ties the activity to the merchant:
 *
 * - links: a buyer behind the violation is one of the merchant's own accounts, or shares a device, a
 *   payment instrument or a shipping address with them. Kinds of link have strengths: a competitor
 *   can ship fake orders to the victim's address but cannot use its devices or cards, so an address
 *   alone (0.5 by default) does not attribute;
 * - a repeated pattern: violations of the type in several separate periods (3 in 90 days by default).
 *   Once the pattern forms, the held violations that make it up count from that moment on;
 * - an analyst, who attributes or dismisses a held violation.
 *
 * Otherwise the violation is held `under_investigation`: recorded, visible to analysts, no penalty.
 */
import { z } from 'zod';
import type { ViolationType } from '../records';
import { LinkKindSchema, type LinkKind, type PenaltyPolicy } from './policy';

export const LinkEvidenceSchema = z.object({
  kind: LinkKindSchema,
  buyerId: z.string(),
  /** The shared identity (device id, instrument token, address hash) or, for own_account, the account. */
  value: z.string(),
});
export type LinkEvidence = z.infer<typeof LinkEvidenceSchema>;

/** The merchant's own identities, as the platform knows them from onboarding and its own staff accounts. */
export const MerchantIdentitiesSchema = z.object({
  accountIds: z.array(z.string()).default([]),
  deviceIds: z.array(z.string()).default([]),
  instrumentIds: z.array(z.string()).default([]),
  addressIds: z.array(z.string()).default([]),
});
export type MerchantIdentities = z.infer<typeof MerchantIdentitiesSchema>;

/** What the order stream has seen a buyer use. */
export interface BuyerIdentities {
  deviceIds: readonly string[];
  instrumentIds: readonly string[];
  addressIds: readonly string[];
}

export const NO_IDENTITIES: MerchantIdentities = { accountIds: [], deviceIds: [], instrumentIds: [], addressIds: [] };

/**
 * The buyers a violation's evidence names: brushing evidence has `suspiciousBuyerIds` and
 * `ordersPerBuyer`; other detectors may give `buyerIds` or `reviewerIds`.
 */
export function buyersInEvidence(evidence: Readonly<Record<string, unknown>>): string[] {
  const ids = new Set<string>();
  const addAll = (value: unknown) => {
    if (Array.isArray(value)) for (const id of value) if (typeof id === 'string') ids.add(id);
  };
  addAll(evidence.suspiciousBuyerIds);
  addAll(evidence.buyerIds);
  addAll(evidence.reviewerIds);
  const perBuyer = evidence.ordersPerBuyer;
  if (perBuyer !== null && typeof perBuyer === 'object' && !Array.isArray(perBuyer)) for (const id of Object.keys(perBuyer)) ids.add(id);
  return [...ids].sort();
}

/** Every link between the violation's buyers and the merchant's own identities, in a stable order. */
export function linkEvidence(
  evidence: Readonly<Record<string, unknown>>,
  merchant: MerchantIdentities,
  buyers: ReadonlyMap<string, BuyerIdentities>,
): LinkEvidence[] {
  const own = {
    accounts: new Set(merchant.accountIds),
    devices: new Set(merchant.deviceIds),
    instruments: new Set(merchant.instrumentIds),
    addresses: new Set(merchant.addressIds),
  };
  const links: LinkEvidence[] = [];
  for (const buyerId of buyersInEvidence(evidence)) {
    if (own.accounts.has(buyerId)) links.push({ kind: 'own_account', buyerId, value: buyerId });
    const seen = buyers.get(buyerId);
    if (seen === undefined) continue;
    for (const value of [...seen.deviceIds].sort()) if (own.devices.has(value)) links.push({ kind: 'shared_device', buyerId, value });
    for (const value of [...seen.instrumentIds].sort()) if (own.instruments.has(value)) links.push({ kind: 'shared_instrument', buyerId, value });
    for (const value of [...seen.addressIds].sort()) if (own.addresses.has(value)) links.push({ kind: 'shared_address', buyerId, value });
  }
  return links;
}

/** The strengths of the distinct kinds of link found, summed. */
export function linkScore(links: readonly LinkEvidence[], policy: PenaltyPolicy): number {
  const kinds = new Set<LinkKind>(links.map((l) => l.kind));
  let score = 0;
  for (const kind of kinds) score += policy.attribution.linkWeights[kind] ?? 0;
  return score;
}

export const ATTRIBUTION_STATUSES = ['counted', 'under_investigation', 'dismissed'] as const;
export type AttributionStatus = (typeof ATTRIBUTION_STATUSES)[number];
export const ATTRIBUTION_BASES = ['not_required', 'linked', 'pattern', 'analyst', 'none'] as const;
export type AttributionBasis = (typeof ATTRIBUTION_BASES)[number];

export interface Attribution {
  status: AttributionStatus;
  basis: AttributionBasis;
  /** When the violation started to count (the pattern's completion, the analyst's decision). */
  effectiveAtMs: number | null;
}

/** What attribution needs of a violation the merchant's case holds. */
export interface AttributableViolation {
  violationId: string;
  type: ViolationType;
  atMs: number;
  links: readonly LinkEvidence[];
  analyst?: { attributed: boolean; atMs: number } | undefined;
  dismissedByAppeal?: string | undefined;
}

/**
 * The status of every violation of a merchant, from the set alone (not the order it arrived in),
 * so that any delivery order of the same violations reaches the same standing.
 */
export function attribute(violations: readonly AttributableViolation[], policy: PenaltyPolicy): Map<string, Attribution> {
  const out = new Map<string, Attribution>();
  const required = new Set(policy.attribution.requiredFor);
  const patternCandidates = new Map<ViolationType, number[]>();
  for (const v of violations) {
    if (v.dismissedByAppeal !== undefined || v.analyst?.attributed === false) continue;
    const times = patternCandidates.get(v.type) ?? [];
    times.push(v.atMs);
    patternCandidates.set(v.type, times);
  }
  for (const times of patternCandidates.values()) times.sort((a, b) => a - b);

  for (const v of violations) {
    let a: Attribution;
    if (v.dismissedByAppeal !== undefined) a = { status: 'dismissed', basis: 'none', effectiveAtMs: null };
    else if (v.analyst !== undefined)
      a = v.analyst.attributed
        ? { status: 'counted', basis: 'analyst', effectiveAtMs: Math.max(v.atMs, v.analyst.atMs) }
        : { status: 'dismissed', basis: 'analyst', effectiveAtMs: null };
    else if (!required.has(v.type)) a = { status: 'counted', basis: 'not_required', effectiveAtMs: v.atMs };
    else if (linkScore(v.links, policy) >= policy.attribution.minLinkScore) a = { status: 'counted', basis: 'linked', effectiveAtMs: v.atMs };
    else {
      const formed = patternFormedAt(v.atMs, patternCandidates.get(v.type) ?? [], policy);
      a =
        formed === null
          ? { status: 'under_investigation', basis: 'none', effectiveAtMs: null }
          : { status: 'counted', basis: 'pattern', effectiveAtMs: formed };
    }
    out.set(v.violationId, a);
  }
  return out;
}

/**
 * The earliest time T >= atMs at which violations of the type in [T - withinDays, T], a window that
 * contains atMs, fall in at least `minPeriods` separate periods; null if that never happens.
 * Only a violation's time can complete a pattern, so T is one of `sortedTimes`.
 */
function patternFormedAt(atMs: number, sortedTimes: readonly number[], policy: PenaltyPolicy): number | null {
  const rule = policy.attribution.repeatedPattern;
  if (rule === undefined) return null;
  const withinMs = rule.withinDays * 86_400_000;
  const gapMs = rule.minGapHours * 3_600_000;
  for (const t of sortedTimes) {
    if (t < atMs) continue;
    if (t - atMs > withinMs) break;
    if (separatePeriods(sortedTimes.filter((x) => x >= t - withinMs && x <= t), gapMs) >= rule.minPeriods) return t;
  }
  return null;
}

/** Greedy count of times at least `gapMs` apart (sorted input). */
export function separatePeriods(sortedTimes: readonly number[], gapMs: number): number {
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of sortedTimes) {
    if (count === 0 || t - last >= gapMs) {
      count++;
      last = t;
    }
  }
  return count;
}
