/**
 * The code and its monitoring: the stream consumers and their alarms. Receives the stateful
 * resources as props, so it can be redeployed or destroyed without touching any data.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { PENALTY_WORKFLOW } from '../../shared/resources';
import { RisklineBuyerWarnings } from '../constructs/buyerWarnings';
import { RisklineHttpApi } from '../constructs/httpApi';
import { RiskFunction } from '../constructs/riskFunction';
import type { RisklineStatefulResources } from './stateful';

/** A consumer this far behind its stream is no longer "real time". */
const ITERATOR_AGE_ALARM_MS = 60_000;

export interface RisklineStatelessStackProps extends StackProps {
  readonly resources: RisklineStatefulResources;
  /** The penalty workflow (RisklinePenalties): the order consumer starts it, the penalty API resumes it. */
  readonly penaltyWorkflow: sfn.IStateMachine;
}

export class RisklineStatelessStack extends Stack {
  readonly orderStream: RiskFunction;
  readonly reviewStream: RiskFunction;
  readonly httpApi: RisklineHttpApi;
  readonly buyerWarnings: RisklineBuyerWarnings;

  constructor(scope: Construct, id: string, props: RisklineStatelessStackProps) {
    super(scope, id, props);
    const { resources } = props;
    const network = {
      vpc: resources.vpc,
      vpcSubnets: resources.functionSubnets,
      securityGroup: resources.functionSecurityGroup,
    };

    this.orderStream = new RiskFunction(this, 'OrderStream', {
      ...network,
      entry: 'functions/order-stream/index.ts',
      description: 'Riskline order-stream consumer: scores orders, records violations and decisions',
      environment: { REDIS_URL: resources.featureStoreUrl },
    });
    this.orderStream.bindTable(resources.tables.violations, 'insert');
    this.orderStream.bindTable(resources.tables.decisions, 'insert');
    this.orderStream.bindTable(resources.tables.quarantine, 'insert');
    // Confirmed violations start penalty workflow executions (through the Step Functions VPC endpoint).
    this.orderStream.function.addEnvironment(PENALTY_WORKFLOW.stateMachineArnEnvVar, props.penaltyWorkflow.stateMachineArn);
    props.penaltyWorkflow.grantStartExecution(this.orderStream.function);
    this.orderStream.consumeStream(resources.streams.orders.stream, { onFailure: resources.consumerDeadLetterQueue });
    // Buyer warnings: conditional puts and updates (de-duplication, rate limit, withdrawal), the buyer's
    // partition read for a cancelled order; merchant standing read from the penalty cases.
    this.orderStream.bindTable(resources.tables.warnings, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] });
    this.orderStream.bindTable(resources.tables.penaltyCases, { actions: ['dynamodb:GetItem'] });

    this.reviewStream = new RiskFunction(this, 'ReviewStream', {
      ...network,
      entry: 'functions/review-stream/index.ts',
      description: 'Riskline review-stream consumer: trust weights of reviews, records fake-review violations',
      environment: { REDIS_URL: resources.featureStoreUrl },
    });
    this.reviewStream.bindTable(resources.tables.violations, 'insert');
    this.reviewStream.bindTable(resources.tables.quarantine, 'insert');
    this.reviewStream.function.addEnvironment(PENALTY_WORKFLOW.stateMachineArnEnvVar, props.penaltyWorkflow.stateMachineArn);
    props.penaltyWorkflow.grantStartExecution(this.reviewStream.function);
    this.reviewStream.consumeStream(resources.streams.reviews.stream, { onFailure: resources.consumerDeadLetterQueue });

    // The WebSocket API buyers' apps keep open, and the push from the warnings table's stream.
    this.buyerWarnings = new RisklineBuyerWarnings(this, 'BuyerWarnings', {
      warnings: resources.tables.warnings,
      connections: resources.tables.warningConnections,
      jwtIssuer: resources.identity.issuer,
      jwtAudience: resources.identity.audience,
      onFailure: resources.consumerDeadLetterQueue,
    });

    for (const consumer of [this.orderStream, this.reviewStream, this.buyerWarnings.push]) this.addConsumerAlarms(consumer);

    // One HTTP API from the route table the local gateway serves too; each function's needs here.
    this.httpApi = new RisklineHttpApi(this, 'Http', {
      ...network,
      routes: HTTP_ROUTES,
      jwtIssuer: resources.identity.issuer,
      jwtAudience: resources.identity.audience,
      functions: {
        health: { description: 'Riskline health: liveness of the HTTP API', memorySize: 256 },
        'risk-score': {
          description: 'Riskline risk score: checkout asks before taking payment (budgeted Redis reads, fail-open/closed)',
          environment: { REDIS_URL: resources.featureStoreUrl },
          tables: [[resources.tables.decisions, 'insert']],
          // Checkout waits on it: fast, and a short timeout (the handler's own budget is 50 ms of features).
          memorySize: 1_769,
          timeout: Duration.seconds(3),
        },
        'penalty-api': {
          description: 'Riskline penalty API: approvals, investigations and appeals (analysts), credit and appeals (merchants)',
          environment: { [PENALTY_WORKFLOW.stateMachineArnEnvVar]: props.penaltyWorkflow.stateMachineArn },
          tables: [
            [resources.tables.penaltyCases, { actions: ['dynamodb:GetItem'] }],
            [resources.tables.penaltyAudit, { actions: ['dynamodb:Query'] }],
            [resources.tables.penaltyApprovals, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], indexes: ['byStatus'] }],
          ],
        },
        'analyst-api': {
          description: 'Riskline analyst API: thresholds lifecycle, suppressions, shadow mode, backtests, console reads',
          tables: [
            [resources.tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] }],
            // Append-only: the audit log can be added to and read, never changed.
            [resources.tables.configAudit, { actions: ['dynamodb:PutItem', 'dynamodb:Query'] }],
            [resources.tables.shadowResults, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] }],
            [resources.tables.backtests, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'] }],
            [resources.tables.decisions, { actions: ['dynamodb:Query'], indexes: ['flaggedByDay', 'byOrder'] }],
            [resources.tables.penaltyCases, { actions: ['dynamodb:Scan'] }],
          ],
          memorySize: 1_024,
        },
        'buyer-warnings': {
          description: 'Riskline buyer warnings: a buyer lists and acknowledges their own risk warnings',
          tables: [[resources.tables.warnings, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], indexes: ['byBuyer'] }]],
          memorySize: 512,
        },
      },
    });
    // Commands start workflow executions; approval decisions resume the execution waiting on the token.
    const penaltyApi = this.httpApi.functions['penalty-api']!.function;
    props.penaltyWorkflow.grantStartExecution(penaltyApi);
    props.penaltyWorkflow.grantTaskResponse(penaltyApi);

    // Anything here is a batch Lambda gave up on: its records must be replayed before the stream drops them.
    new cloudwatch.Alarm(this, 'ConsumerDeadLetterQueueAlarm', {
      alarmDescription: 'Stream consumers reported failed batches to the dead-letter queue',
      metric: resources.consumerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private addConsumerAlarms(consumer: RiskFunction): void {
    const fn = consumer.function;
    new cloudwatch.Alarm(consumer, 'IteratorAgeAlarm', {
      alarmDescription: `${fn.node.path}: oldest record in the last batch is over ${ITERATOR_AGE_ALARM_MS / 1000} s old for 5 minutes`,
      metric: fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: ITERATOR_AGE_ALARM_MS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      // No invocations means nothing to be behind on.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Per-record failures are reported in batchItemFailures; an error here is a whole batch thrown.
    new cloudwatch.Alarm(consumer, 'ErrorsAlarm', {
      alarmDescription: `${fn.node.path}: invocations failed (whole batch thrown or timed out)`,
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
