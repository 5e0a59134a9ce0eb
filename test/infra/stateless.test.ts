import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RiskFunction } from '../../infra/constructs/riskFunction';
import type { StreamId, TableId } from '../../infra/stacks/stateful';
import { TABLES } from '../../shared/resources';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
});

interface Consumer {
  name: string;
  function: () => RiskFunction;
  stream: StreamId;
  tables: TableId[];
  /** Tables it uses beyond inserting, with exactly the actions granted on each (table ARN only, no index). */
  uses?: { table: TableId; actions: string[] }[];
  redis: boolean;
}

const CONSUMERS: Consumer[] = [
  {
    name: 'order-stream',
    function: () => riskline.stateless.orderStream,
    stream: 'orders',
    tables: ['violations', 'decisions', 'quarantine', 'buyerLinks'],
    // Buyer warnings (de-duplication, rate limit, withdrawal) and the merchant standing they read.
    uses: [
      { table: 'warnings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
      { table: 'penaltyCases', actions: ['dynamodb:GetItem'] },
      // The analysts' live config (cached) and shadow mode's disagreements (test/infra/analysts.test.ts).
      { table: 'configVersions', actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
      { table: 'shadowResults', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    ],
    redis: true,
  },
  {
    name: 'review-stream',
    function: () => riskline.stateless.reviewStream,
    stream: 'reviews',
    tables: ['violations', 'quarantine'],
    uses: [
      { table: 'warnings', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
      { table: 'configVersions', actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
    ],
    redis: true,
  },
];

type Resource = { Properties: Record<string, unknown>; [key: string]: unknown };

function functionResource(consumer: Consumer): Resource {
  const resources = riskline.statelessTemplate.findResources('AWS::Lambda::Function');
  const found = resources[logicalIdOf(consumer.function().function)];
  if (found === undefined) throw new Error(`no function for ${consumer.name}`);
  return found as Resource;
}

function eventSourceMappingOf(consumer: Consumer): Resource {
  const mappings = Object.values(
    riskline.statelessTemplate.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: logicalIdOf(consumer.function().function) } },
    }),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0] as Resource;
}

/** All statements of the IAM policies and inline role policies attached to the consumer's role. */
function statementsOf(consumer: Consumer): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const role = consumer.function().function.role;
  if (role === undefined) throw new Error(`${consumer.name} has no role`);
  const roleId = logicalIdOf(role);
  const policies = Object.values(
    riskline.statelessTemplate.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
  ).map((policy) => (policy.Properties as { PolicyDocument: unknown }).PolicyDocument);
  const roleResource = riskline.statelessTemplate.findResources('AWS::IAM::Role')[roleId] as Resource;
  const inline = ((roleResource.Properties.Policies ?? []) as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument);
  return [...policies, ...inline].flatMap((document) => (document as { Statement: never[] }).Statement);
}

/**
 * Other event source mappings: the buyer-warnings push on the warnings table's stream (test/infra/warnings.test.ts)
 * and the backtest worker on the backtests table's stream (test/infra/analysts.test.ts).
 */
const OTHER_MAPPINGS = 2;

describe('stream consumers', () => {
  it('has exactly one event source mapping per consumer', () => {
    riskline.statelessTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', CONSUMERS.length + OTHER_MAPPINGS);
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s: partial batch failures, bisection, bounded retries, on-failure queue', (_name, consumer) => {
    const mapping = eventSourceMappingOf(consumer);
    const deadLetterQueue = logicalIdOf(riskline.stateful.consumerDeadLetterQueue);
    const stream = logicalIdOf(riskline.stateful.streams[consumer.stream].stream);

    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 24 * 3600,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
    });
    expect(refersTo(mapping.Properties.EventSourceArn, stream)).toBe(true);
    expect(refersTo((mapping.Properties.DestinationConfig as { OnFailure: unknown }).OnFailure, deadLetterQueue)).toBe(true);
  });

  it('sets the failure handling on every mapping in the stack', () => {
    riskline.statelessTemplate.resourcePropertiesCountIs(
      'AWS::Lambda::EventSourceMapping',
      {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: Match.anyValue(),
        MaximumRecordAgeInSeconds: Match.anyValue(),
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      },
      CONSUMERS.length + OTHER_MAPPINGS,
    );
  });
});

/** Every function of the stack in the VPC: the stream consumers and one per HTTP functionId. */
const allFunctions = () => CONSUMERS.length + Object.keys(riskline.stateless.httpApi.functions).length;
/**
 * Outside the VPC: the buyer-warnings WebSocket functions (authorizer, routes, push; test/infra/warnings.test.ts), the
 * backtest worker (S3 and DynamoDB only; test/infra/analysts.test.ts) and the reports SLA check (DynamoDB only).
 */
const outsideVpc = () =>
  [
    riskline.stateless.buyerWarnings.authorizer,
    riskline.stateless.buyerWarnings.socket,
    riskline.stateless.buyerWarnings.push,
    riskline.stateless.backtestWorker,
    riskline.stateless.reportsSla,
  ].length;
/** Functions aws-cdk-lib provides: the console's BucketDeployment handler (test/infra/analysts.test.ts). */
const CDK_PROVIDED = 1;

describe('functions', () => {
  it('are all arm64 Node.js 22 with active tracing and source maps, in the VPC but for the WebSocket ones', () => {
    const defaults = {
      Architectures: ['arm64'],
      Runtime: 'nodejs22.x',
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      LoggingConfig: { LogGroup: Match.anyValue() },
    };
    riskline.statelessTemplate.resourceCountIs('AWS::Lambda::Function', allFunctions() + outsideVpc() + CDK_PROVIDED);
    riskline.statelessTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', defaults, allFunctions() + outsideVpc());
    riskline.statelessTemplate.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { ...defaults, VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [Match.anyValue()] } },
      allFunctions(),
    );
  });

  it('keep logs for one month (each function, and the HTTP and WebSocket APIs\' access logs)', () => {
    riskline.statelessTemplate.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, allFunctions() + outsideVpc() + 2);
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s: receives exactly its tables through their env vars', (_name, consumer) => {
    const variables = (functionResource(consumer).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const tableVars: string[] = Object.values(TABLES).map((def) => def.envVar);

    expect(Object.keys(variables).filter((name) => tableVars.includes(name)).sort()).toEqual(
      [...consumer.tables, ...(consumer.uses ?? []).map((u) => u.table)].map((id) => TABLES[id].envVar).sort(),
    );
    for (const id of consumer.tables) {
      expect(refersTo(variables[TABLES[id].envVar], logicalIdOf(riskline.stateful.tables[id].table))).toBe(true);
    }
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s: may only insert into its tables', (_name, consumer) => {
    const all = statementsOf(consumer).filter((s) => [s.Action].flat().some((action) => action.startsWith('dynamodb:')));
    const dynamo = all.filter((s) => [s.Action].flat().includes('dynamodb:BatchWriteItem'));

    expect(all).toHaveLength(1 + (consumer.uses ?? []).length);
    for (const use of consumer.uses ?? []) {
      const table = logicalIdOf(riskline.stateful.tables[use.table].table);
      const granted = all.filter((s) => [s.Resource].flat().some((r) => refersTo(r, table)));
      expect(granted.map((s) => [s.Action].flat().sort())).toEqual([use.actions]);
      expect([granted[0]!.Resource].flat()).toHaveLength(1);
    }
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]!.Action].flat().sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem']);
    const resources = [dynamo[0]!.Resource].flat();
    expect(resources).toHaveLength(consumer.tables.length);
    for (const id of consumer.tables) {
      expect(resources.some((resource) => refersTo(resource, logicalIdOf(riskline.stateful.tables[id].table)))).toBe(true);
    }
  });

  // The IAM5[Resource::*] acknowledgement on each role covers exactly these actions, and no others.
  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s: uses Resource "*" only for VPC network interfaces and X-Ray', (_name, consumer) => {
    const wildcardActions = statementsOf(consumer)
      .filter((s) => [s.Resource].flat().includes('*'))
      .flatMap((s) => [s.Action].flat());

    expect(wildcardActions.sort()).toEqual([
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:UnassignPrivateIpAddresses',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('gives the %s consumer a TLS URL of the feature store', (_name, consumer) => {
    const variables = (functionResource(consumer).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const featureStore = logicalIdOf(riskline.stateful.node.findChild('FeatureStore'));

    expect(variables.REDIS_URL).toEqual({ 'Fn::Join': ['', ['rediss://', expect.anything(), ':', expect.anything()]] });
    expect(refersTo(variables.REDIS_URL, featureStore)).toBe(true);
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s signs in to the feature store as its IAM user, and may connect to that store as that user only', (_name, consumer) => {
    const variables = (functionResource(consumer).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const featureStore = logicalIdOf(riskline.stateful.node.findChild('FeatureStore'));
    const user = logicalIdOf(riskline.stateful.node.findChild('FeatureStoreUser'));
    const userId = (riskline.statefulTemplate.findResources('AWS::ElastiCache::User')[user] as Resource).Properties.UserId;

    expect(variables.REDIS_IAM_USER).toBe(userId);
    expect(refersTo(variables.REDIS_CACHE_NAME, featureStore)).toBe(true);
    const connect = statementsOf(consumer).filter((s) => [s.Action].flat().includes('elasticache:Connect'));
    expect(connect).toHaveLength(1);
    expect(connect[0]!.Action).toBe('elasticache:Connect');
    const resources = [connect[0]!.Resource].flat();
    expect(resources).toHaveLength(2);
    // (The user's logical id starts with the group's, so the group's ARN is the other one, a replicationgroup ARN.)
    expect(resources.filter((r) => refersTo(r, user))).toHaveLength(1);
    expect(resources.filter((r) => !refersTo(r, user) && refersTo(r, featureStore) && JSON.stringify(r).includes(':replicationgroup:'))).toHaveLength(1);
  });

  it('lets only the functions that use the feature store connect to it', () => {
    const connecting = Object.values(riskline.statelessTemplate.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy as Resource).Properties.PolicyDocument).includes('elasticache:Connect'),
    );
    // The two consumers, the risk-score function and the analyst API (its read-only velocity view).
    expect(connecting).toHaveLength(CONSUMERS.length + 2);
  });
});

describe('alarms', () => {
  it('alarms as soon as the dead-letter queue holds a message', () => {
    riskline.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: Match.anyValue() }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))('%s: alarms on iterator age and on errors', (_name, consumer) => {
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(consumer.function().function) } }];

    riskline.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: dimensions,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    riskline.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: dimensions,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });
});
