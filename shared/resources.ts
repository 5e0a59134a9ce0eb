/**
 * The one definition of the project's streams and tables: keys, indexes, TTL attributes and names.
 * The CDK stacks (infra/) and the embedded runtime (dynalite / kinesalite) both build from this, so
 * local and cloud cannot drift.
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}-${id}` (see tableName). */
  id: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalIndexes?: IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  timeToLiveAttribute?: string;
  /** A change stream (DynamoDB Streams) with both images, for a function that reacts to writes. */
  stream?: 'NEW_AND_OLD_IMAGES';
  /** Environment variable through which functions receive the physical name. */
  envVar: string;
}

export interface StreamDefinition {
  id: string;
  shardCount: number;
  retentionHours: number;
  envVar: string;
}

export const TABLES = {
  violations: {
    id: 'violations',
    partitionKey: { name: 'merchantId', type: 'S' },
    sortKey: { name: 'violationId', type: 'S' },
    globalIndexes: [{ indexName: 'byType', partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'occurredAt', type: 'S' } }],
    envVar: 'VIOLATIONS_TABLE',
  },
  decisions: {
    id: 'decisions',
    partitionKey: { name: 'eventId', type: 'S' },
    globalIndexes: [
      { indexName: 'byOrder', partitionKey: { name: 'orderId', type: 'S' }, sortKey: { name: 'occurredAt', type: 'S' } },
      // Sparse: only review and block decisions carry flaggedDay (the analysts' "recent decisions").
      { indexName: 'flaggedByDay', partitionKey: { name: 'flaggedDay', type: 'S' }, sortKey: { name: 'occurredAt', type: 'S' } },
    ],
    timeToLiveAttribute: 'expiresAt',
    envVar: 'DECISIONS_TABLE',
  },
  quarantine: {
    id: 'quarantine',
    partitionKey: { name: 'source', type: 'S' },
    sortKey: { name: 'sequenceNumber', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    envVar: 'QUARANTINE_TABLE',
  },
  /** One penalty case per merchant (state, version, outbox); the sparse byBlacklist index lists blacklisted ones. */
  penaltyCases: {
    id: 'penalty-cases',
    partitionKey: { name: 'merchantId', type: 'S' },
    globalIndexes: [{ indexName: 'byBlacklist', partitionKey: { name: 'blacklist', type: 'S' }, sortKey: { name: 'merchantId', type: 'S' } }],
    envVar: 'PENALTY_CASES_TABLE',
  },
  /** Severe steps waiting for an analyst, with the workflow's task token. */
  penaltyApprovals: {
    id: 'penalty-approvals',
    partitionKey: { name: 'approvalId', type: 'S' },
    globalIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'requestedAt', type: 'S' } }],
    envVar: 'PENALTY_APPROVALS_TABLE',
  },
  /** Append-only audit trail of every penalty transition (who, when, why). */
  penaltyAudit: {
    id: 'penalty-audit',
    partitionKey: { name: 'merchantId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    envVar: 'PENALTY_AUDIT_TABLE',
  },
  /** The merchant registry: each merchant's own accounts, devices, instruments and addresses (`kind#value`). */
  merchantIdentities: {
    id: 'merchant-identities',
    partitionKey: { name: 'merchantId', type: 'S' },
    sortKey: { name: 'identity', type: 'S' },
    envVar: 'MERCHANT_IDENTITIES_TABLE',
  },
  /** Devices, instruments and addresses each buyer was seen using (`kind#value`), for attribution. */
  buyerLinks: {
    id: 'buyer-identity-links',
    partitionKey: { name: 'buyerId', type: 'S' },
    sortKey: { name: 'identity', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    envVar: 'BUYER_LINKS_TABLE',
  },
  /**
   * Buyer warnings, one partition per buyer, one item per warningId (plus the buyer's rate-limit
   * counters). The sparse byBuyer index lists the visible ones by `listKey`: unread first, newest
   * first. Its stream drives the live push to the buyer's WebSocket connections.
   */
  warnings: {
    id: 'buyer-warnings',
    partitionKey: { name: 'buyerId', type: 'S' },
    sortKey: { name: 'warningId', type: 'S' },
    globalIndexes: [{ indexName: 'byBuyer', partitionKey: { name: 'buyerId', type: 'S' }, sortKey: { name: 'listKey', type: 'S' } }],
    timeToLiveAttribute: 'expiresAt',
    stream: 'NEW_AND_OLD_IMAGES',
    envVar: 'WARNINGS_TABLE',
  },
  /** Buyers' open WebSocket connections (API Gateway connectionIds), expiring after API Gateway's 2-hour maximum. */
  warningConnections: {
    id: 'warning-connections',
    partitionKey: { name: 'buyerId', type: 'S' },
    sortKey: { name: 'connectionId', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    envVar: 'WARNING_CONNECTIONS_TABLE',
  },
  /**
   * The analysts' configuration, keyed (kind, id): thresholds versions (`version`, by version id), the
   * live and shadow pointers and the version counter (`pointer`), and suppressions (`suppression`).
   */
  configVersions: {
    id: 'config-versions',
    partitionKey: { name: 'kind', type: 'S' },
    sortKey: { name: 'id', type: 'S' },
    envVar: 'CONFIG_VERSIONS_TABLE',
  },
  /** Append-only audit log of analyst changes (who, when, the diff), keyed (log, `<at>#<suffix>`). */
  configAudit: {
    id: 'config-audit',
    partitionKey: { name: 'log', type: 'S' },
    sortKey: { name: 'entryId', type: 'S' },
    envVar: 'CONFIG_AUDIT_TABLE',
  },
  /** Shadow mode's disagreements and summary per candidate version (`summary`, `d#<occurredAt>#<eventId>`, `v#<violationId>`). */
  shadowResults: {
    id: 'shadow-results',
    partitionKey: { name: 'candidateVersion', type: 'S' },
    sortKey: { name: 'key', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    envVar: 'SHADOW_RESULTS_TABLE',
  },
  /** Backtest jobs and their reports; a new job's stream record starts the backtest worker. */
  backtests: {
    id: 'backtests',
    partitionKey: { name: 'backtestId', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
    stream: 'NEW_AND_OLD_IMAGES',
    envVar: 'BACKTESTS_TABLE',
  },
  /**
   * Buyer reports (投诉与举报), one item per reportId. The sparse `openQueue` index lists open reports
   * by due time (`queue` is set while open, removed by the decision); byBuyer and byMerchant list
   * a buyer's and a merchant's reports by filing time.
   */
  reports: {
    id: 'buyer-reports',
    partitionKey: { name: 'reportId', type: 'S' },
    globalIndexes: [
      { indexName: 'openQueue', partitionKey: { name: 'queue', type: 'S' }, sortKey: { name: 'dueAtMs', type: 'N' } },
      { indexName: 'byBuyer', partitionKey: { name: 'buyerId', type: 'S' }, sortKey: { name: 'filedAtMs', type: 'N' } },
      { indexName: 'byMerchant', partitionKey: { name: 'merchantId', type: 'S' }, sortKey: { name: 'filedAtMs', type: 'N' } },
    ],
    envVar: 'REPORTS_TABLE',
  },
} as const satisfies Record<string, TableDefinition>;

export const STREAMS = {
  orders: { id: 'orders', shardCount: 2, retentionHours: 168, envVar: 'ORDERS_STREAM' },
  reviews: { id: 'reviews', shardCount: 1, retentionHours: 168, envVar: 'REVIEWS_STREAM' },
} as const satisfies Record<string, StreamDefinition>;

export const DEFAULT_PREFIX = 'riskline';

export function tableName(def: TableDefinition, prefix = DEFAULT_PREFIX): string {
  return `${prefix}-${def.id}`;
}

export function streamName(def: StreamDefinition, prefix = DEFAULT_PREFIX): string {
  return `${prefix}-${def.id}`;
}

/**
 * How Lambda reads the streams: the CDK event source mappings and the local emulator
 * (shared/local/esm.ts) both take these, so a batch behaves the same on a laptop and in AWS.
 * Partial batch responses are always on: the consumers answer with batchItemFailures.
 */
export interface EventSourceSettings {
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Records per invocation at most. */
  batchSize: number;
  /** How long to gather records before invoking with a batch that is not full. */
  maxBatchingWindowMs: number;
  /** Retries of a failing batch (splits by bisectBatchOnError do not count), then the on-failure destination. */
  retryAttempts: number;
  /** Records older than this (since they reached the stream) go to the on-failure destination unprocessed. */
  maxRecordAgeSeconds: number;
  /** On a thrown error, split the batch in halves and retry each. */
  bisectBatchOnError: boolean;
  reportBatchItemFailures: true;
  parallelizationFactor: number;
}

export const EVENT_SOURCE_DEFAULTS = {
  startingPosition: 'TRIM_HORIZON',
  batchSize: 500,
  maxBatchingWindowMs: 1_000,
  retryAttempts: 5,
  maxRecordAgeSeconds: 86_400,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  parallelizationFactor: 1,
} as const satisfies EventSourceSettings;

/** The penalty workflow's Step Functions state machine and EventBridge bus (names derive from the prefix). */
export const PENALTY_WORKFLOW = {
  stateMachineId: 'penalty-workflow',
  eventBusId: 'penalties',
  /** Environment variables through which functions receive the state machine's ARN and the bus's name. */
  stateMachineArnEnvVar: 'PENALTY_STATE_MACHINE_ARN',
  eventBusEnvVar: 'PENALTY_EVENT_BUS',
} as const;

export function penaltyStateMachineName(prefix = DEFAULT_PREFIX): string {
  return `${prefix}-${PENALTY_WORKFLOW.stateMachineId}`;
}

export function penaltyEventBusName(prefix = DEFAULT_PREFIX): string {
  return `${prefix}-${PENALTY_WORKFLOW.eventBusId}`;
}

/**
 * The streams' archive (Kinesis Data Firehose to S3): every record of each stream, newline-delimited
 * JSON, gzipped, under `<stream id>/YYYY/MM/DD/HH/` (the hour Firehose received it, UTC). Backtests
 * read history from here in AWS; locally from the JSONL `npm start` writes.
 */
export const STREAM_ARCHIVE = {
  bucketEnvVar: 'ARCHIVE_BUCKET',
  /** Firehose's buffer: records reach S3 at most this long after they reached the stream. */
  bufferSeconds: 300,
  prefixOf: (stream: StreamDefinition): string => `${stream.id}/`,
  /** Bucket names are global: the account and region make this one unique. */
  bucketName: (prefix: string, account: string, region: string): string => `${prefix}-stream-archive-${account}-${region}`,
} as const;

/** The backtest worker (functions/backtest-worker): Lambda's longest timeout, which its replays stop short of. */
/** The scheduled reports SLA check: how often it runs and the metrics it publishes (CloudWatch, through EMF). */
export const REPORTS_SLA = {
  service: 'reports-sla',
  namespace: 'Riskline',
  everyMinutes: 15,
  metrics: { open: 'OpenReports', overdue: 'OverdueReports', escalated: 'EscalatedReports', oldestOpenHours: 'OldestOpenReportHours' },
} as const;

export const BACKTEST_WORKER = {
  timeoutMinutes: 15,
} as const;

/** The analysts' console: environment through which the analyst API tells the page how to sign people in. */
export const ANALYST_CONSOLE = {
  /** Base URL of the Cognito hosted sign-in. */
  loginDomainEnvVar: 'CONSOLE_LOGIN_DOMAIN',
  /** The console's user pool app client. */
  clientIdEnvVar: 'CONSOLE_CLIENT_ID',
} as const;

/**
 * The feature store (ElastiCache for Valkey in AWS, any Redis locally). In AWS the functions sign in
 * as one ElastiCache user with IAM authentication: no password exists anywhere, and the user's ACL
 * lets it touch only the store's own keys.
 */
export const FEATURE_STORE = {
  /** Every key the adapters write starts with `${keyPrefix}:` (the adapters' default prefix). */
  keyPrefix: 'rl',
  /** `redis://` or `rediss://` URL of the primary. */
  urlEnvVar: 'REDIS_URL',
  /** The ElastiCache user (user id = user name) to authenticate as with IAM; unset: no AUTH (local). */
  iamUserEnvVar: 'REDIS_IAM_USER',
  /** The replication group id, which IAM auth tokens are signed for. */
  cacheNameEnvVar: 'REDIS_CACHE_NAME',
} as const;

/**
 * The functions' ACL on the store: their own keys only (`~<prefix>:*`), every command but the
 * dangerous ones (FLUSHALL, KEYS, CONFIG, DEBUG, ...), plus INFO for the client's ready check.
 * The integration suite runs the order pipeline under exactly this ACL on a real server.
 */
export function featureStoreAccessString(keyPrefix: string = FEATURE_STORE.keyPrefix): string {
  return `on ~${keyPrefix}:* +@all -@dangerous +info`;
}
