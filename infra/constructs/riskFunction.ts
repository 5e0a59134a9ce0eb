/**
 * The one place that holds the Lambda defaults: ARM64, Node.js 22, ESM bundle built by the local
 * esbuild (never Docker), source maps, a month of logs, active tracing, VPC placement. It also binds
 * tables (env var + least-privilege grant) and Kinesis streams (with the mandatory failure handling).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE_DEFAULTS } from '../../shared/resources';
import { REPO_ROOT, repoPath } from '../paths';
import type { DefinedTable } from './definitions';

/**
 * What a function may do with a table. The stream consumers only insert (conditional PutItem for
 * idempotency, BatchWriteItem for quarantine), so `insert` grants exactly that and nothing on indexes.
 */
export type TableAccess = 'insert' | 'read' | 'readWrite' | TableActions;

/** Exactly these actions, on the table and (only if named) on these indexes: no `/index/*` wildcard. */
export interface TableActions {
  readonly actions: readonly string[];
  readonly indexes?: readonly string[];
}

const INSERT_ACTIONS = ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'];

/** Lets CommonJS dependencies call `require` inside the ESM bundle. */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface RiskFunctionProps {
  /** Handler module relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Omitted (with the subnets and security group) for a function that needs nothing inside the VPC. */
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroup?: ec2.ISecurityGroup;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 60 seconds: a 500-record batch with a Redis pipeline and conditional puts per record. */
  readonly timeout?: Duration;
}

export interface StreamConsumerOptions {
  /** Where Lambda reports batches it gave up on (records older than maxRecordAge or out of retries). */
  readonly onFailure: sqs.IQueue;
}

export class RiskFunction extends Construct {
  readonly function: NodejsFunction;
  /** The function's own log group (metric filters read it). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RiskFunctionProps) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.logGroup = logGroup;
    const inVpc = props.vpc !== undefined;

    // An explicit role instead of the AWS-managed execution policies: logs are scoped to this
    // function's log group rather than every log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
      inlinePolicies: {
        execution: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'OwnLogGroup',
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
            // The actions of AWSLambdaVPCAccessExecutionRole; EC2 gives them no useful resource scope.
            ...(inVpc
              ? [
                  new iam.PolicyStatement({
                    sid: 'VpcNetworkInterfaces',
                    actions: [
                      'ec2:CreateNetworkInterface',
                      'ec2:DescribeNetworkInterfaces',
                      'ec2:DescribeSubnets',
                      'ec2:DeleteNetworkInterface',
                      'ec2:AssignPrivateIpAddresses',
                      'ec2:UnassignPrivateIpAddresses',
                    ],
                    resources: ['*'],
                  }),
                ]
              : []),
          ],
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: inVpc
        ? 'Two statements need Resource "*": the ENI actions Lambda uses to attach the function to the VPC (the same actions ' +
          'as AWSLambdaVPCAccessExecutionRole) and xray:PutTraceSegments/PutTelemetryRecords, which support no resource scoping.'
        : 'One statement needs Resource "*": xray:PutTraceSegments/PutTelemetryRecords for active tracing, which support no ' +
          'resource scoping (the function is outside the VPC, so it has no ENI actions).',
    });

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: repoPath(props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroup === undefined ? undefined : [props.securityGroup],
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        banner: ESM_REQUIRE_BANNER,
        // Prefer the ESM builds of dependencies so tree-shaking works on them.
        mainFields: ['module', 'main'],
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Ship the SDK versions pinned in package-lock.json (the ones the tests ran against),
        // not whatever the runtime happens to include.
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned deliberately: it is the runtime the bundle targets and is tested against; moving to a newer ' +
        'Node.js runtime is a one-line change in this construct once the code is verified on it.',
    });
  }

  /** Adds the table's physical name under its `envVar` and grants exactly the access asked for. */
  bindTable({ definition, table }: DefinedTable, access: TableAccess): void {
    this.function.addEnvironment(definition.envVar, table.tableName);
    switch (access) {
      case 'insert':
        // The table ARN only: inserts never touch an index, so no `/index/*` wildcard.
        iam.Grant.addToPrincipal({ grantee: this.function, actions: INSERT_ACTIONS, resourceArns: [table.tableArn] });
        break;
      case 'read':
        table.grantReadData(this.function);
        break;
      case 'readWrite':
        table.grantReadWriteData(this.function);
        break;
      default:
        iam.Grant.addToPrincipal({
          grantee: this.function,
          actions: [...access.actions],
          resourceArns: [table.tableArn, ...(access.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)],
        });
    }
  }

  /**
   * Subscribes the function to a stream. Without the failure settings Lambda retries a failing batch
   * until its records expire and then drops them silently; with them a poison record is isolated by
   * bisection and partial-batch responses, retried a bounded number of times, then reported to the
   * on-failure queue. One batch per shard at a time keeps the order of each partition key.
   */
  consumeStream(stream: kinesis.IStream, options: StreamConsumerOptions): KinesisEventSource {
    // The same settings the local event-source-mapping emulator runs with (shared/resources.ts).
    const settings = EVENT_SOURCE_DEFAULTS;
    const source = new KinesisEventSource(stream, {
      startingPosition: lambda.StartingPosition[settings.startingPosition],
      batchSize: settings.batchSize,
      maxBatchingWindow: Duration.millis(settings.maxBatchingWindowMs),
      parallelizationFactor: settings.parallelizationFactor,
      reportBatchItemFailures: settings.reportBatchItemFailures,
      bisectBatchOnError: settings.bisectBatchOnError,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      onFailure: new SqsDlq(options.onFailure),
    });
    this.function.addEventSource(source);
    return source;
  }
}
