import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
});

type Resource = { Properties: Record<string, unknown> };

describe('HTTP API', () => {
  it('has exactly the routes of the shared route table, each with the authorization it declares', () => {
    // The HTTP API's routes only (the buyer-warnings WebSocket API has its own: test/infra/warnings.test.ts).
    const httpApi = logicalIdOf(riskline.stateless.httpApi.api);
    const routes = (Object.values(riskline.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')) as Resource[]).filter((r) => refersTo(r.Properties.ApiId, httpApi));
    const declared = HTTP_ROUTES.map((r) => [r.routeKey, r.auth === 'iam' ? 'AWS_IAM' : r.auth === 'jwt' ? 'JWT' : 'NONE']).sort();

    const built = routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']).sort();

    expect(built).toEqual(declared);
  });

  it('logs access and throttles its default stage', () => {
    riskline.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 2_000, ThrottlingBurstLimit: 4_000 },
    });
  });

  it('gives the risk-score function the feature store, the decisions table and a short timeout', () => {
    const fn = riskline.stateless.httpApi.functions['risk-score']!.function;
    const resource = riskline.statelessTemplate.findResources('AWS::Lambda::Function')[logicalIdOf(fn)] as Resource;

    expect(resource.Properties.Timeout).toBe(3);
    // CONFIG_VERSIONS_TABLE: the analysts' live thresholds, read through a bounded cache.
    expect(Object.keys((resource.Properties.Environment as { Variables: object }).Variables).sort()).toEqual([
      'CONFIG_VERSIONS_TABLE',
      'DECISIONS_TABLE',
      'NODE_OPTIONS',
      'REDIS_CACHE_NAME',
      'REDIS_IAM_USER',
      'REDIS_URL',
    ]);
    // It signs in to the feature store with IAM: the test in stateless.test.ts for the consumers holds for it too.
    const policies = Object.values(riskline.statelessTemplate.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(fn.role!) }] } }));
    expect(policies.some((p) => JSON.stringify((p as Resource).Properties.PolicyDocument).includes('elasticache:Connect'))).toBe(true);
  });

  it('gives the analyst API the feature store (its velocity view), signed in with IAM', () => {
    const fn = riskline.stateless.httpApi.functions['analyst-api']!.function;
    const resource = riskline.statelessTemplate.findResources('AWS::Lambda::Function')[logicalIdOf(fn)] as Resource;

    expect(Object.keys((resource.Properties.Environment as { Variables: object }).Variables)).toEqual(
      expect.arrayContaining(['REDIS_CACHE_NAME', 'REDIS_IAM_USER', 'REDIS_URL']),
    );
    const policies = Object.values(riskline.statelessTemplate.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(fn.role!) }] } }));
    expect(policies.some((p) => JSON.stringify((p as Resource).Properties.PolicyDocument).includes('elasticache:Connect'))).toBe(true);
  });

  it('accepts JWTs of the Riskline user pool, whose users must use MFA', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON' });
    expect(Object.values(riskline.statefulTemplate.findResources('AWS::Cognito::UserPoolGroup')).map((g) => (g as Resource).Properties.GroupName).sort()).toEqual([
      'analyst',
      'approver',
      'viewer',
    ]);
  });
});
