/**
 * The review pipeline: what the review-stream consumer does with a batch of valid review events.
 * The Lambda handler, the embedded runtime and the replay all call this; only the adapters differ.
 *
 * Per batch, in order (each step one round trip for the whole batch, idempotent, so a batch retried
 * after failing half-way converges to the same state):
 *  1. skip eventIds already processed;
 *  2. purchase family: join each posted review to its order's facts and brushing state;
 *  3. windows families (burst, ring, text): one script per review on the `reviews` family;
 *  4. trust weights: the review's factors, and the lowered factors of every review a ring, burst or
 *     text cluster implicates (found later, they still lower the earlier members);
 *  5. deletions: out of every window, weight 0;
 *  6. SKUs found manipulated: marked (buyers who open an order later are warned by the order
 *     stream), and buyers with an open order on them warned now;
 *  7. violations recorded, then penalties and warnings told, then the eventIds marked processed.
 */
import type { ReviewEvent } from '../contracts/events';
import type { Violation, WarningRequest } from '../domain/records';
import { isOpen } from '../domain/reviews/purchase';
import type { TrustFactor } from '../domain/reviews/trust';
import { fakeReviewViolations, type ReviewFinding } from '../domain/reviews/violations';
import { reviewsManipulatedWarning } from '../domain/warnings/policy';
import type { Timed } from '../lambda/kinesisConsumer';
import type { ConfigSource, FeatureStore, PenaltyWorkflow, TrustFactorUpdate, TrustUpdate, ViolationLedger, WarningOutbox } from '../ports';
import { judgePurchases, purchaseFactors, reasonOf, REVIEW_TRUST_TTL_MS } from './reviews/purchase';
import { BaselineCache, findingFactor, planWindows, readWindows, windowParams } from './reviews/windows';

const DAY_MS = 86_400_000;
const OPEN_ORDERS_PER_SKU = 1_000;
/** Reviews this process already lowered for a finding (a ring's next review names its earlier members again). */
const LOWERED_LIMIT = 100_000;

export interface ReviewPipelineDeps {
  features: FeatureStore;
  violations: ViolationLedger;
  config: ConfigSource;
  /** Buyer warnings; until the warnings capability is wired where this runs, requests are dropped. */
  warnings?: WarningOutbox;
  /** The penalty ladder; optional where only detection runs. */
  penalties?: PenaltyWorkflow;
}

export interface JudgedReviewOutcome {
  eventId: string;
  reviewId: string;
  merchantId: string;
  skuId: string;
  /** The weight after this batch (null: the review was deleted before its post was processed). */
  trust: number | null;
  reasons: { code: string; detail: string }[];
}

export interface ReviewBatchResult {
  reviews: JudgedReviewOutcome[];
  deleted: number;
  /** Violations recorded for the first time by this batch. */
  violations: Violation[];
  warnings: WarningRequest[];
  /** Events skipped because their eventId was already processed. */
  duplicates: number;
}

export type ReviewPipeline = (items: readonly Timed<ReviewEvent>[]) => Promise<ReviewBatchResult>;

function factorUpdate(f: TrustFactor): TrustFactorUpdate {
  return { name: f.name, value: f.value, reason: reasonOf(f) };
}

export function createReviewPipeline(deps: ReviewPipelineDeps): ReviewPipeline {
  const baselines = new BaselineCache();
  // Lowering is idempotent (the lowest value wins), so a member lowered once needs no second write.
  let lowered = new Set<string>();

  return async (items) => {
    const firstById = new Map<string, Timed<ReviewEvent>>();
    for (const item of items) if (!firstById.has(item.event.eventId)) firstById.set(item.event.eventId, item);
    const unseen = await deps.features.processed.unprocessed([...firstById.keys()]);
    const work = [...firstById.values()].filter((i) => unseen.has(i.event.eventId));
    const duplicates = items.length - work.length;
    const empty: ReviewBatchResult = { reviews: [], deleted: 0, violations: [], warnings: [], duplicates };
    if (work.length === 0) return empty;

    const config = await deps.config.current();
    const rules = config.rules.reviews;
    if (!rules.enabled) {
      await deps.features.processed.markProcessed(work.map((i) => i.event.eventId));
      return empty;
    }
    const params = windowParams(rules);
    // Posts first, then deletions: a review posted and deleted in one batch ends deleted either way.
    const posted = work.filter((i) => i.event.type === 'review.posted');
    const deleted = work.filter((i) => i.event.type === 'review.deleted');

    const judged = await judgePurchases(posted, deps.features, config);
    const plans = planWindows(judged, rules, baselines);
    const answers = await deps.features.reviews.post(
      plans.map((p) => p.post),
      params,
    );

    type Pending = { subject?: TrustUpdate['subject']; factors: Map<string, TrustFactorUpdate> };
    const updates = new Map<string, Pending>();
    const put = (reviewId: string, f: TrustFactorUpdate, subject?: TrustUpdate['subject']) => {
      const u: Pending = updates.get(reviewId) ?? { factors: new Map() };
      if (subject) u.subject = subject;
      const cur = u.factors.get(f.name);
      if (cur === undefined || f.version !== undefined || f.value < cur.value) u.factors.set(f.name, f);
      updates.set(reviewId, u);
    };
    const findings: ReviewFinding[] = [];
    const ownFactors = new Map<string, TrustFactor[]>();
    plans.forEach((plan, n) => {
      const answer = answers[n]!;
      if (!answer.counted) return; // deleted before this post was processed: it weighs nothing
      const { subject, verdict } = plan.judged;
      const reading = readWindows(plan, answer, rules, baselines);
      findings.push(...reading.findings);
      for (const f of purchaseFactors(verdict)) put(subject.reviewId, f, subject);
      for (const f of reading.factors) put(subject.reviewId, factorUpdate(f));
      ownFactors.set(subject.reviewId, [verdict.purchase, verdict.timing, ...reading.factors]);
    });
    // What a finding establishes lowers every review it implicates, including those of past batches.
    const lowering: string[] = [];
    for (const f of findings) {
      const factor = factorUpdate(findingFactor(f, rules));
      for (const m of f.members) {
        const key = `${m.reviewId}\u001f${factor.name}\u001f${factor.value}`;
        if (lowered.has(key)) continue;
        put(m.reviewId, factor);
        lowering.push(key);
      }
    }

    const trustUpdates = [...updates].map(([reviewId, u]): TrustUpdate => ({ reviewId, ...(u.subject ? { subject: u.subject } : {}), factors: [...u.factors.values()] }));
    const weights = await deps.features.reviewTrust.update(trustUpdates, REVIEW_TRUST_TTL_MS);
    const weightOf = new Map<string, number | null>(trustUpdates.map((u, n) => [u.reviewId, weights[n]!]));
    if (lowered.size + lowering.length > LOWERED_LIMIT) lowered = new Set();
    for (const key of lowering) lowered.add(key);

    if (deleted.length > 0) {
      const ids = [...new Set(deleted.map((d) => d.event.reviewId))];
      await deps.features.reviews.remove(ids, params);
      await deps.features.reviewTrust.markDeleted(ids, REVIEW_TRUST_TTL_MS);
      for (const id of ids) weightOf.set(id, null);
    }

    const warnings = await warnBuyers(deps.features, findings, config);
    const violations = fakeReviewViolations(findings, rules, config.version);
    const fresh = await deps.violations.record(violations);
    // Downstream gets every established violation, not only the fresh ones (a retry must still reach it).
    if (deps.penalties && violations.length > 0) await deps.penalties.onViolations(violations);
    if (deps.warnings && warnings.length > 0) await deps.warnings.request(warnings);
    await deps.features.processed.markProcessed(work.map((i) => i.event.eventId));

    return {
      reviews: posted.map(({ event }) => ({
        eventId: event.eventId,
        reviewId: event.reviewId,
        merchantId: event.merchantId,
        skuId: event.skuId,
        trust: weightOf.get(event.reviewId) ?? null,
        reasons: (ownFactors.get(event.reviewId) ?? []).filter((f) => f.code !== null).map((f) => ({ code: f.code!, detail: f.detail ?? '' })),
      })),
      deleted: deleted.length,
      violations: fresh,
      warnings,
      duplicates,
    };
  };

  /**
   * SKUs whose reviews a finding shows manipulated: marked for the order stream (a buyer opening an
   * order later is warned there), and the buyers holding an open order now are warned here. Two
   * round trips, only in a batch with findings.
   */
  async function warnBuyers(features: FeatureStore, findings: readonly ReviewFinding[], config: Awaited<ReturnType<ConfigSource['current']>>): Promise<WarningRequest[]> {
    const rules = config.warnings;
    if (findings.length === 0 || !rules.enabled || !rules.reviewsManipulated.enabled) return [];
    const bySku = new Map<string, ReviewFinding>();
    const implicated = new Set<string>();
    for (const f of findings) {
      if (!bySku.has(f.skuId)) bySku.set(f.skuId, f);
      for (const m of f.members) implicated.add(m.buyerId);
    }
    const marks = [...bySku.values()].map((f) => ({
      skuId: f.skuId,
      untilMs: f.atMs + config.rules.reviews.manipulatedHours * 3_600_000,
      sinceMs: f.atMs - rules.reviewsManipulated.openOrderDays * DAY_MS,
    }));
    const open = await features.orderFacts.markManipulated(marks, OPEN_ORDERS_PER_SKU, config.rules.reviews.manipulatedHours * 3_600_000 + DAY_MS);
    const orderIds = [...new Set(open.flat().map((o) => o.orderId))];
    const facts = await features.orderFacts.read(orderIds);
    const stillOpen = new Map(orderIds.map((id, n) => [id, facts[n]]));
    const warnings = new Map<string, WarningRequest>();
    marks.forEach((m, n) => {
      const finding = bySku.get(m.skuId)!;
      for (const o of open[n]!) {
        const f = stillOpen.get(o.orderId);
        // The ring's own accounts are not the buyers to protect.
        if (!f || !isOpen(f) || f.buyerId !== o.buyerId || implicated.has(o.buyerId)) continue;
        const w = reviewsManipulatedWarning(
          { skuId: m.skuId, occurredAt: finding.occurredAt, sourceEventId: finding.eventId },
          { buyerId: o.buyerId, orderId: o.orderId, merchantId: f.merchantId ?? finding.merchantId },
        );
        if (!warnings.has(w.warningId)) warnings.set(w.warningId, w);
      }
    });
    return [...warnings.values()];
  }
}
