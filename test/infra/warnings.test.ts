/** Buyer warnings in CDK: the tables, the WebSocket API and its authorizer, the push from the table's stream. */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, tableName } from '../../shared/resources';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
});

type Resource = { Properties: Record<string, unknown> };

const functionOf = (construct: { function: Parameters<typeof logicalIdOf>[0] }) =>
  riskline.statelessTemplate.findResources('AWS::Lambda::Function')[logicalIdOf(construct.function)] as Resource;

describe('buyer warnings tables', () => {
  it('keeps warnings per buyer with an expiry, a list index and a change stream', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.warnings),
      KeySchema: [
        { AttributeName: 'buyerId', KeyType: 'HASH' },
        { AttributeName: 'warningId', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byBuyer', KeySchema: [{ AttributeName: 'buyerId', KeyType: 'HASH' }, { AttributeName: 'listKey', KeyType: 'RANGE' }] })],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('keeps buyers\' connections, expiring', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: tableName(TABLES.warningConnections),
      KeySchema: [
        { AttributeName: 'buyerId', KeyType: 'HASH' },
        { AttributeName: 'connectionId', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('warnings WebSocket API', () => {
  it('routes $connect behind a Lambda authorizer reading the token query parameter, and $disconnect and $default to the socket function', () => {
    const template = riskline.statelessTemplate;
    const apiId = logicalIdOf(riskline.stateless.buyerWarnings.api);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter((r) => refersTo((r as Resource).Properties.ApiId, apiId)) as Resource[];

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    expect(routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']).sort()).toEqual([
      ['$connect', 'CUSTOM'],
      ['$default', 'NONE'],
      ['$disconnect', 'NONE'],
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
      AuthorizerUri: Match.anyValue(),
    });
  });

  it('logs access and throttles its stage', () => {
    riskline.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('connectionId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1_000 },
    });
  });

  it('verifies tokens of the identity provider the HTTP API trusts', () => {
    const variables = (functionOf(riskline.stateless.buyerWarnings.authorizer).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(Object.keys(variables).sort()).toEqual(['JWT_AUDIENCE', 'JWT_ISSUER', 'NODE_OPTIONS']);
  });
});

describe('warnings push', () => {
  it('consumes the warnings table\'s stream with partial batch responses, bisection, bounded retries and an on-failure queue', () => {
    const pushId = logicalIdOf(riskline.stateless.buyerWarnings.push.function);
    const mappings = Object.values(riskline.statelessTemplate.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      refersTo((m as Resource).Properties.FunctionName, pushId),
    ) as Resource[];

    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3_600,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(refersTo(mappings[0]!.Properties.EventSourceArn, logicalIdOf(riskline.stateful.tables.warnings.table))).toBe(true);
  });

  it('may post to the stage\'s connections, and runs outside the VPC (the management API is not reachable from it)', () => {
    const push = functionOf(riskline.stateless.buyerWarnings.push);
    const policies = Object.values(riskline.statelessTemplate.findResources('AWS::IAM::Policy')) as Resource[];
    const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement);

    expect(push.Properties.VpcConfig).toBeUndefined();
    expect(Object.keys((push.Properties.Environment as { Variables: object }).Variables).sort()).toEqual(['NODE_OPTIONS', 'WARNING_CONNECTIONS_TABLE', 'WEBSOCKET_CALLBACK_URL']);
    expect(statements.some((s) => s.Action === 'execute-api:ManageConnections' && JSON.stringify(s.Resource).includes('/live/*/@connections/*'))).toBe(true);
  });
});

describe('buyer warnings in the other functions', () => {
  it('gives the order consumer the warnings table and the merchant standing it reads', () => {
    const variables = (functionOf(riskline.stateless.orderStream).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(variables).toHaveProperty(TABLES.warnings.envVar);
    expect(variables).toHaveProperty(TABLES.penaltyCases.envVar);
  });

  it('serves the buyer routes from a function that reads and acknowledges warnings, in the VPC', () => {
    const fn = riskline.stateless.httpApi.functions['buyer-warnings']!;
    const resource = functionOf(fn);

    expect(resource.Properties.VpcConfig).toBeDefined();
    expect(Object.keys((resource.Properties.Environment as { Variables: object }).Variables).sort()).toEqual(
      [TABLES.configVersions.envVar, 'NODE_OPTIONS', TABLES.warnings.envVar].sort(),
    );
  });
});
