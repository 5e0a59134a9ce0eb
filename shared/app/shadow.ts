/**
 * Shadow mode: after the live pass of a batch has decided and recorded everything, a candidate
 * thresholds version re-scores the same events from the features that pass computed (each detector
 * family's `rescore`), with no I/O but the sink: it writes no features, violations or warnings.
 * Where the two disagree (a decision that would change, a violation that would or would not be
 * recorded) goes to the sink. A shadow fault is logged and swallowed: the live batch is done.
 */
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision } from '../domain/records';
import type { Signal } from '../domain/scoring/score';
import { compareBatch, type ShadowBatch } from '../domain/shadow/disagreements';
import type { ShadowConfigSource, ShadowSink } from '../ports';
import { addSignals, type DetectorResult, type TimedOrderEvent } from './detectors/types';

export interface ShadowDeps {
  config: ShadowConfigSource;
  sink: ShadowSink;
  log?: { warn(message: string, ...extra: unknown[]): void };
}

export interface ShadowInput {
  /** The batch's events that get a decision. */
  decided: readonly TimedOrderEvent[];
  results: readonly DetectorResult[];
  config: Thresholds;
  live: readonly Decision[];
  /** The pipeline's own decision function (suppressions included), so both sides decide alike. */
  decide: (item: TimedOrderEvent, signals: ReadonlyMap<string, Signal[]>, config: Thresholds) => Decision;
}

export async function runShadow(deps: ShadowDeps, input: ShadowInput): Promise<ShadowBatch | null> {
  try {
    const candidate = await deps.config.candidate();
    if (candidate === null || candidate.version === input.config.version) return null;
    const underCandidate = input.results.map((r) => r.rescore?.(candidate));
    // The live side's violations are re-derived the same way, so both sides are compared alike
    // (brushing windows before their lateness wait, on both sides).
    const underLive = input.results.map((r) => r.rescore?.(input.config));
    const signals = new Map<string, Signal[]>();
    input.results.forEach((r, n) => {
      // A family that computed nothing to re-score keeps its live signals.
      for (const [eventId, s] of underCandidate[n]?.signals ?? r.signals) addSignals(signals, eventId, s);
    });
    const batch = compareBatch({
      liveVersion: input.config.version,
      candidateVersion: candidate.version,
      live: input.live,
      candidate: input.decided.map((item) => input.decide(item, signals, candidate)),
      liveViolations: underLive.flatMap((r) => r?.violations ?? []),
      candidateViolations: underCandidate.flatMap((r) => r?.violations ?? []),
    });
    if (batch.compared > 0 || batch.violations.length > 0) await deps.sink.record(batch);
    return batch;
  } catch (error) {
    deps.log?.warn('shadow scoring failed; the live batch is unaffected', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
