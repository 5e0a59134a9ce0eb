/**
 * The review-stream consumer. For now it validates and quarantines; review signals (fake reviews,
 * credit speculation) are their own capability and plug in as `process`.
 */
import type { ReviewEvent } from '../../shared/contracts/events';
import { makeKinesisConsumer, type Log, type Timed } from '../../shared/lambda/kinesisConsumer';
import type { Quarantine } from '../../shared/ports';

export interface ReviewStreamHandlerDeps {
  process: (items: Timed<ReviewEvent>[]) => Promise<unknown>;
  quarantine: Quarantine;
  log?: Log;
}

export function makeReviewStreamHandler(deps: ReviewStreamHandlerDeps) {
  return makeKinesisConsumer({
    kind: 'review',
    quarantine: deps.quarantine,
    process: deps.process,
    isolationKey: (event) => event.merchantId,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
