/**
 * Live buyer warnings: the WebSocket API buyers' apps keep open, and the push that feeds it.
 *
 *  - WebSocket API (routes by `$request.body.action`): $connect behind a Lambda REQUEST authorizer
 *    that verifies the buyer's JWT from the `token` query parameter (browsers cannot set headers on a
 *    WebSocket) and passes `buyerId` on; $connect / $disconnect / $default go to one function that
 *    keeps the connections table.
 *  - The push: a consumer of the warnings table's DynamoDB stream posts each change to the buyer's
 *    connections (PostToConnection) and drops the gone ones.
 *
 * These functions run outside the VPC: the management API (@connections) and the identity provider's
 * JWKS are reachable only over the internet, and DynamoDB is all else they use. The stream consumer
 * has the failure settings every event source here has (partial batch responses, bisection, bounded
 * retries and record age, an on-failure queue).
 */
import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DefinedTable } from './definitions';
import { RiskFunction } from './riskFunction';

export interface RisklineBuyerWarningsProps {
  readonly warnings: DefinedTable;
  readonly connections: DefinedTable;
  /** The identity provider whose tokens buyers connect with (the HTTP API's JWT authorizer's). */
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  /** Where the push consumer reports stream batches it gave up on. */
  readonly onFailure: sqs.IQueue;
}

export const WEBSOCKET_STAGE = 'live';

export class RisklineBuyerWarnings extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  readonly authorizer: RiskFunction;
  readonly socket: RiskFunction;
  readonly push: RiskFunction;

  constructor(scope: Construct, id: string, props: RisklineBuyerWarningsProps) {
    super(scope, id);

    this.authorizer = new RiskFunction(this, 'Authorizer', {
      entry: 'functions/warnings-socket-authorizer/index.ts',
      description: 'Riskline warnings WebSocket $connect authorizer: the buyer JWT in the token query parameter',
      environment: { JWT_ISSUER: props.jwtIssuer, JWT_AUDIENCE: props.jwtAudience.join(',') },
      memorySize: 256,
      timeout: Duration.seconds(5),
    });

    this.socket = new RiskFunction(this, 'Socket', {
      entry: 'functions/warnings-socket/index.ts',
      description: 'Riskline warnings WebSocket routes: records and forgets buyers\' connections',
      memorySize: 256,
      timeout: Duration.seconds(10),
    });
    this.socket.bindTable(props.connections, { actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] });

    const integration = (name: string) => new WebSocketLambdaIntegration(name, this.socket.function);
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      description: 'Riskline buyer warnings, pushed live to the buyer\'s open apps',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: integration('ConnectIntegration'),
        authorizer: new WebSocketLambdaAuthorizer('BuyerToken', this.authorizer.function, { identitySource: ['route.request.querystring.token'] }),
      },
      disconnectRouteOptions: { integration: integration('DisconnectIntegration') },
      defaultRouteOptions: { integration: integration('DefaultIntegration') },
    });
    for (const route of ['$disconnect', '$default'] as const) {
      const construct = this.api.node.tryFindChild(`${route}-Route`);
      if (construct) {
        Validations.of(construct).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route} of a WebSocket API cannot have an authorizer: API Gateway authorizes a WebSocket connection once, on ` +
            '$connect (here with the buyer\'s JWT); every later message and the disconnect belong to that authorized connection.',
        });
      }
    }

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: WEBSOCKET_STAGE,
      autoDeploy: true,
      // Buyers connect and send next to nothing; the limits protect the functions and the table.
      throttle: { rateLimit: 500, burstLimit: 1_000 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            requestTime: '$context.requestTime',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    this.push = new RiskFunction(this, 'Push', {
      entry: 'functions/warnings-push/index.ts',
      description: 'Riskline warnings push: the warnings table stream to buyers\' WebSocket connections',
      environment: { WEBSOCKET_CALLBACK_URL: this.stage.callbackUrl },
      memorySize: 512,
      timeout: Duration.seconds(30),
    });
    this.push.bindTable(props.connections, { actions: ['dynamodb:Query', 'dynamodb:DeleteItem'] });
    this.stage.grantManagementApiAccess(this.push.function);
    this.push.function.addEventSource(
      new DynamoEventSource(props.warnings.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        // No batching window: a warning is worth most the moment it is stored.
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        // A warning older than this is still listed; pushing it live no longer matters.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(props.onFailure),
      }),
    );
    const pushPolicy = this.push.function.role?.node.tryFindChild('DefaultPolicy');
    if (pushPolicy) {
      Validations.of(pushPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams, granted by the DynamoDB event source mapping, supports no resource scoping; the stream ' +
          'reads themselves (DescribeStream, GetRecords, GetShardIterator) are scoped to the warnings table\'s stream.',
      });
      const apiId = Stack.of(this).getLogicalId(this.api.node.defaultChild as CfnElement);
      Validations.of(pushPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${WEBSOCKET_STAGE}/*/@connections/*]`,
        reason:
          'execute-api:ManageConnections is scoped to this API\'s stage; the connection ids are made by API Gateway as buyers ' +
          'connect, so the connection part of the ARN cannot be named in advance.',
      });
    }

  }
}
