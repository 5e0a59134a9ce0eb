/** Composition root of the backtest worker Lambda: jobs from the backtests table's stream, history from the Firehose archive in S3. */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { tmpdir } from 'node:os';
import { DynamoBacktestJobs } from '../../shared/adapters/dynamodb/backtestJobs';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoConfigStore } from '../../shared/adapters/dynamodb/configStore';
import { S3ArchiveHistorySource } from '../../shared/adapters/s3/archiveHistory';
import { requireEnv } from '../../shared/lambda/env';
import { STREAM_ARCHIVE, STREAMS, TABLES } from '../../shared/resources';
import { makeBacktestWorker } from './handler';

const logger = new Logger({ serviceName: 'backtest-worker' });
const documents = createDocumentClient();

const worker = makeBacktestWorker({
  log: logger,
  jobs: new DynamoBacktestJobs(documents, requireEnv(TABLES.backtests.envVar)),
  versions: new DynamoConfigStore(documents, requireEnv(TABLES.configVersions.envVar)),
  history: new S3ArchiveHistorySource(new S3Client({}), {
    bucket: requireEnv(STREAM_ARCHIVE.bucketEnvVar),
    prefixes: Object.values(STREAMS).map(STREAM_ARCHIVE.prefixOf),
  }),
  workDir: tmpdir(),
});

export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<void> = worker.handler;
