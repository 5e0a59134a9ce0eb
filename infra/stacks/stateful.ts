/**
 * Everything that holds data: the event streams, the tables, the feature store and the consumers'
 * dead-letter queue. Kept apart from the functions so a code deploy can never replace or delete them.
 */
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FEATURE_STORE, featureStoreAccessString, STREAMS, TABLES } from '../../shared/resources';
import { streamFromDefinition, tableFromDefinition, type DefinedStream, type DefinedTable } from '../constructs/definitions';
import { RisklineAlarmTopic } from '../constructs/alarms';
import { RisklineStreamArchive } from '../constructs/streamArchive';

export type TableId = keyof typeof TABLES;
export type StreamId = keyof typeof STREAMS;

/** Port of the feature store; the consumers receive it inside REDIS_URL. */
export const FEATURE_STORE_PORT = 6379;

/** How a function reaches the feature store and signs in to it. */
export interface FeatureStoreAccess {
  /** REDIS_URL (`rediss://<primary endpoint>:<port>`: TLS is required), REDIS_IAM_USER and REDIS_CACHE_NAME. */
  readonly environment: Readonly<Record<string, string>>;
  /** Lets a function sign in as the store's IAM user: `elasticache:Connect` on the replication group and that user. */
  grantConnect(grantee: iam.IGrantable): void;
}

/** What the stateless stack receives as props: the stateful resources and how to reach them. */
export interface RisklineStatefulResources {
  readonly tables: Readonly<Record<TableId, DefinedTable>>;
  readonly streams: Readonly<Record<StreamId, DefinedStream>>;
  readonly vpc: ec2.IVpc;
  /** Subnets the functions run in (isolated: no route out but the VPC endpoints). */
  readonly functionSubnets: ec2.SubnetSelection;
  /** The only security group the feature store admits. */
  readonly functionSecurityGroup: ec2.ISecurityGroup;
  /** The feature store: its address, and the IAM sign-in the functions use. */
  readonly featureStore: FeatureStoreAccess;
  /** On-failure destination of the stream consumers' event source mappings. */
  readonly consumerDeadLetterQueue: sqs.IQueue;
  /** Who people are: the issuer and audience of the JWTs the HTTP API accepts for `jwt` routes. */
  readonly identity: RisklineIdentity;
  /** The streams' archive (Firehose to S3): the history backtests replay. */
  readonly archive: { readonly bucketName: string };
  /** Physical-name prefix of the deployment (shared/resources.ts). */
  readonly prefix: string;
}

export interface RisklineIdentity {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** The user pool, for app clients of their own (the analysts' console). */
  readonly userPool: cognito.IUserPool;
  /** Base URL of the pool's hosted sign-in (https://<prefix>.auth.<region>.amazoncognito.com). */
  readonly loginDomain: string;
}

/** Analyst roles (issue: trust-and-safety console); each is a Cognito group, carried in `cognito:groups`. */
export const ANALYST_GROUPS = ['viewer', 'analyst', 'approver'] as const;

export interface RisklineStatefulStackProps extends StackProps {
  /** Physical-name prefix shared with the local runtime (shared/resources.ts). */
  readonly prefix: string;
  /** ElastiCache node type of the feature store (e.g. cache.t4g.small). */
  readonly cacheNodeType: string;
  /** Subscribed by email to the alarm topic, when given. */
  readonly alarmEmail?: string;
}

export class RisklineStatefulStack extends Stack implements RisklineStatefulResources {
  readonly tables: Readonly<Record<TableId, DefinedTable>>;
  readonly streams: Readonly<Record<StreamId, DefinedStream>>;
  readonly vpc: ec2.Vpc;
  readonly functionSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly featureStore: FeatureStoreAccess;
  readonly consumerDeadLetterQueue: sqs.Queue;
  readonly identity: RisklineIdentity;
  readonly archive: RisklineStreamArchive;
  readonly prefix: string;
  /** Every alarm of the app notifies it (applied in infra/riskline.ts); here so its subscriptions outlive code deploys. */
  readonly alarms: RisklineAlarmTopic;

  constructor(scope: Construct, id: string, props: RisklineStatefulStackProps) {
    super(scope, id, props);

    // Iterating the definitions means a table or stream added to shared/resources.ts is deployed too.
    this.tables = mapRecord(TABLES, (definition) => tableFromDefinition(this, definition, props.prefix));
    this.streams = mapRecord(STREAMS, (definition) => streamFromDefinition(this, definition, props.prefix));

    this.vpc = this.createNetwork();
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Riskline stream consumers: egress only to the feature store and the AWS endpoints',
      allowAllOutbound: false,
    });
    // The subnets are isolated: HTTPS can only leave through the VPC endpoints (DynamoDB gateway).
    this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs through the VPC endpoints');
    // The order consumer and the penalty API start and resume penalty workflow executions. An interface
    // endpoint (private DNS, open to the VPC's own range only) instead of a NAT: no route out of the VPC.
    const stepFunctions = this.vpc.addInterfaceEndpoint('StepFunctions', {
      service: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
      subnets: this.functionSubnets,
      privateDnsEnabled: true,
      open: true,
    });
    Validations.of(stepFunctions).acknowledge({
      id: 'AwsSolutions-EC23',
      reason:
        "The endpoint's security group admits HTTPS from the VPC's own CIDR block only (`open`), never 0.0.0.0/0; cdk-nag cannot " +
        'evaluate the CIDR because it is a CloudFormation reference (Fn::GetAtt Vpc.CidrBlock).',
    });

    this.featureStore = this.createFeatureStore(props.prefix, props.cacheNodeType);

    this.consumerDeadLetterQueue = new sqs.Queue(this, 'ConsumerDeadLetterQueue', {
      queueName: `${props.prefix}-stream-consumer-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Kinesis on-failure messages carry shard and sequence ranges, not the records: they must be
      // acted on while the records are still in the stream, and kept at least as long as the stream.
      retentionPeriod: Duration.days(14),
    });
    this.prefix = props.prefix;
    this.identity = this.createIdentity(props.prefix);
    this.alarms = new RisklineAlarmTopic(this, 'Alarms', props.alarmEmail === undefined ? {} : { email: props.alarmEmail });
    this.archive = new RisklineStreamArchive(this, 'StreamArchive', { prefix: props.prefix, streams: Object.values(this.streams) });
    Validations.of(this.consumerDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination (on-failure destination of the Kinesis event source mappings); ' +
        'nothing redrives from it, so it has no dead-letter queue of its own.',
    });
  }

  /**
   * The people who call the API (trust-and-safety analysts, and merchants and buyers in development):
   * a user pool with MFA and a strong password policy, one group per analyst role. A platform with its
   * own identity provider points the JWT authorizer at it instead (the issuer is all the API needs).
   */
  private createIdentity(prefix: string): RisklineIdentity {
    const pool = new cognito.UserPool(this, 'Users', {
      userPoolName: `${prefix}-users`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'The Plus feature plan (threat protection) is a per-user cost left to the operator; every user must use MFA and a 14-character password instead.',
    });
    for (const group of ANALYST_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group${group[0]!.toUpperCase()}${group.slice(1)}`, { userPoolId: pool.userPoolId, groupName: group });
    }
    const client = pool.addClient('Console', { authFlows: { userSrp: true }, preventUserExistenceErrors: true, generateSecret: false });
    // The hosted sign-in the analysts' console sends people to; the prefix must be unique in the region.
    const domain = pool.addDomain('Login', { cognitoDomain: { domainPrefix: `${prefix}-analysts-${Aws.ACCOUNT_ID}` } });
    return {
      issuer: `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`,
      audience: [client.userPoolClientId],
      userPool: pool,
      loginDomain: domain.baseUrl(),
    };
  }

  /**
   * Two AZs of isolated subnets and no NAT: the functions only talk to Redis (in the VPC) and
   * DynamoDB (gateway endpoint, free). Kinesis polling, on-failure delivery to SQS, logs and X-Ray
   * segments are all done by the Lambda service outside the VPC, so no interface endpoints are needed.
   */
  private createNetwork(): ec2.Vpc {
    const flowLogs = new logs.LogGroup(this, 'VpcFlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      // Rejected flows only: enough to diagnose a security-group mistake, at a fraction of the cost of ALL.
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
  }

  /**
   * Valkey (Redis-compatible, what ioredis speaks) primary + replica across two AZs with automatic
   * failover, TLS required and encryption at rest. Not cluster mode: the feature store's Lua scripts
   * touch a few global keys besides the per-shop `{s:<shop>}` slots.
   */
  private createFeatureStore(prefix: string, cacheNodeType: string): FeatureStoreAccess {
    const securityGroup = new ec2.SecurityGroup(this, 'FeatureStoreSecurityGroup', {
      vpc: this.vpc,
      description: 'Riskline feature store: reachable only from the stream consumers',
      allowAllOutbound: false,
    });
    securityGroup.connections.allowFrom(this.functionSecurityGroup, ec2.Port.tcp(FEATURE_STORE_PORT), 'Stream consumers to the feature store');

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'FeatureStoreSubnets', {
      description: 'Isolated subnets of the Riskline feature store',
      subnetIds: this.vpc.selectSubnets(this.functionSubnets).subnetIds,
    });

    // Every key carries a TTL, so the engine's default policy (volatile-lru) would evict live state
    // under memory pressure: processed eventIds (duplicates would count again) and brushing history
    // (verdicts would stop matching the batch answer), silently. With noeviction a full store refuses
    // writes instead: the consumers fail their batches, Lambda retries, and the consumers' error and
    // iterator-age alarms say so while the node type is raised.
    const parameters = new elasticache.CfnParameterGroup(this, 'FeatureStoreParameters', {
      cacheParameterGroupFamily: 'valkey8',
      description: 'Riskline feature store: never evict (state must be exact or fail loudly)',
      properties: { 'maxmemory-policy': 'noeviction' },
    });

    // The functions sign in as one user with IAM authentication: the password is a 15-minute SigV4
    // token signed with the function's own role (shared/adapters/redis/iamAuth.ts), so no secret is
    // stored or rotated anywhere. The ACL confines the user to the store's keys, without the dangerous
    // commands. A Valkey user group holds only users that authenticate, so the default user is out.
    const userId = `${prefix}-functions`;
    const user = new elasticache.CfnUser(this, 'FeatureStoreUser', {
      engine: 'valkey',
      userId,
      userName: userId, // IAM authentication requires the name to equal the id
      authenticationMode: { Type: 'iam' },
      accessString: featureStoreAccessString(),
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'FeatureStoreUsers', {
      engine: 'valkey',
      userGroupId: `${prefix}-feature-store`,
      userIds: [user.userId],
    });
    userGroup.node.addDependency(user); // the group names the user by id, which CloudFormation cannot see

    const cache = new elasticache.CfnReplicationGroup(this, 'FeatureStore', {
      cacheParameterGroupName: parameters.ref,
      replicationGroupDescription: 'Riskline feature store (brushing windows, processed event ids)',
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType,
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: FEATURE_STORE_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      userGroupIds: [userGroup.ref],
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 1,
    });
    // A final snapshot keeps the processed-event ids and open windows if the stack is ever deleted.
    cache.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    Validations.of(cache).acknowledge({
      id: 'AwsSolutions-AEC6',
      reason:
        'Clients authenticate with ElastiCache RBAC and IAM authentication (user group FeatureStoreUsers, one IAM user with ' +
        'an ACL on its own keys) rather than a shared AUTH token; this rule recognises only AuthToken. TLS is required.',
    });

    const replicationGroupArn = Stack.of(this).formatArn({ service: 'elasticache', resource: 'replicationgroup', resourceName: cache.ref, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    return {
      environment: {
        [FEATURE_STORE.urlEnvVar]: `rediss://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`,
        [FEATURE_STORE.iamUserEnvVar]: userId,
        [FEATURE_STORE.cacheNameEnvVar]: cache.ref,
      },
      grantConnect: (grantee) => {
        iam.Grant.addToPrincipal({ grantee, actions: ['elasticache:Connect'], resourceArns: [replicationGroupArn, user.attrArn] });
      },
    };
  }
}

function mapRecord<K extends string, V, R>(record: Readonly<Record<K, V>>, fn: (value: V) => R): Record<K, R> {
  return Object.fromEntries(Object.entries<V>(record).map(([key, value]) => [key, fn(value)])) as Record<K, R>;
}
