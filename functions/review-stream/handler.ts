/**
 * The review-stream consumer: validates and quarantines, then hands the valid reviews of the batch to
 * `process` (the review pipeline: fake reviews and credit speculation, shared/app/reviewPipeline.ts).
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
