/**
 * Review rings: accounts reviewing the same SKU that share a device, a network, or were created
 * together. Each is a set of the SKU's reviewers per shared thing (kept by the feature store over
 * `windowHours`); a set with enough distinct accounts is a ring. Pure.
 */
import type { ReviewRules } from '../config/reviewRules';
import type { ReasonCode } from '../reasons';

export type RingLink = 'device' | 'network' | 'accounts_created';

export const RING_CODES: Record<RingLink, ReasonCode> = {
  device: 'REVIEW_RING_DEVICE',
  network: 'REVIEW_RING_NETWORK',
  accounts_created: 'REVIEW_RING_ACCOUNTS_CREATED_TOGETHER',
};

export interface RingKey {
  link: RingLink;
  /** The shared thing: a device id, a network prefix, a creation bucket (ISO start). */
  value: string;
}

/** The network of an IP: IPv4 cut to `v4Bits`, IPv6 to `v6Bits` (e.g. 203.0.113.0/24). Null if unparseable. */
export function networkOf(ip: string, v4Bits: number, v6Bits: number): string | null {
  if (ip.includes(':')) {
    const groups = expandIpv6(ip);
    if (groups === null) return null;
    const keep = Math.floor(v6Bits / 16);
    return `${groups.slice(0, keep).join(':')}::/${v6Bits}`;
  }
  const octets = ip.split('.');
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) return null;
  const keep = Math.floor(v4Bits / 8);
  return `${[...octets.slice(0, keep).map(Number), ...new Array<number>(4 - keep).fill(0)].join('.')}/${v4Bits}`;
}

function expandIpv6(ip: string): string[] | null {
  const address = ip.split('%')[0]!;
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const part = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = part(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4) takes two groups.
  const last = right.length > 0 ? right : left;
  if (last.length > 0 && last[last.length - 1]!.includes('.')) {
    const v4 = last.pop()!.split('.').map(Number);
    last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  const groups = [...left, ...new Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(16));
}

/** The creation bucket of an account (its start, ISO), so accounts created together share a key. */
export function createdBucket(createdAtMs: number, minutes: number): string {
  const size = minutes * 60_000;
  return new Date(Math.floor(createdAtMs / size) * size).toISOString();
}

/** The ring keys of a review: its device, its network, its account's creation bucket (when known). */
export function ringKeys(
  review: { device?: { id?: string | undefined; ip?: string | undefined } | undefined },
  buyerCreatedAtMs: number | null,
  rules: ReviewRules['ring'],
): RingKey[] {
  const keys: RingKey[] = [];
  if (review.device?.id !== undefined) keys.push({ link: 'device', value: review.device.id });
  const network = review.device?.ip === undefined ? null : networkOf(review.device.ip, rules.ipv4PrefixBits, rules.ipv6PrefixBits);
  if (network !== null) keys.push({ link: 'network', value: network });
  if (buyerCreatedAtMs !== null) keys.push({ link: 'accounts_created', value: createdBucket(buyerCreatedAtMs, rules.createdTogetherMinutes) });
  return keys;
}

export function minAccounts(link: RingLink, rules: ReviewRules['ring']): number {
  return link === 'device' ? rules.minAccountsPerDevice : link === 'network' ? rules.minAccountsPerNetwork : rules.minAccountsCreatedTogether;
}

/** The smallest threshold among links: below it no ring key can fire, so members are not worth reading. */
export function ringEvidenceFrom(rules: ReviewRules['ring']): number {
  return Math.min(rules.minAccountsPerDevice, rules.minAccountsPerNetwork, rules.minAccountsCreatedTogether);
}

export interface RingFinding extends RingKey {
  accounts: number;
  threshold: number;
}

/** The rings among a review's keys (accounts: distinct accounts in the set, this one included). */
export function judgeRings(counted: readonly (RingKey & { accounts: number })[], rules: ReviewRules['ring']): RingFinding[] {
  return counted
    .map((k) => ({ ...k, threshold: minAccounts(k.link, rules) }))
    .filter((k) => k.accounts >= k.threshold);
}
