/**
 * From findings to `fake_reviews` violations. One violation per shop per bucket of
 * `violationBucketHours` (as for order brushing), its id derived from both, so the same campaign
 * seen again (a redelivery, a replay, its next review, its burst after its ring) is the same
 * violation, and one campaign is not penalised three times over; the evidence is what the batch that
 * established it saw. Pure.
 */
import type { ReviewRules } from '../config/reviewRules';
import { stableId } from '../ids';
import type { Violation } from '../records';
import type { BurstVerdict } from './burst';
import type { RingFinding } from './ring';
import type { TextCluster } from './text';

const MAX_EVIDENCE = 200;

export interface ReviewRef {
  reviewId: string;
  buyerId: string;
}

interface FindingBase {
  merchantId: string;
  skuId: string;
  /** The review that established it. */
  reviewId: string;
  eventId: string;
  atMs: number;
  occurredAt: string;
  /** The reviews that make it up (the trust of each is lowered). */
  members: ReviewRef[];
}

export type ReviewFinding =
  | (FindingBase & { kind: 'burst'; scope: 'sku' | 'merchant'; verdict: BurstVerdict })
  | (FindingBase & { kind: 'ring'; ring: RingFinding })
  | (FindingBase & { kind: 'text'; clusterId: string; cluster: TextCluster });

export function violationIdOf(f: ReviewFinding, rules: ReviewRules): { violationId: string; bucketStartMs: number } {
  const bucketMs = rules.violationBucketHours * 3_600_000;
  const bucketStartMs = Math.floor(f.atMs / bucketMs) * bucketMs;
  return { violationId: stableId('viol', f.merchantId, 'fake_reviews', bucketStartMs), bucketStartMs };
}

function signalOf(f: ReviewFinding): string {
  return f.kind === 'ring' ? `ring:${f.ring.link}` : f.kind === 'burst' ? `burst:${f.scope}` : 'near_duplicate_text';
}

/** The batch's findings as violations: the findings of one violation merged into its evidence. */
export function fakeReviewViolations(findings: readonly ReviewFinding[], rules: ReviewRules, configVersion: string): Violation[] {
  const grouped = new Map<string, { bucketStartMs: number; findings: ReviewFinding[] }>();
  for (const f of [...findings].sort((a, b) => a.atMs - b.atMs || a.reviewId.localeCompare(b.reviewId))) {
    const { violationId, bucketStartMs } = violationIdOf(f, rules);
    const group = grouped.get(violationId) ?? { bucketStartMs, findings: [] };
    group.findings.push(f);
    grouped.set(violationId, group);
  }
  return [...grouped].map(([violationId, { bucketStartMs, findings: fs }]) => {
    const first = fs[0]!;
    const reviewIds = new Set<string>();
    const reviewerIds = new Set<string>();
    for (const f of fs) {
      for (const m of f.members) {
        if (reviewIds.size < MAX_EVIDENCE) reviewIds.add(m.reviewId);
        if (reviewerIds.size < MAX_EVIDENCE) reviewerIds.add(m.buyerId);
      }
    }
    const bursts = fs.filter((f): f is Extract<ReviewFinding, { kind: 'burst' }> => f.kind === 'burst');
    const rings = new Map<string, RingFinding>();
    for (const f of fs) if (f.kind === 'ring') rings.set(`${f.ring.link}:${f.ring.value}`, f.ring);
    const text = fs.find((f): f is Extract<ReviewFinding, { kind: 'text' }> => f.kind === 'text');
    const strongest = bursts.reduce<(typeof bursts)[number] | undefined>((best, b) => (best === undefined || b.verdict.score > best.verdict.score ? b : best), undefined);
    return {
      violationId,
      merchantId: first.merchantId,
      type: 'fake_reviews' as const,
      occurredAt: first.occurredAt,
      configVersion,
      evidence: {
        rule: 'fakeReviews',
        skuIds: [...new Set(fs.map((f) => f.skuId))].sort(),
        signals: [...new Set(fs.map(signalOf))].sort(),
        reviewIds: [...reviewIds],
        reviewerIds: [...reviewerIds].sort(),
        ...(strongest
          ? {
              burst: {
                scope: strongest.scope,
                windowMinutes: rules.burst.windowMinutes,
                ...strongest.verdict,
                minScore: rules.burst.minScore,
              },
            }
          : {}),
        ...(rings.size > 0 ? { rings: [...rings.values()].map((r) => ({ link: r.link, value: r.value, accounts: r.accounts, threshold: r.threshold })) } : {}),
        ...(text
          ? {
              textCluster: {
                clusterId: text.clusterId,
                accounts: text.cluster.accounts,
                merchantShare: text.cluster.merchantShare,
                suspiciousShare: text.cluster.suspiciousShare,
                similarity: text.cluster.similarity,
              },
            }
          : {}),
        establishedBy: { reviewId: first.reviewId, eventId: first.eventId },
        bucketStart: new Date(bucketStartMs).toISOString(),
      },
    };
  });
}
