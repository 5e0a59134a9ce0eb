/** Composition root of the review-stream Lambda. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamEvent, Context } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoQuarantine } from '../../shared/adapters/dynamodb/quarantine';
import { requireEnv } from '../../shared/lambda/env';
import { TABLES } from '../../shared/resources';
import { makeReviewStreamHandler } from './handler';

const logger = new Logger({ serviceName: 'review-stream' });
const documents = createDocumentClient();

export const handler: (event: KinesisStreamEvent, context: Context) => Promise<unknown> = makeReviewStreamHandler({
  log: logger,
  quarantine: new DynamoQuarantine(documents, requireEnv(TABLES.quarantine.envVar)),
  // Review signals are their own capability; until then valid reviews are accepted and counted.
  process: async (items) => {
    logger.debug('reviews accepted', { count: items.length });
  },
});
