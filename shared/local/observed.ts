/**
 * Port decorators through which the local runtime watches the pipeline work: each forwards to the
 * real adapter (DynamoDB on dynalite) and then tells the run what was written, for the live progress
 * line and the final report. They add no behaviour the Lambda functions do not have.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Decision, QuarantinedRecord, Violation, WarningRequest } from '../domain/records';
import type { DecisionLog, Quarantine, ViolationLedger, WarningOutbox } from '../ports';

/** The event-time watermark of the batch being processed (its latest occurredAt), per async context. */
export const batchWatermark = new AsyncLocalStorage<number>();

export class ObservedDecisionLog implements DecisionLog {
  constructor(
    private readonly inner: DecisionLog,
    private readonly onAppended: (decisions: readonly Decision[]) => void,
  ) {}
  async append(decisions: readonly Decision[]): Promise<void> {
    await this.inner.append(decisions);
    this.onAppended(decisions);
  }
}

export class ObservedViolationLedger implements ViolationLedger {
  constructor(
    private readonly inner: ViolationLedger,
    /** Called with the violations recorded for the first time and the batch watermark at that moment. */
    private readonly onNew: (violations: readonly Violation[], watermarkMs: number | undefined) => void,
  ) {}
  async record(violations: readonly Violation[]): Promise<Violation[]> {
    const fresh = await this.inner.record(violations);
    if (fresh.length > 0) this.onNew(fresh, batchWatermark.getStore());
    return fresh;
  }
}

export class ObservedQuarantine implements Quarantine {
  constructor(
    private readonly inner: Quarantine,
    private readonly onPut: (records: readonly QuarantinedRecord[]) => void,
  ) {}
  async put(records: readonly QuarantinedRecord[]): Promise<void> {
    await this.inner.put(records);
    this.onPut(records);
  }
}

/**
 * Buyer-warning requests kept in memory, once per warningId: the local stand-in for the warnings
 * outbox (storage and push delivery are the warnings capability's, not wired locally yet).
 */
export class RecordingWarningOutbox implements WarningOutbox {
  readonly byId = new Map<string, WarningRequest>();
  constructor(private readonly onNew?: (warning: WarningRequest) => void) {}
  async request(warnings: readonly WarningRequest[]): Promise<void> {
    for (const w of warnings) {
      if (this.byId.has(w.warningId)) continue;
      this.byId.set(w.warningId, w);
      this.onNew?.(w);
    }
  }
}
