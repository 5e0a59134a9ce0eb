/**
 * The synchronous risk score checkout calls before taking payment. It reads the features the stream
 * consumers keep (read-only: a candidate order changes no count), within a hard time budget; when a
 * read is late or fails it answers anyway, marked `degraded`, with the configured fail-open or
 * fail-closed policy. It never throws for a dependency fault.
 */
import type { CandidateOrder, RiskScoreResponse } from '../contracts/riskScore';
import type { OrderEvent } from '../contracts/events';
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision, DecisionKind } from '../domain/records';
import { paymentSignals } from '../domain/payments/signals';
import { scoreSignals, type Signal } from '../domain/scoring/score';
import { renderWarning } from '../domain/warnings/messages';
import type { ConfigSource, DecisionLog, FeatureStore } from '../ports';
import type { Log } from '../lambda/kinesisConsumer';
import { planVelocity } from './detectors/payments';
import { gougingWarning, priceGougingDetector } from './detectors/priceGouging';

export interface RiskScorerDeps {
  features: Pick<FeatureStore, 'sets' | 'prices'>;
  config: ConfigSource;
  decisions: DecisionLog;
  now?: () => number;
  log?: Log;
  /** Time allowed to record the decision after answering is decided (best effort). */
  recordBudgetMs?: number;
}

/** Logged once per degraded answer; the CDK app counts these lines into the degraded-answers alarm. */
export const DEGRADED_LOG_MESSAGE = 'risk score degraded';

type Settled<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Resolves within `ms` whatever `work` does: late or failed work becomes a reason, never a throw. */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => {
    // No time left (an earlier step, such as a cold config read, spent the budget): say so, not "within -20 ms".
    const reason = ms > 0 ? `${what}: no answer within ${ms} ms` : `${what}: no time left in the budget`;
    timer = setTimeout(() => resolve({ ok: false, reason }), Math.max(0, ms));
  });
  const done = work.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, reason: `${what}: ${error instanceof Error ? error.message : String(error)}` }),
  );
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

const RANK: Record<DecisionKind, number> = { allow: 0, review: 1, block: 2 };

export function applyDegradedPolicy(decision: DecisionKind, amount: number, config: Thresholds): { decision: DecisionKind; closed: boolean } {
  const policy = config.riskScore.onDegraded;
  const closed = policy.mode === 'closed' || (policy.closedFromAmount !== undefined && amount >= policy.closedFromAmount);
  if (!closed || RANK[decision] >= RANK[policy.closedDecision]) return { decision, closed };
  return { decision: policy.closedDecision, closed };
}

export type RiskScorer = (candidate: CandidateOrder, decisionId: string) => Promise<RiskScoreResponse>;

export function makeRiskScorer(deps: RiskScorerDeps): RiskScorer {
  const now = deps.now ?? Date.now;
  const prices = priceGougingDetector(deps.features.prices);
  return async (candidate, decisionId) => {
    const started = now();
    const config = await deps.config.current();
    const atMs = candidate.occurredAt === undefined ? started : Date.parse(candidate.occurredAt);
    const event: OrderEvent = { ...candidate, eventId: decisionId, occurredAt: candidate.occurredAt ?? new Date(atMs).toISOString() };
    const budget = config.riskScore.featureBudgetMs;

    const velocityPlan = planVelocity(event, atMs, config.rules.payments, false);
    const [velocity, price] = await Promise.all([
      within(
        deps.features.sets.run([velocityPlan.query]).then(([answer]) => velocityPlan.read(answer!)),
        budget - (now() - started),
        'payment velocity',
      ),
      within(prices.assess(event, atMs, config.rules.priceGouging), budget - (now() - started), 'price baseline'),
    ]);

    const signals: Signal[] = [];
    const degradedReasons: string[] = [];
    if (velocity.ok) signals.push(...paymentSignals(velocity.value, config.rules.payments));
    else degradedReasons.push(velocity.reason);
    if (price.ok) signals.push(...price.value.signals);
    else degradedReasons.push(price.reason);

    const scored = scoreSignals(signals, config.scoring);
    const degraded = degradedReasons.length > 0;
    let decision = scored.decision;
    const reasons = [...scored.reasons];
    if (degraded) {
      const policy = applyDegradedPolicy(decision, event.amount, config);
      if (policy.decision !== decision) {
        reasons.push({ code: 'DEGRADED_FAIL_CLOSED', detail: `answered without ${degradedReasons.length} feature source(s); policy raises ${decision} to ${policy.decision}` });
      }
      decision = policy.decision;
      deps.log?.warn(DEGRADED_LOG_MESSAGE, { decisionId, degradedReasons, decision });
    }

    const warnings = price.ok
      ? price.value.gouged.map((g) => {
          const w = gougingWarning(event, g);
          return { type: w.type, severity: w.severity, skuId: g.line.skuId, message: renderWarning(w) };
        })
      : [];
    const response: RiskScoreResponse = {
      decisionId,
      score: scored.score,
      decision,
      reasons,
      warnings,
      configVersion: config.version,
      degraded,
      ...(degraded ? { degradedReasons } : {}),
    };

    const record: Decision = {
      eventId: decisionId,
      orderId: event.orderId,
      buyerId: event.buyer.id,
      merchantId: event.merchantId,
      eventType: 'risk_score',
      occurredAt: event.occurredAt,
      amount: event.amount,
      currency: event.currency,
      score: scored.score,
      decision,
      reasons,
      configVersion: config.version,
    };
    const recorded = await within(deps.decisions.append([record]), deps.recordBudgetMs ?? 200, 'decision log');
    if (!recorded.ok) deps.log?.error('risk score decision not recorded', { decisionId, reason: recorded.reason });
    return response;
  };
}
