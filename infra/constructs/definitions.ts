/**
 * Tables and streams built from the definitions in shared/resources.ts, one call each, so the cloud
 * and the embedded runtime (dynalite / kinesalite) cannot drift apart on names, keys, indexes or TTL.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import {
  streamName,
  tableName,
  type AttributeType,
  type KeyAttribute,
  type StreamDefinition,
  type TableDefinition,
} from '../../shared/resources';

/** A table together with the definition it was built from: binding it to a function needs nothing else. */
export interface DefinedTable {
  readonly definition: TableDefinition;
  readonly table: dynamodb.ITable;
}

/** A stream together with its definition. */
export interface DefinedStream {
  readonly definition: StreamDefinition;
  readonly stream: kinesis.IStream;
}

const ATTRIBUTE_TYPES: Record<AttributeType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
};

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/**
 * On-demand (bursty, event-driven writes), point-in-time recovery, encrypted with the AWS-managed
 * key (no key policy to maintain; the functions need no kms grant). Retained and deletion-protected:
 * these tables are the record of what was decided and why.
 */
export function tableFromDefinition(scope: Construct, definition: TableDefinition, prefix: string): DefinedTable {
  const table = new dynamodb.Table(scope, `${definition.id}-table`, {
    tableName: tableName(definition, prefix),
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey === undefined ? undefined : attribute(definition.sortKey),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    timeToLiveAttribute: definition.timeToLiveAttribute,
    stream: definition.stream === undefined ? undefined : dynamodb.StreamViewType[definition.stream],
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of definition.globalIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey === undefined ? undefined : attribute(index.sortKey),
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  return { definition, table };
}

/**
 * Provisioned shards (the count is part of the definition: it bounds per-key ordering and cost),
 * encrypted with the AWS-managed `aws/kinesis` key, retained on stack deletion because unconsumed
 * events live only here.
 */
export function streamFromDefinition(scope: Construct, definition: StreamDefinition, prefix: string): DefinedStream {
  const stream = new kinesis.Stream(scope, `${definition.id}-stream`, {
    streamName: streamName(definition, prefix),
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: definition.shardCount,
    retentionPeriod: Duration.hours(definition.retentionHours),
    encryption: kinesis.StreamEncryption.MANAGED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { definition, stream };
}
