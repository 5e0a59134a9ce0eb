/**
 * The analysts' side in CDK: the config, audit, shadow and backtest tables, the admin API's routes,
 * function and JWT authorizer, the console as a static site (S3 + CloudFront with origin access
 * control, the API on the same origin, Cognito sign-in), the streams' Firehose archive and the
 * backtest worker that reads it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { ANALYST_CONSOLE, STREAM_ARCHIVE, STREAMS, TABLES, tableName } from '../../shared/resources';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
});

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

const functionOf = (fn: Parameters<typeof logicalIdOf>[0]) => riskline.statelessTemplate.findResources('AWS::Lambda::Function')[logicalIdOf(fn)] as Resource;

function statementsOf(fn: { role?: Parameters<typeof logicalIdOf>[0] }): Statement[] {
  const roleId = logicalIdOf(fn.role!);
  return Object.values(riskline.statelessTemplate.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).flatMap(
    (p) => ((p as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

const analystApi = () => riskline.stateless.httpApi.functions['analyst-api']!.function;

describe('analyst tables', () => {
  it('keeps versions, pointers and suppressions in one table keyed (kind, id), and the audit log keyed (log, entryId)', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.configVersions),
      KeySchema: [
        { AttributeName: 'kind', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.configAudit),
      KeySchema: [
        { AttributeName: 'log', KeyType: 'HASH' },
        { AttributeName: 'entryId', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: Match.absent(),
    });
  });

  it('streams new backtest jobs and expires shadow results', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.backtests),
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.shadowResults),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('indexes flagged decisions by day for the console', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.decisions),
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'flaggedByDay' })]),
    });
  });
});

describe('admin API', () => {
  it('serves every analyst route behind the JWT authorizer, but the console\'s sign-in settings', () => {
    const routes = Object.values(riskline.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as Resource).Properties);
    const analyst = HTTP_ROUTES.filter((r) => r.functionId === 'analyst-api');

    expect(analyst.length).toBeGreaterThan(20);
    for (const route of analyst) {
      const built = routes.find((r) => r.RouteKey === route.routeKey);
      expect(built?.AuthorizationType, route.routeKey).toBe(route.routeKey === 'GET /v1/console/config' ? 'NONE' : 'JWT');
    }
  });

  it('accepts tokens of the console\'s own Cognito client', () => {
    const authorizer = Object.values(riskline.statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer', { Properties: { AuthorizerType: 'JWT' } }))[0] as Resource;
    const audience = (authorizer.Properties.JwtConfiguration as { Audience: unknown[] }).Audience;

    expect(audience.some((a) => refersTo(a, logicalIdOf(riskline.stateless.analystConsole.client)))).toBe(true);
  });

  it('may append to the audit log and read it, never change or delete it', () => {
    const audit = logicalIdOf(riskline.stateful.tables.configAudit.table);
    const onAudit = statementsOf(analystApi()).filter((s) => [s.Resource].flat().some((r) => refersTo(r, audit)));

    expect(onAudit.flatMap((s) => [s.Action].flat()).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('tells the console where people sign in', () => {
    const variables = (functionOf(analystApi()).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(Object.keys(variables)).toEqual(expect.arrayContaining([ANALYST_CONSOLE.loginDomainEnvVar, ANALYST_CONSOLE.clientIdEnvVar, TABLES.configVersions.envVar, TABLES.configAudit.envVar]));
    expect(refersTo(variables[ANALYST_CONSOLE.clientIdEnvVar], logicalIdOf(riskline.stateless.analystConsole.client))).toBe(true);
  });

  it('gives the running consumers the config table, read only, and the shadow sink', () => {
    const variables = (functionOf(riskline.stateless.orderStream.function).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const config = logicalIdOf(riskline.stateful.tables.configVersions.table);
    const onConfig = statementsOf(riskline.stateless.orderStream.function).filter((s) => [s.Resource].flat().some((r) => refersTo(r, config)));

    expect(Object.keys(variables)).toEqual(expect.arrayContaining([TABLES.configVersions.envVar, TABLES.shadowResults.envVar]));
    expect(onConfig.flatMap((s) => [s.Action].flat()).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });
});

describe('console site', () => {
  it('keeps the site in a private, TLS-only bucket', () => {
    const site = logicalIdOf(riskline.stateless.analystConsole.bucket);
    riskline.statelessTemplate.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.anyValue(),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site-bucket/' }),
    });
    const policy = Object.values(riskline.statelessTemplate.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: site } } }))[0] as Resource;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Effect: string; Principal?: unknown; Condition?: unknown }[] }).Statement;

    // Only CloudFront, for this distribution (origin access control), and nothing over plain HTTP.
    expect(statements.some((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('cloudfront.amazonaws.com') && JSON.stringify(s.Condition).includes('AWS:SourceArn'))).toBe(true);
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('serves it through CloudFront with origin access control, and the API under /v1/* uncached', () => {
    riskline.statelessTemplate.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    riskline.statelessTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/v1/*',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']),
            // Managed-CachingDisabled and Managed-AllViewerExceptHostHeader.
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
            OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
          }),
        ],
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })]),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('deploys the built console into the bucket and invalidates the distribution', () => {
    riskline.statelessTemplate.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: logicalIdOf(riskline.stateless.analystConsole.bucket) },
      DistributionPaths: ['/*'],
    });
  });

  it('signs people in with the authorization code flow, back to the distribution', () => {
    const client = riskline.statelessTemplate.findResources('AWS::Cognito::UserPoolClient')[logicalIdOf(riskline.stateless.analystConsole.client)] as Resource;

    expect(client.Properties).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, GenerateSecret: false });
    expect(refersTo(client.Properties.CallbackURLs, logicalIdOf(riskline.stateless.analystConsole.distribution))).toBe(true);
    riskline.statefulTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});

describe('stream archive and backtests', () => {
  it('delivers each stream to S3 as gzipped newline-delimited JSON under its own prefix', () => {
    for (const stream of Object.values(STREAMS)) {
      riskline.statefulTemplate.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { KinesisStreamARN: { 'Fn::GetAtt': [logicalIdOf(riskline.stateful.streams[stream.id].stream), 'Arn'] }, RoleARN: Match.anyValue() },
        ExtendedS3DestinationConfiguration: Match.objectLike({
          Prefix: `${STREAM_ARCHIVE.prefixOf(stream)}!{timestamp:yyyy/MM/dd/HH}/`,
          CompressionFormat: 'GZIP',
          FileExtension: '.jsonl.gz',
          ProcessingConfiguration: { Enabled: true, Processors: [Match.objectLike({ Type: 'AppendDelimiterToRecord' })] },
        }),
      });
    }
  });

  it('keeps the archive private and encrypted, with a lifecycle', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400 })]) },
    });
  });

  it('starts the backtest worker on new jobs only, one at a time, with time and disk for two replays', () => {
    const worker = riskline.stateless.backtestWorker.function;
    const mapping = Object.values(riskline.statelessTemplate.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: logicalIdOf(worker) } } }))[0] as Resource;

    expect(mapping.Properties).toMatchObject({
      BatchSize: 1,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(refersTo(mapping.Properties.EventSourceArn, logicalIdOf(riskline.stateful.tables.backtests.table))).toBe(true);
    expect(functionOf(worker).Properties).toMatchObject({ Timeout: 900, MemorySize: 3008, EphemeralStorage: { Size: 10240 } });
    expect((functionOf(worker).Properties.Environment as { Variables: Record<string, unknown> }).Variables).toHaveProperty(STREAM_ARCHIVE.bucketEnvVar);
  });

  it('lets the worker read the archive and nothing else in S3', () => {
    const s3 = statementsOf(riskline.stateless.backtestWorker.function).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));

    expect(s3.map((s) => [s.Action].flat()).sort()).toEqual([['s3:GetObject'], ['s3:ListBucket']]);
    for (const s of s3) expect(JSON.stringify(s.Resource)).toContain('-stream-archive-');
  });
});
