/** In-memory ledgers and logs, for the replay, the embedded runtime and tests. */
import type { Decision, QuarantinedRecord, Violation } from '../../domain/records';
import type { Thresholds } from '../../domain/config/thresholds';
import type { ConfigSource, DecisionLog, Quarantine, ViolationLedger } from '../../ports';

export class MemoryViolationLedger implements ViolationLedger {
  readonly byId = new Map<string, Violation>();
  constructor(private readonly onNew?: (v: Violation) => void) {}

  async record(violations: readonly Violation[]): Promise<Violation[]> {
    const fresh: Violation[] = [];
    for (const v of violations) {
      if (this.byId.has(v.violationId)) continue;
      this.byId.set(v.violationId, v);
      fresh.push(v);
      this.onNew?.(v);
    }
    return fresh;
  }
}

/**
 * A decision log that hands each new decision on (to a file, a counter) and keeps only the ids it has
 * seen, so that appending again changes nothing: the replay's, where history is too long to hold.
 */
export class StreamingDecisionLog implements DecisionLog {
  private readonly seen = new Set<string>();
  constructor(private readonly onNew: (d: Decision) => void) {}

  async append(decisions: readonly Decision[]): Promise<void> {
    for (const d of decisions) {
      if (this.seen.has(d.eventId)) continue;
      this.seen.add(d.eventId);
      this.onNew(d);
    }
  }
}

/** Keeps every decision by eventId (tests, the embedded runtime). */
export class MemoryDecisionLog extends StreamingDecisionLog {
  readonly byEventId = new Map<string, Decision>();
  constructor(onNew?: (d: Decision) => void) {
    super((d) => {
      this.byEventId.set(d.eventId, d);
      onNew?.(d);
    });
  }
}

export class MemoryQuarantine implements Quarantine {
  readonly records: QuarantinedRecord[] = [];
  constructor(private readonly onNew?: (r: QuarantinedRecord) => void) {}

  async put(records: readonly QuarantinedRecord[]): Promise<void> {
    for (const r of records) {
      this.records.push(r);
      this.onNew?.(r);
    }
  }
}

export class StaticConfigSource implements ConfigSource {
  constructor(private readonly thresholds: Thresholds) {}
  async current(): Promise<Thresholds> {
    return this.thresholds;
  }
}
