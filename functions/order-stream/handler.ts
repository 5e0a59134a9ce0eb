/** The order-stream consumer, built by a factory so that Lambda, `npm start` and the replay share it. */
import type { OrderBatchProcessor } from '../../shared/app/orderPipeline';
import { makeKinesisConsumer, type Log } from '../../shared/lambda/kinesisConsumer';
import type { Quarantine } from '../../shared/ports';

export interface OrderStreamHandlerDeps {
  pipeline: OrderBatchProcessor;
  quarantine: Quarantine;
  log?: Log;
}

export function makeOrderStreamHandler(deps: OrderStreamHandlerDeps) {
  return makeKinesisConsumer({
    kind: 'order',
    quarantine: deps.quarantine,
    process: deps.pipeline,
    isolationKey: (event) => event.merchantId,
    ...(deps.log ? { log: deps.log } : {}),
  });
}
