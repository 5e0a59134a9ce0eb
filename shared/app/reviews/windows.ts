/**
 * The windows families of the review stream: bursts, rings and near-duplicate texts. Each review
 * needs one script on the `reviews` feature family, which all three share: the families plan their
 * part of it (burst scopes, ring keys, LSH bands) and read their part of the answer, so the store
 * sees one call per review and one round trip per batch. Probes that could not fire are not sent: a
 * low rating counts in no burst, a review without device or text joins no ring key or bucket.
 *
 * The usual rate of a burst scope depends only on hours before the window, so it is read once per
 * scope and hour and kept in the process (a cache miss asks the same call for the history).
 */
import type { ReviewRules } from '../../domain/config/reviewRules';
import { baselineHours, HOUR_MS, judgeBurst, usualRate } from '../../domain/reviews/burst';
import { judgeRings, RING_CODES, ringEvidenceFrom, ringKeys, type RingKey } from '../../domain/reviews/ring';
import { judgeNearDuplicates, textSignature } from '../../domain/reviews/text';
import type { TrustFactor } from '../../domain/reviews/trust';
import type { ReviewFinding } from '../../domain/reviews/violations';
import type { ReviewPost, ReviewPostAnswer, ReviewWindowParams } from '../../ports';
import type { JudgedReview } from './purchase';

const CACHE_LIMIT = 50_000;
const EVIDENCE_LIMIT = 100;

export function windowParams(rules: ReviewRules): ReviewWindowParams {
  return {
    burstWindowMs: rules.burst.windowMinutes * 60_000,
    burstEvidenceFrom: rules.burst.minSuspicious,
    ringWindowMs: rules.ring.windowHours * HOUR_MS,
    ringEvidenceFrom: ringEvidenceFrom(rules.ring),
    evidenceLimit: EVIDENCE_LIMIT,
    textTtlMs: rules.text.ttlHours * HOUR_MS,
    bucketCap: rules.text.bucketCap,
    minSharedBands: rules.text.minSharedBands,
    historyTtlMs: (rules.burst.baselineHours + 48) * HOUR_MS,
    recordTtlMs: Math.max(rules.burst.baselineHours + 48, rules.ring.windowHours, rules.text.ttlHours) * HOUR_MS,
  };
}

/** Usual rates per burst scope and baseline range, kept in the process. */
export class BaselineCache {
  private readonly rates = new Map<string, number>();
  get(key: string): number | undefined {
    return this.rates.get(key);
  }
  set(key: string, rate: number): void {
    if (this.rates.size >= CACHE_LIMIT) this.rates.delete(this.rates.keys().next().value!);
    this.rates.set(key, rate);
  }
}

interface BurstPlan {
  scope: 'sku' | 'merchant';
  key: string;
  range: { fromHour: number; toHour: number };
  cacheKey: string;
}

export interface WindowPlan {
  judged: JudgedReview;
  post: ReviewPost;
  bursts: BurstPlan[];
  rings: RingKey[];
  clusterId: string | null;
}

/** Plans the batch's posts: one per review. Only the first review of a batch missing a baseline asks for its history. */
export function planWindows(judged: readonly JudgedReview[], rules: ReviewRules, cache: BaselineCache): WindowPlan[] {
  const asked = new Set<string>();
  return judged.map((j) => {
    const { event, occurredAtMs: atMs } = j.item;
    const high = event.rating >= rules.highRating;
    const scopes: BurstPlan['scope'][] = high ? (rules.burst.merchantScope ? ['sku', 'merchant'] : ['sku']) : [];
    const bursts = scopes.map((scope) => {
      const key = scope === 'sku' ? `sku:${event.skuId}` : `merchant:${event.merchantId}`;
      const range = baselineHours(atMs, rules.burst);
      return { scope, key, range, cacheKey: `${key}@${range.fromHour}-${range.toHour}` };
    });
    const rings = ringKeys(event, j.facts?.buyerCreatedAtMs ?? null, rules.ring);
    const signature = rules.text.enabled ? textSignature(event.text, rules.text) : null;
    const post: ReviewPost = {
      reviewId: event.reviewId,
      buyerId: event.buyerId,
      merchantId: event.merchantId,
      atMs,
      suspicious: !j.verdict.verified,
      bursts: bursts.map((b) => {
        const ask = cache.get(b.cacheKey) === undefined && !asked.has(b.cacheKey);
        if (ask) asked.add(b.cacheKey);
        return ask ? { scope: b.key, history: b.range } : { scope: b.key };
      }),
      rings: rings.map((r) => `sku:${event.skuId}:${r.link}:${r.value}`),
      bands: signature?.bands ?? [],
      // Only a review outside a verified purchase can be part of a text cluster: the others are indexed, not looked up.
      nearDuplicates: signature !== null && !j.verdict.verified,
    };
    return { judged: j, post, bursts, rings, clusterId: signature ? `lsh:${[...signature.bands].sort()[0]}` : null };
  });
}

export interface WindowReading {
  /** The review's own factors from these families. */
  factors: TrustFactor[];
  findings: ReviewFinding[];
}

function factor(name: TrustFactor['name'], value: number, code: TrustFactor['code'], detail: string): TrustFactor {
  return { name, value, code, detail };
}

/** Reads one review's answer: its burst, ring and text factors, and what it establishes. */
export function readWindows(plan: WindowPlan, answer: ReviewPostAnswer, rules: ReviewRules, cache: BaselineCache): WindowReading {
  const reading: WindowReading = { factors: [], findings: [] };
  if (!answer.counted) return reading;
  const { event, occurredAtMs: atMs } = plan.judged.item;
  const base = { merchantId: event.merchantId, skuId: event.skuId, reviewId: event.reviewId, eventId: event.eventId, atMs, occurredAt: event.occurredAt };
  const self = { reviewId: event.reviewId, buyerId: event.buyerId };

  plan.bursts.forEach((b, i) => {
    const a = answer.bursts[i]!;
    let rate = cache.get(b.cacheKey);
    if (rate === undefined) {
      // Another review of the batch asked for the history; if its answer held none (it had been
      // deleted), this review cannot be judged against a baseline it does not have.
      if (!plan.post.bursts[i]!.history) return;
      rate = usualRate(a.history, b.range, rules.burst);
      cache.set(b.cacheKey, rate);
    }
    const verdict = judgeBurst(a, rate, rules.burst);
    if (!verdict.fired) return;
    reading.findings.push({ ...base, kind: 'burst', scope: b.scope, verdict, members: a.members });
    if (a.countedSuspicious && !reading.factors.some((f) => f.name === 'burst')) {
      reading.factors.push(
        factor(
          'burst',
          rules.burst.factor,
          'REVIEW_BURST',
          `${verdict.suspicious} unverified and ${verdict.verified} verified high ratings on ${b.scope} ${b.scope === 'sku' ? event.skuId : event.merchantId} within ${rules.burst.windowMinutes} min, ` +
            `where ${verdict.expected} were expected (usual ${verdict.usualPerHour}/h): tail probability 10^-${verdict.score} (limit 10^-${rules.burst.minScore})`,
        ),
      );
    }
  });

  const rings = judgeRings(
    plan.rings.map((r, i) => ({ ...r, accounts: answer.rings[i]!.accounts })),
    rules.ring,
  );
  for (const ring of rings) {
    const members = answer.rings[plan.rings.findIndex((r) => r.link === ring.link && r.value === ring.value)]!.members;
    reading.findings.push({ ...base, kind: 'ring', ring, members: members.some((m) => m.reviewId === self.reviewId) ? members : [self, ...members] });
  }
  if (rings.length > 0) {
    const worst = [...rings].sort((a, b) => b.accounts / b.threshold - a.accounts / a.threshold)[0]!;
    reading.factors.push(
      factor('ring', rules.ring.factor, RING_CODES[worst.link], `${worst.accounts} accounts reviewed ${event.skuId} from ${worst.link} ${worst.value} within ${rules.ring.windowHours} h (limit ${worst.threshold})`),
    );
  }

  if (plan.clusterId !== null) {
    const cluster = judgeNearDuplicates({ ...self, merchantId: event.merchantId, suspicious: plan.post.suspicious }, answer.near, rules.text);
    if (cluster) {
      reading.findings.push({ ...base, kind: 'text', clusterId: plan.clusterId, cluster, members: cluster.members });
      reading.factors.push(
        factor(
          'text',
          rules.text.factor,
          'REVIEW_NEAR_DUPLICATE_TEXT',
          `near-duplicate (similarity ~${cluster.similarity}) of reviews by ${cluster.accounts - 1} other accounts at ${event.merchantId}, not from verified purchases; ` +
            `of all accounts writing it ${Math.round(cluster.merchantShare * 100)}% are at this shop and ${Math.round(cluster.suspiciousShare * 100)}% unverified ` +
            `(limits ${rules.text.minAccounts} accounts, and ${Math.round(rules.text.minMerchantShare * 100)}% at the shop or ${Math.round(rules.text.minSuspiciousShare * 100)}% unverified)`,
        ),
      );
    }
  }
  return reading;
}

/** The factor a finding puts on each of its members (the lowest value wins in the store). */
export function findingFactor(f: ReviewFinding, rules: ReviewRules): TrustFactor {
  switch (f.kind) {
    case 'burst':
      return factor('burst', rules.burst.factor, 'REVIEW_BURST', `in a burst of ${f.verdict.suspicious} unverified high ratings on ${f.scope} (tail probability 10^-${f.verdict.score}) established by review ${f.reviewId}`);
    case 'ring':
      return factor('ring', rules.ring.factor, RING_CODES[f.ring.link], `one of ${f.ring.accounts} accounts reviewing ${f.skuId} from ${f.ring.link} ${f.ring.value}, established by review ${f.reviewId}`);
    case 'text':
      return factor('text', rules.text.factor, 'REVIEW_NEAR_DUPLICATE_TEXT', `one of ${f.cluster.accounts} accounts posting near-duplicate texts at ${f.merchantId}, established by review ${f.reviewId}`);
  }
}
