/**
 * The HTTP API, built from the one route table (shared/http/routes.ts) that the local gateway
 * also serves, so local and cloud answer the same routes. Each functionId gets one RiskFunction
 * (entry `functions/<functionId>/index.ts`); its environment and table grants come from the caller.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute } from '../../shared/http/routes';
import type { DefinedTable } from './definitions';
import { RiskFunction, type TableAccess } from './riskFunction';

export interface HttpFunctionConfig {
  readonly description: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly tables?: readonly (readonly [DefinedTable, TableAccess])[];
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

export interface RisklineHttpApiProps {
  readonly routes: readonly HttpRoute[];
  readonly functions: Readonly<Record<string, HttpFunctionConfig>>;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The identity provider whose tokens `jwt` routes accept. */
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
}

export class RisklineHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly functions: Readonly<Record<string, RiskFunction>>;

  constructor(scope: Construct, id: string, props: RisklineHttpApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Riskline HTTP API: risk score for checkout, analyst, merchant and buyer routes',
      createDefaultStage: false,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Checkout calls at a steady rate; the limits protect the functions and the feature store.
      throttle: { rateLimit: 2_000, burstLimit: 4_000 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: apigw.AccessLogFormat.jsonWithStandardFields() },
    });

    const functions: Record<string, RiskFunction> = {};
    for (const [functionId, config] of Object.entries(props.functions)) {
      const fn = new RiskFunction(this, pascal(functionId), {
        entry: `functions/${functionId}/index.ts`,
        description: config.description,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroup: props.securityGroup,
        memorySize: config.memorySize ?? 1_024,
        timeout: config.timeout ?? Duration.seconds(10),
        ...(config.environment ? { environment: config.environment } : {}),
      });
      for (const [table, access] of config.tables ?? []) fn.bindTable(table, access);
      functions[functionId] = fn;
    }
    this.functions = functions;

    const iam = new HttpIamAuthorizer();
    const jwt = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, { jwtAudience: [...props.jwtAudience] });
    for (const route of props.routes) {
      const fn = functions[route.functionId];
      if (!fn) throw new Error(`route ${route.routeKey} names function ${route.functionId}, which has no configuration`);
      const [method, path] = route.routeKey.split(' ') as [string, string];
      const routes = this.api.addRoutes({
        path,
        methods: [method as apigwv2.HttpMethod],
        integration: new HttpLambdaIntegration(`${pascal(route.functionId)}Integration${pascal(method)}${pascal(path)}`, fn.function),
        ...(route.auth === 'iam' ? { authorizer: iam } : route.auth === 'jwt' ? { authorizer: jwt } : {}),
      });
      if (route.auth === 'none') {
        for (const r of routes) {
          Validations.of(r).acknowledge({ id: 'AwsSolutions-APIG4', reason: `${route.routeKey} is public on purpose: ${route.description}` });
        }
      }
    }
  }
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
