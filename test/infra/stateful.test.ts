import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_STORE_PORT } from '../../infra/stacks/stateful';
import { featureStoreAccessString, STREAMS, TABLES, streamName, tableName, type KeyAttribute, type TableDefinition } from '../../shared/resources';
import { logicalIdOf, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
});

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): unknown[] {
  const schema: unknown[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  if (sortKey !== undefined) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' });
  return schema;
}

/** Every key attribute of the table and its indexes, as CloudFormation AttributeDefinitions. */
function attributeDefinitions(def: TableDefinition): unknown[] {
  const keys = [def.partitionKey, def.sortKey, ...(def.globalIndexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
  const byName = new Map<string, string>();
  for (const key of keys) if (key !== undefined) byName.set(key.name, key.type);
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

describe('tables built from shared/resources.ts', () => {
  const definitions: TableDefinition[] = Object.values(TABLES);

  it('creates exactly one table per definition', () => {
    riskline.statefulTemplate.resourceCountIs('AWS::DynamoDB::Table', definitions.length);
  });

  it.each(definitions.map((def) => [def.id, def] as const))('%s: name, keys, indexes and TTL equal the definition', (_id, def) => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(def),
      KeySchema: keySchema(def.partitionKey, def.sortKey),
      AttributeDefinitions: Match.arrayEquals(attributeDefinitions(def)),
      GlobalSecondaryIndexes:
        def.globalIndexes === undefined
          ? Match.absent()
          : def.globalIndexes.map((index) => ({
              IndexName: index.indexName,
              KeySchema: keySchema(index.partitionKey, index.sortKey),
              Projection: { ProjectionType: 'ALL' },
            })),
      TimeToLiveSpecification:
        def.timeToLiveAttribute === undefined ? Match.absent() : { AttributeName: def.timeToLiveAttribute, Enabled: true },
    });
  });

  it.each(definitions.map((def) => [def.id, def] as const))('%s: on-demand, point-in-time recovery, encrypted, retained', (_id, def) => {
    riskline.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        TableName: tableName(def),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('honours the prefix from context in every physical name', () => {
    const prefixed = synthesizeRiskline({ context: { 'riskline:prefix': 'rl-test' }, cloudFormationValidation: false });

    for (const def of definitions) {
      prefixed.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', { TableName: tableName(def, 'rl-test') });
    }
    for (const def of Object.values(STREAMS)) {
      prefixed.statefulTemplate.hasResourceProperties('AWS::Kinesis::Stream', { Name: streamName(def, 'rl-test') });
    }
  });
});

describe('streams', () => {
  it('creates one provisioned stream per definition, with its shards and retention', () => {
    riskline.statefulTemplate.resourceCountIs('AWS::Kinesis::Stream', Object.keys(STREAMS).length);
    for (const def of Object.values(STREAMS)) {
      riskline.statefulTemplate.hasResourceProperties('AWS::Kinesis::Stream', {
        Name: streamName(def),
        ShardCount: def.shardCount,
        RetentionPeriodHours: def.retentionHours,
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      });
    }
  });

  it('encrypts every stream with the AWS-managed Kinesis key', () => {
    const streams = Object.values(riskline.statefulTemplate.findResources('AWS::Kinesis::Stream'));

    expect(streams).toHaveLength(Object.keys(STREAMS).length);
    for (const stream of streams) {
      expect(stream.Properties.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
    }
  });
});

describe('feature store', () => {
  it('is a Multi-AZ Valkey group with TLS required and encryption at rest, inside the VPC', () => {
    riskline.statefulTemplate.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    riskline.statefulTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      Port: FEATURE_STORE_PORT,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
      CacheSubnetGroupName: { Ref: Match.anyValue() },
      SecurityGroupIds: [Match.anyValue()],
    });
  });

  it('admits only its users, who sign in with IAM: one user for the functions, confined to the store’s keys', () => {
    const users = Object.entries(riskline.statefulTemplate.findResources('AWS::ElastiCache::User'));
    expect(users).toHaveLength(1);
    const [userLogicalId, user] = users[0]!;
    expect(user.Properties).toMatchObject({ Engine: 'valkey', AuthenticationMode: { Type: 'iam' }, AccessString: featureStoreAccessString() });
    expect(user.Properties.UserName).toBe(user.Properties.UserId); // IAM authentication requires it

    const groups = Object.entries(riskline.statefulTemplate.findResources('AWS::ElastiCache::UserGroup'));
    expect(groups).toHaveLength(1);
    const [groupLogicalId, group] = groups[0]!;
    expect(group.Properties).toMatchObject({ Engine: 'valkey', UserIds: [user.Properties.UserId] });
    expect(group.DependsOn).toContain(userLogicalId);
    riskline.statefulTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { UserGroupIds: [{ Ref: groupLogicalId }] });
  });

  it('never evicts: its parameter group sets maxmemory-policy noeviction', () => {
    const groups = riskline.statefulTemplate.findResources('AWS::ElastiCache::ParameterGroup');
    const [id, group] = Object.entries(groups)[0] ?? [];
    expect(Object.keys(groups)).toHaveLength(1);
    expect(group?.Properties).toMatchObject({ CacheParameterGroupFamily: 'valkey8', Properties: { 'maxmemory-policy': 'noeviction' } });
    riskline.statefulTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheParameterGroupName: { Ref: id } });
  });

  it('admits only the functions security group, on the feature store port', () => {
    const ingress = Object.values(riskline.statefulTemplate.findResources('AWS::EC2::SecurityGroupIngress'));
    const functionSecurityGroup = logicalIdOf(riskline.stateful.functionSecurityGroup);

    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: FEATURE_STORE_PORT,
      ToPort: FEATURE_STORE_PORT,
      SourceSecurityGroupId: { 'Fn::GetAtt': [functionSecurityGroup, 'GroupId'] },
    });
  });
});

describe('network', () => {
  it('has no NAT gateway and reaches DynamoDB through a gateway endpoint', () => {
    riskline.statefulTemplate.resourceCountIs('AWS::EC2::NatGateway', 0);
    riskline.statefulTemplate.resourceCountIs('AWS::EC2::InternetGateway', 0);
    const endpoints = Object.values(riskline.statefulTemplate.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }));

    expect(endpoints.map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName))).toEqual([expect.stringContaining('.dynamodb')]);
  });

  it('logs rejected flows', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});

describe('consumer dead-letter queue', () => {
  it('is encrypted and keeps messages for 14 days', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('denies requests without TLS', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalIdOf(riskline.stateful.consumerDeadLetterQueue) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
