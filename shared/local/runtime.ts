/**
 * The local runtime: the project's AWS surface on one laptop, in this process. dynalite and
 * kinesalite on loopback ports, tables and streams provisioned from shared/resources.ts, the stream
 * consumers invoked through the event-source-mapping emulator, and the HTTP functions served by the
 * local API gateway. The handlers and adapters are the ones the Lambda composition roots wire
 * (functions/<name>/index.ts); only the endpoints and the feature store differ.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { join } from 'node:path';
import { makeHealthHandler } from '../../functions/health/handler';
import { makeOrderStreamHandler } from '../../functions/order-stream/handler';
import { makeReviewStreamHandler } from '../../functions/review-stream/handler';
import { makeReportsHandler } from '../../functions/reports/handler';
import { makeRiskScoreHandler } from '../../functions/risk-score/handler';
import { DynamoFlaggedDecisions } from '../adapters/dynamodb/analystReads';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoDecisionLog } from '../adapters/dynamodb/decisionLog';
import { DynamoQuarantine } from '../adapters/dynamodb/quarantine';
import { DynamoReportStore } from '../adapters/dynamodb/reports';
import { DynamoViolationLedger } from '../adapters/dynamodb/violationLedger';
import { createOrderPipeline, type OrderPipeline } from '../app/orderPipeline';
import { createReviewPipeline } from '../app/reviewPipeline';
import { createReportService } from '../app/reports/service';
import { makeRiskScorer } from '../app/riskScore';
import type { StreamEvent } from '../contracts/events';
import type { Thresholds } from '../domain/config/thresholds';
import type { Decision, QuarantinedRecord, Violation, WarningRequest } from '../domain/records';
import { devBuyerAuthenticator, devTokenSecret } from '../http/buyerAuth';
import { devTokenAuthenticator } from '../http/principal';
import { HTTP_ROUTES } from '../http/routes';
import type { Log } from '../lambda/kinesisConsumer';
import type { EventSourceSettings } from '../resources';
import type { ConfigSource, WarningOutbox } from '../ports';
import { localHistory, localLiveConfig, makeLocalAnalystApi } from './analystConsole';
import { localDynamoClient, localKinesisClient } from './clients';
import { startDynalite, startKinesalite, type RunningEmulator } from './emulators';
import { JsonlDeadLetterFile, startEventSourceMapping, type InvocationReport, type KinesisEventSourceMapping } from './esm';
import type { FeatureStoreChoice } from './featureStore';
import { startHttpGateway, type HttpHandler, type RunningGateway } from './httpGateway';
import { ObservedDecisionLog, ObservedQuarantine, ObservedViolationLedger, RecordingWarningOutbox, batchWatermark } from './observed';
import { KinesisProducer } from './producer';
import { localPenalties, type LocalPenalties } from './penalties';
import { createStreams, createTables, type StreamNames, type TableNames } from './provision';
import { startLocalWarnings, type LocalWarnings } from './warnings';
import { PenaltyCaseStanding } from '../app/warnings/merchantStanding';

/** What the run wants to hear about as it happens. */
export interface RuntimeObserver {
  /** Decisions appended, with the event-time watermark of their batch (when the evidence was in). */
  decisions?(decisions: readonly Decision[], watermarkMs: number | undefined): void;
  /** An order batch reached the pipeline: its size and the event time it spans. */
  batch?(records: number, spanMs: number): void;
  /** Violations recorded for the first time, with the event-time watermark of the batch that recorded them. */
  violations?(violations: readonly Violation[], watermarkMs: number | undefined): void;
  /** A buyer warning requested for the first time, with the watermark of the batch that raised it. */
  warning?(warning: WarningRequest, watermarkMs: number | undefined): void;
  quarantined?(records: readonly QuarantinedRecord[]): void;
  reviews?(count: number): void;
  invocation?(report: InvocationReport): void;
  /** A consumer's warning or error log line (dependency failures, retries). */
  log?(level: 'warn' | 'error', message: string, extra: unknown[]): void;
}

export interface LocalRuntimeOptions {
  features: FeatureStoreChoice;
  thresholds: Thresholds;
  /** Where the on-failure destination (dead-letter JSONL) is written. */
  outDir: string;
  observer?: RuntimeObserver;
  /** Overrides of EVENT_SOURCE_DEFAULTS for the local mappings. */
  eventSource?: Partial<EventSourceSettings>;
  /** The gateway's port (0: any free one). */
  httpPort?: number;
}

export interface LocalRuntime {
  endpoints: { dynamodb: string; kinesis: string; http: string; webSocket: string; buyerPage: string };
  tables: TableNames;
  streams: StreamNames;
  deadLetters: JsonlDeadLetterFile;
  mappings: { orders: KinesisEventSourceMapping; reviews: KinesisEventSourceMapping };
  /** The order pipeline the order-stream handler runs (for settling at the end of the traffic). */
  pipeline: OrderPipeline;
  warnings: RecordingWarningOutbox;
  /** Buyer warnings: stored, the buyer API and page, live over the local WebSocket API. */
  buyerWarnings: LocalWarnings;
  /** The penalty workflow (cases, approvals, audit on dynalite) the order pipeline feeds. */
  penalties: LocalPenalties;
  /** The HTTP API's functions by functionId, as the gateway serves them. */
  httpHandlers: Record<string, HttpHandler>;
  /** Puts events on the streams (PutRecords; partition key merchantId / skuId). */
  put(events: readonly StreamEvent[]): Promise<void>;
  /** Records put so far, and records the consumers are done with (processed or dead-lettered). */
  progress(): { put: number; done: number };
  /** Resolves when both consumers have handled everything put so far. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const observer = options.observer ?? {};
  const features = options.features.store;
  const emulators: RunningEmulator[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const [dynamo, kinesisEmulator] = await Promise.all([startDynalite(), startKinesalite()]);
    emulators.push(dynamo, kinesisEmulator);
    const dynamoClient: DynamoDBClient = localDynamoClient(dynamo.endpoint);
    const documents: DynamoDBDocumentClient = createDocumentClient({ endpoint: dynamo.endpoint });
    const kinesis: KinesisClient = localKinesisClient(kinesisEmulator.endpoint);
    closers.push(() => dynamoClient.destroy(), () => documents.destroy(), () => kinesis.destroy());
    const [tables, streams] = await Promise.all([createTables(dynamoClient), createStreams(kinesis)]);

    // The analysts' live thresholds, suppressions and shadow candidate, read as the Lambdas read them (shared/local/analystConsole.ts).
    const { config, shadow } = localLiveConfig(documents, tables, options.thresholds);
    const log: Log = {
      info: () => {},
      warn: (message, ...extra) => observer.log?.('warn', message, extra),
      error: (message, ...extra) => observer.log?.('error', message, extra),
    };

    // The order-stream function, wired as functions/order-stream/index.ts wires it, on dynalite.
    const quarantine = new ObservedQuarantine(new DynamoQuarantine(documents, tables.quarantine), (r) => observer.quarantined?.(r));
    const warnings = new RecordingWarningOutbox((w) => observer.warning?.(w, batchWatermark.getStore()));
    const penalties = localPenalties(documents, tables, config);
    // Buyer warnings as the warnings functions wire them (shared/local/warnings.ts); merchant standing from the penalty cases.
    // The buyer page serves the reports function's buyer routes too; that function needs the warning
    // service made here, so the page gets it through this forwarder, set once the HTTP functions exist.
    const late: { reports?: HttpHandler } = {};
    const forwardReports: HttpHandler = (event, context) => (late.reports ?? notWired('reports'))(event, context);
    const buyerWarnings = await startLocalWarnings({ documents, tables, config, standing: new PenaltyCaseStanding(penalties.cases), log, reports: forwardReports });
    closers.unshift(() => buyerWarnings.stop());
    const pipelineWarnings: WarningOutbox = { request: async (ws) => Promise.all([warnings.request(ws), buyerWarnings.service.request(ws)]).then(() => {}) };
    const violations = new ObservedViolationLedger(new DynamoViolationLedger(documents, tables.violations), (v, w) => observer.violations?.(v, w));
    const pipeline = createOrderPipeline({
      features,
      violations,
      decisions: new ObservedDecisionLog(new DynamoDecisionLog(documents, tables.decisions), (d) => observer.decisions?.(d, batchWatermark.getStore())),
      config,
      suppressions: config,
      shadow,
      warnings: pipelineWarnings,
      buyerWarnings: buyerWarnings.sources,
      penalties: penalties.workflow,
      identities: penalties.buyerLinks,
    });
    const orderStream = makeOrderStreamHandler({
      log,
      quarantine,
      // The batch's latest event time travels with it, so a violation it records knows when it was found.
      pipeline: (items) => {
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (const i of items) {
          min = Math.min(min, i.occurredAtMs);
          max = Math.max(max, i.occurredAtMs);
        }
        if (items.length > 0) observer.batch?.(items.length, max - min);
        return batchWatermark.run(max, () => pipeline(items));
      },
    });
    // The review-stream function, wired as functions/review-stream/index.ts wires it.
    const reviewPipeline = createReviewPipeline({ features, violations, config, warnings: pipelineWarnings, penalties: penalties.workflow });
    const reviewStream = makeReviewStreamHandler({
      log,
      quarantine,
      process: async (items) => {
        observer.reviews?.(items.length);
        return batchWatermark.run(
          items.reduce((max, i) => Math.max(max, i.occurredAtMs), Number.NEGATIVE_INFINITY),
          () => reviewPipeline(items),
        );
      },
    });

    const deadLetters = new JsonlDeadLetterFile(join(options.outDir, 'dead-letter.jsonl'));
    const mapping = (streamName: string, functionName: string, handler: Parameters<typeof startEventSourceMapping>[0]['handler']) =>
      startEventSourceMapping({
        client: kinesis,
        streamName,
        functionName,
        handler,
        onFailure: deadLetters,
        ...(options.eventSource ? { settings: options.eventSource } : {}),
        idlePollMs: 100,
        onInvoke: (report) => observer.invocation?.(report),
        onPollError: (error, shardId) => observer.log?.('warn', `reading ${streamName} ${shardId} failed; retrying`, [error]),
      });
    const mappings = {
      orders: await mapping(streams.orders, 'riskline-order-stream', orderStream),
      reviews: await mapping(streams.reviews, 'riskline-review-stream', reviewStream),
    };
    closers.unshift(() => mappings.orders.stop(), () => mappings.reviews.stop());

    const httpHandlers = {
      ...httpFunctions({ features: options.features, thresholds: options.thresholds, config, documents, dynamoClient, kinesis, tables, streams, penalties, buyerWarnings: buyerWarnings.service, outDir: options.outDir }),
      ...buyerWarnings.httpHandlers,
    };
    late.reports = httpHandlers.reports;
    const gateway: RunningGateway = await startHttpGateway({
      routes: HTTP_ROUTES,
      handlers: httpHandlers,
      ...(options.httpPort !== undefined ? { port: options.httpPort } : {}),
    });
    closers.unshift(() => gateway.close());

    const producer = new KinesisProducer(kinesis, streams);
    return {
      endpoints: { dynamodb: dynamo.endpoint, kinesis: kinesisEmulator.endpoint, http: gateway.url, ...buyerWarnings.endpoints },
      tables,
      streams,
      deadLetters,
      mappings,
      pipeline,
      warnings,
      buyerWarnings,
      penalties,
      httpHandlers,
      put: (events) => producer.put(events),
      progress: () => ({ put: producer.records, done: mappings.orders.stats.records + mappings.reviews.stats.records }),
      drain: async () => {
        await Promise.all([mappings.orders.drain(), mappings.reviews.drain()]);
      },
      stop: () => shutdown(closers, emulators),
    };
  } catch (error) {
    await shutdown(closers, emulators).catch(() => {});
    throw error;
  }
}

async function shutdown(closers: (() => Promise<void> | void)[], emulators: RunningEmulator[]): Promise<void> {
  for (const close of closers.splice(0)) await close();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
}

interface HttpDeps {
  features: FeatureStoreChoice;
  thresholds: Thresholds;
  config: ConfigSource;
  documents: DynamoDBDocumentClient;
  dynamoClient: DynamoDBClient;
  kinesis: KinesisClient;
  tables: TableNames;
  streams: StreamNames;
  penalties: LocalPenalties;
  /** The buyer warnings' service: a report's outcome reaches the buyer through it (stored and pushed live). */
  buyerWarnings: WarningOutbox;
  outDir: string;
}

/**
 * The HTTP functions of the route table, wired as their composition roots wire them. A route whose
 * function is not wired here yet answers 501 and says so, rather than keeping the runtime from starting.
 */
function httpFunctions(deps: HttpDeps): Record<string, HttpHandler> {
  const wired: Record<string, HttpHandler> = {
    health: makeHealthHandler({
      service: 'riskline',
      version: `local (${deps.thresholds.version})`,
      checks: {
        dynamodb: async () => {
          await deps.dynamoClient.send(new DescribeTableCommand({ TableName: deps.tables.decisions }));
        },
        kinesis: async () => {
          await deps.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: deps.streams.orders }));
        },
        [deps.features.kind === 'redis' ? 'redis' : 'features']: async () => {
          await deps.features.store.processed.unprocessed(['health-probe']);
        },
      },
    }),
    'penalty-api': deps.penalties.api,
    'analyst-api': makeLocalAnalystApi({
      documents: deps.documents,
      tables: deps.tables,
      seed: deps.thresholds,
      velocity: deps.features.store.sets,
      ...localHistory(deps.outDir),
    }),
    // Buyer reports as functions/reports/index.ts wires them; an upheld report reaches the local penalty workflow.
    reports: makeReportsHandler({
      authenticate: devTokenAuthenticator,
      authenticateBuyer: devBuyerAuthenticator(devTokenSecret()),
      reports: createReportService({
        store: new DynamoReportStore(deps.documents, deps.tables.reports),
        config: deps.config,
        violations: new DynamoViolationLedger(deps.documents, deps.tables.violations),
        penalties: deps.penalties.workflow,
        warnings: deps.buyerWarnings,
        orders: new DynamoFlaggedDecisions(deps.documents, deps.tables.decisions),
      }),
    }),
    'risk-score': makeRiskScoreHandler({
      idempotency: deps.features.idempotency,
      idempotencyTtlSeconds: deps.thresholds.riskScore.idempotencyTtlSeconds,
      score: makeRiskScorer({
        features: deps.features.store,
        config: deps.config,
        decisions: new DynamoDecisionLog(deps.documents, deps.tables.decisions),
      }),
    }),
  };
  const handlers: Record<string, HttpHandler> = {};
  for (const route of HTTP_ROUTES) handlers[route.functionId] = wired[route.functionId] ?? notWired(route.functionId);
  return handlers;
}

function notWired(functionId: string): HttpHandler {
  return async (_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 501,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `function ${functionId} is not wired in the local runtime yet (shared/local/runtime.ts)` }),
  });
}
