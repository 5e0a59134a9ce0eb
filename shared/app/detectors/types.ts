/**
 * A detector family: the features it keeps (one round trip per batch on its own store family) and
 * the signals, violations and buyer warnings it derives. The order pipeline runs every family on
 * each batch; adding a capability is adding a family, not editing the others.
 */
import type { OrderEvent } from '../../contracts/events';
import type { Thresholds } from '../../domain/config/thresholds';
import type { Violation, WarningRequest } from '../../domain/records';
import type { Signal } from '../../domain/scoring/score';

export interface TimedOrderEvent {
  event: OrderEvent;
  occurredAtMs: number;
}

export interface DetectorResult {
  /** Signals per eventId. */
  signals: Map<string, Signal[]>;
  /** Violations this batch established (ids derived from evidence, so re-detection is idempotent). */
  violations: Violation[];
  warnings: WarningRequest[];
  /** Runs after the pipeline has durably recorded this result (e.g. to clear what it confirmed). */
  commit?: () => Promise<void>;
  /** From `flush`: more may be waiting, call again. */
  more?: boolean;
  /**
   * Re-scores this batch under another thresholds document from the features this pass computed,
   * with no I/O and no writes (shadow mode). Absent when the family computed nothing to re-score.
   */
  rescore?: (config: Thresholds) => Rescored;
}

export interface Rescored {
  signals: Map<string, Signal[]>;
  /** Violations the batch would establish under that document (ids as the live pass derives them). */
  violations: Violation[];
}

export interface OrderDetector {
  readonly name: string;
  process(items: readonly TimedOrderEvent[], config: Thresholds): Promise<DetectorResult>;
  /** Settles what waits on event time up to `watermarkMs` (+Infinity at the end of history). */
  flush?(watermarkMs: number, config: Thresholds): Promise<DetectorResult>;
}

export function emptyResult(): DetectorResult {
  return { signals: new Map(), violations: [], warnings: [] };
}

export function addSignals(into: Map<string, Signal[]>, eventId: string, signals: readonly Signal[]): void {
  if (signals.length === 0) return;
  const list = into.get(eventId);
  if (list) list.push(...signals);
  else into.set(eventId, [...signals]);
}
