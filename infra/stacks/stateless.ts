/**
 * The code and its monitoring: the stream consumers and their alarms. Receives the stateful
 * resources as props, so it can be redeployed or destroyed without touching any data.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEGRADED_LOG_MESSAGE } from '../../shared/app/riskScore';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { ANALYST_CONSOLE, BACKTEST_WORKER, PENALTY_WORKFLOW, REPORTS_SLA, STREAM_ARCHIVE } from '../../shared/resources';
import { alarmOnAny } from '../constructs/alarms';
import { RisklineAnalystConsole } from '../constructs/analystConsole';
import { acknowledgeWildcards, archiveArnForNag } from '../constructs/streamArchive';
import { RisklineBuyerWarnings } from '../constructs/buyerWarnings';
import { RisklineHttpApi } from '../constructs/httpApi';
import { RiskFunction } from '../constructs/riskFunction';
import { repoPath } from '../paths';
import type { RisklineStatefulResources } from './stateful';

/** A consumer this far behind its stream is no longer "real time". */
const ITERATOR_AGE_ALARM_MS = 60_000;
/** Checkout waits on the risk score: its handler budgets 50 ms for features, so a p99 past this is trouble. */
const RISK_SCORE_P99_ALARM_MS = 250;
/** Share of risk-score answers given without all their features (Redis slow or down), in percent. */
const RISK_SCORE_DEGRADED_ALARM_PERCENT = 1;

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
  readonly analystConsole: RisklineAnalystConsole;
  readonly backtestWorker: RiskFunction;
  readonly reportsSla: RiskFunction;

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
      environment: resources.featureStore.environment,
    });
    resources.featureStore.grantConnect(this.orderStream.function);
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
    // What each buyer used (device, instrument, address), for the penalty workflow's attribution.
    this.orderStream.bindTable(resources.tables.buyerLinks, 'insert');

    this.reviewStream = new RiskFunction(this, 'ReviewStream', {
      ...network,
      entry: 'functions/review-stream/index.ts',
      description: 'Riskline review-stream consumer: trust weights of reviews, records fake-review violations',
      environment: resources.featureStore.environment,
    });
    resources.featureStore.grantConnect(this.reviewStream.function);
    this.reviewStream.bindTable(resources.tables.violations, 'insert');
    this.reviewStream.bindTable(resources.tables.quarantine, 'insert');
    this.reviewStream.function.addEnvironment(PENALTY_WORKFLOW.stateMachineArnEnvVar, props.penaltyWorkflow.stateMachineArn);
    props.penaltyWorkflow.grantStartExecution(this.reviewStream.function);
    // "Reviews of this product look manipulated", to buyers with an open order: the same warning service as the order stream's.
    this.reviewStream.bindTable(resources.tables.warnings, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] });
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

    // The analysts' live thresholds, suppressions and shadow candidate (read through a 30 s cache), and
    // where shadow mode records its disagreements.
    this.orderStream.bindTable(resources.tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] });
    this.reviewStream.bindTable(resources.tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] });
    this.orderStream.bindTable(resources.tables.shadowResults, { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] });

    // The analysts' console: its site and sign-in client now, its distribution once the API exists.
    this.analystConsole = new RisklineAnalystConsole(this, 'AnalystConsole', { userPool: resources.identity.userPool, assetsDir: repoPath('out/console') });
    const configRead = [resources.tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] }] as const;

    // One HTTP API from the route table the local gateway serves too; each function's needs here.
    this.httpApi = new RisklineHttpApi(this, 'Http', {
      ...network,
      routes: HTTP_ROUTES,
      jwtIssuer: resources.identity.issuer,
      jwtAudience: [...resources.identity.audience, this.analystConsole.client.userPoolClientId],
      functions: {
        health: { description: 'Riskline health: liveness of the HTTP API', memorySize: 256 },
        'risk-score': {
          description: 'Riskline risk score: checkout asks before taking payment (budgeted Redis reads, fail-open/closed)',
          environment: resources.featureStore.environment,
          tables: [[resources.tables.decisions, 'insert'], configRead],
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
            configRead,
          ],
        },
        'analyst-api': {
          description: 'Riskline analyst API: thresholds lifecycle, suppressions, shadow mode, backtests, console reads',
          // The feature store too: the velocity view reads the payment sets (read only).
          environment: {
            ...resources.featureStore.environment,
            [ANALYST_CONSOLE.loginDomainEnvVar]: resources.identity.loginDomain,
            [ANALYST_CONSOLE.clientIdEnvVar]: this.analystConsole.client.userPoolClientId,
          },
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
        reports: {
          description: 'Riskline reports: buyers report merchants and follow the outcome; analysts uphold (a violation) or dismiss',
          environment: { [PENALTY_WORKFLOW.stateMachineArnEnvVar]: props.penaltyWorkflow.stateMachineArn },
          tables: [
            [
              resources.tables.reports,
              { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], indexes: ['openQueue', 'byBuyer', 'byMerchant'] },
            ],
            // An upheld report is recorded as the detectors' violations are, and starts the penalty workflow.
            [resources.tables.violations, 'insert'],
            // The outcome notice to the buyer, through the warning service (de-duplication, rate limit).
            [resources.tables.warnings, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'] }],
            // Whether a reported order is the reporter's (verified purchase).
            [resources.tables.decisions, { actions: ['dynamodb:Query'], indexes: ['byOrder'] }],
            configRead,
          ],
          memorySize: 512,
        },
        'buyer-warnings': {
          description: 'Riskline buyer warnings: a buyer lists and acknowledges their own risk warnings',
          tables: [[resources.tables.warnings, { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], indexes: ['byBuyer'] }], configRead],
          memorySize: 512,
        },
      },
    });
    // Commands start workflow executions; approval decisions resume the execution waiting on the token.
    this.analystConsole.serve(this.httpApi.api);
    this.backtestWorker = this.createBacktestWorker(resources);
    this.reportsSla = this.createReportsSla(resources);

    resources.featureStore.grantConnect(this.httpApi.functions['risk-score']!.function);
    resources.featureStore.grantConnect(this.httpApi.functions['analyst-api']!.function);
    this.addRiskScoreAlarms(this.httpApi.functions['risk-score']!);
    // Any 5xx the API returned: a function error, a timeout or a throttle, on whichever route.
    alarmOnAny(
      this,
      'HttpServerErrorsAlarm',
      'The HTTP API answered 5xx (function error, timeout or throttle)',
      this.httpApi.api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );

    const penaltyApi = this.httpApi.functions['penalty-api']!.function;
    props.penaltyWorkflow.grantStartExecution(penaltyApi);
    props.penaltyWorkflow.grantTaskResponse(penaltyApi);
    props.penaltyWorkflow.grantStartExecution(this.httpApi.functions.reports!.function);

    // Anything here is a batch Lambda gave up on: its records must be replayed before the stream drops them.
    alarmOnAny(
      this,
      'ConsumerDeadLetterQueueAlarm',
      'Stream consumers reported failed batches to the dead-letter queue',
      resources.consumerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
    );
  }

  /**
   * Backtests run outside the API's 30 s: a new job in the backtests table reaches this function through
   * the table's stream (inserts only, one job at a time), which replays the archived history twice and
   * stores the report with the job. Outside the VPC: it needs only S3 and DynamoDB, no feature store.
   */
  private createBacktestWorker(resources: RisklineStatefulResources): RiskFunction {
    const worker = new RiskFunction(this, 'BacktestWorker', {
      entry: 'functions/backtest-worker/index.ts',
      description: 'Riskline backtest worker: replays archived history with a candidate and a baseline thresholds version and compares them',
      environment: { [STREAM_ARCHIVE.bucketEnvVar]: resources.archive.bucketName },
      memorySize: 3_008,
      timeout: Duration.minutes(BACKTEST_WORKER.timeoutMinutes),
    });
    // The history and both replays' files are written to /tmp.
    (worker.function.node.defaultChild as lambda.CfnFunction).ephemeralStorage = { size: 10_240 };
    worker.bindTable(resources.tables.backtests, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] });
    worker.bindTable(resources.tables.configVersions, { actions: ['dynamodb:GetItem'] });
    // The archive by name (account and region make it unique), with read access to it only.
    const archive = s3.Bucket.fromBucketName(this, 'StreamArchive', resources.archive.bucketName);
    worker.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [archive.bucketArn] }));
    worker.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [archive.arnForObjects('*')] }));
    worker.function.addEventSource(
      new DynamoEventSource(resources.tables.backtests.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 1,
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
        // A job marks itself failed with its reason; a retry would only replay the same failure.
        retryAttempts: 0,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(resources.consumerDeadLetterQueue),
      }),
    );
    const policy = worker.function.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeWildcards(
        policy,
        [`Resource::${archiveArnForNag(resources.prefix)}/*`],
        'The worker reads archived history: s3:GetObject on the archive bucket\'s objects, whose keys Firehose makes per hour, so they are named <bucket>/*.',
      );
      acknowledgeWildcards(
        policy,
        ['Resource::*'],
        'dynamodb:ListStreams, granted by the backtests table\'s stream event source, supports no resource scoping; the stream reads themselves are scoped to that stream.',
      );
    }
    return worker;
  }

  /**
   * Timely handling of buyer reports (及时处理): every REPORTS_SLA.everyMinutes a function reads the open
   * queue and publishes open, overdue and escalated counts (EMF); the alarm fires when reports have been
   * overdue for an hour. Outside the VPC: it reads DynamoDB only.
   */
  private createReportsSla(resources: RisklineStatefulResources): RiskFunction {
    const fn = new RiskFunction(this, 'ReportsSla', {
      entry: 'functions/reports-sla/index.ts',
      description: 'Riskline reports SLA: open, overdue and escalated buyer reports, as metrics',
      memorySize: 256,
      timeout: Duration.minutes(1),
    });
    fn.bindTable(resources.tables.reports, { actions: ['dynamodb:Query'], indexes: ['openQueue', 'byMerchant'] });
    fn.bindTable(resources.tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] });
    new events.Rule(this, 'ReportsSlaSchedule', {
      description: 'Riskline: check buyer reports against their due times',
      schedule: events.Schedule.rate(Duration.minutes(REPORTS_SLA.everyMinutes)),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 2 })],
    });
    const overdue = new cloudwatch.Metric({
      namespace: REPORTS_SLA.namespace,
      metricName: REPORTS_SLA.metrics.overdue,
      dimensionsMap: { service: REPORTS_SLA.service },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(REPORTS_SLA.everyMinutes),
    });
    new cloudwatch.Alarm(fn, 'OverdueAlarm', {
      alarmDescription: 'Buyer reports past their due time for an hour: the trust-and-safety queue needs hands (console, Reports tab)',
      metric: overdue,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 60 / REPORTS_SLA.everyMinutes,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarmOnAny(fn, 'ErrorsAlarm', 'The reports SLA check failed: overdue reports are not being measured', fn.function.metricErrors({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }));
    return fn;
  }

  /** Checkout's view of the risk score: slow answers, and answers given without all their features. */
  private addRiskScoreAlarms(riskScore: RiskFunction): void {
    const fn = riskScore.function;
    new cloudwatch.Alarm(riskScore, 'LatencyAlarm', {
      alarmDescription: `Risk score p99 duration over ${RISK_SCORE_P99_ALARM_MS} ms in 3 of 5 minutes: checkout is waiting on it`,
      metric: fn.metricDuration({ period: Duration.minutes(1), statistic: cloudwatch.Stats.p(99) }),
      threshold: RISK_SCORE_P99_ALARM_MS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Degraded answers are counted from the function's own log line, one per answer.
    const degraded = new logs.MetricFilter(riskScore, 'DegradedAnswers', {
      logGroup: riskScore.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', DEGRADED_LOG_MESSAGE),
      metricNamespace: 'Riskline',
      metricName: 'RiskScoreDegraded',
      metricValue: '1',
      defaultValue: 0,
    });
    new cloudwatch.Alarm(riskScore, 'DegradedAlarm', {
      alarmDescription:
        `Over ${RISK_SCORE_DEGRADED_ALARM_PERCENT}% of risk scores answered without all their features for 3 minutes ` +
        '(the feature store is slow or unreachable; answers follow the fail-open/fail-closed policy)',
      metric: new cloudwatch.MathExpression({
        expression: '100 * FILL(degraded, 0) / invocations',
        usingMetrics: {
          degraded: degraded.metric({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
          invocations: fn.metricInvocations({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
        },
        label: 'degraded answers (%)',
        period: Duration.minutes(1),
      }),
      threshold: RISK_SCORE_DEGRADED_ALARM_PERCENT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarmOnAny(
      riskScore,
      'ErrorsAlarm',
      'Risk score invocations failed (the handler answers dependency faults itself, so this is a defect or a timeout)',
      fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
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
    alarmOnAny(
      consumer,
      'ErrorsAlarm',
      `${fn.node.path}: invocations failed (whole batch thrown or timed out)`,
      fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
  }
}
