/**
 * Penalty notices on EventBridge: source `riskline.penalties`, one detail-type per step kind and
 * direction (`penalty.warning.applied`, `penalty.trading_suspended.reversed`, `penalty.appeal.decided`,
 * ...), so the platform routes each to publishing and to the merchant with a rule on detail-type.
 * Delivery is at least once: consumers de-duplicate by `detail.noticeId`.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Notice } from '../../domain/penalties/state';
import { DependencyError } from '../../errors';
import type { PenaltyNotices } from '../../ports/penalties';

export const NOTICE_SOURCE = 'riskline.penalties';
/** PutEvents takes at most 10 entries per call. */
const BATCH_SIZE = 10;
const MAX_ATTEMPTS = 4;

export class EventBridgePenaltyNotices implements PenaltyNotices {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    /** First backoff before resending entries EventBridge did not accept, doubled each attempt. */
    private readonly baseDelayMs = 50,
  ) {}

  async publish(notices: readonly Notice[]): Promise<void> {
    for (let i = 0; i < notices.length; i += BATCH_SIZE) await this.putBatch(notices.slice(i, i + BATCH_SIZE).map((n) => this.entry(n)));
  }

  private entry(notice: Notice): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: NOTICE_SOURCE,
      DetailType: notice.detailType,
      Time: new Date(notice.at),
      Resources: [],
      Detail: JSON.stringify({ noticeId: notice.noticeId, at: notice.at, ...notice.detail }),
    };
  }

  /** PutEvents can fail per entry (throttling): those entries are sent again, the others not. */
  private async putBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let result;
      try {
        result = await this.client.send(new PutEventsCommand({ Entries: pending }));
      } catch (error) {
        throw new DependencyError('eventbridge', error instanceof Error ? error.message : String(error), { cause: error });
      }
      if ((result.FailedEntryCount ?? 0) === 0) return;
      const failed = pending.filter((_, i) => result.Entries?.[i]?.ErrorCode !== undefined);
      if (attempt >= MAX_ATTEMPTS) {
        const codes = [...new Set(result.Entries?.map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new DependencyError('eventbridge', `${failed.length} notices not accepted after ${attempt} attempts (${codes})`);
      }
      pending = failed;
      await new Promise((resolve) => setTimeout(resolve, this.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
