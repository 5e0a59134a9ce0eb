/**
 * The penalty workflow on AWS: a Standard Step Functions state machine, its Task Lambda and the
 * EventBridge bus the step notices go to.
 *
 * Why the state machine is thin: the rules (ladder, attribution, approvals, appeals, reversals) are
 * the pure transition table in shared/domain/penalties/machine.ts, unit- and property-tested as plain
 * functions. The state machine only sequences what needs Step Functions: an execution per event (its
 * name derived from the event, so a redelivered violation starts nothing new), and for each severe
 * step an execution that waits on a task token for the analyst (`.waitForTaskToken`), times out
 * into an expired approval, and applies the decision. The local runtime (shared/app/penalties/
 * localWorkflow.ts) drives the same states in-process, and test/unit/penalties.asl.test.ts runs this
 * definition, synthesized, through an interpreter to check both reach the same effects. Encoding the
 * ladder in ASL Choice states instead would leave two sources of truth (ASL for AWS, code for replay).
 *
 *   Approval or event? -- $.approval --> Await approval (hold; wait for the token) --> Transition --> Done
 *          \                                  \-- timeout --> Approval expired --------^
 *           \-- otherwise ---------------------------------------------------------> Transition --> Done
 */
import { ArnFormat, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { PENALTY_WORKFLOW, penaltyEventBusName, penaltyStateMachineName } from '../../shared/resources';
import { alarmOnAny } from './alarms';
import type { DefinedTable } from './definitions';
import { RiskFunction } from './riskFunction';

/** An approval nobody decides in this time expires: the severe step is not applied. */
export const APPROVAL_TIMEOUT = Duration.days(30);

/** Errors the Task Lambda throws that a retry can cure (class names, as Lambda reports them). */
const TRANSIENT_ERRORS = ['ConflictError', 'DependencyError'];

export interface PenaltyWorkflowTables {
  readonly penaltyCases: DefinedTable;
  readonly penaltyAudit: DefinedTable;
  readonly penaltyApprovals: DefinedTable;
  readonly merchantIdentities: DefinedTable;
  readonly buyerLinks: DefinedTable;
  /** The analysts' live thresholds (the ladder policy is a section of them). */
  readonly configVersions: DefinedTable;
}

export interface PenaltyWorkflowProps {
  readonly prefix: string;
  readonly tables: PenaltyWorkflowTables;
}

/**
 * The state machine's states. Exported so that the definition can be read without deploying, but
 * the test synthesizes it through the construct, exactly as deployed.
 */
export function penaltyWorkflowDefinition(scope: Construct, fn: lambda.IFunction): sfn.IChainable {
  const transition = new tasks.LambdaInvoke(scope, 'Transition', {
    lambdaFunction: fn,
    comment: 'Runs the pure penalty state machine on the merchant case: stores state and effects, delivers them',
    payload: sfn.TaskInput.fromObject({ action: 'transition', merchantId: sfn.JsonPath.stringAt('$.merchantId'), event: sfn.JsonPath.objectAt('$.event') }),
    payloadResponseOnly: true,
    resultPath: '$.result',
    retryOnServiceExceptions: true,
  });
  transition.addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6 });
  transition.next(new sfn.Succeed(scope, 'Done'));

  const expired = new sfn.Pass(scope, 'Approval expired', {
    comment: 'Nobody decided in time: the step is not applied (ApprovalExpired)',
    parameters: {
      'merchantId.$': '$.merchantId',
      event: { type: 'ApprovalExpired', 'approvalId.$': '$.approval.approvalId', 'at.$': '$$.State.EnteredTime' },
    },
  });
  expired.next(transition);

  const awaitApproval = new tasks.LambdaInvoke(scope, 'Await approval', {
    lambdaFunction: fn,
    comment: 'Stores the approval with this task token; the approval API resumes it with the decision event',
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      action: 'hold',
      merchantId: sfn.JsonPath.stringAt('$.merchantId'),
      approval: sfn.JsonPath.objectAt('$.approval'),
      taskToken: sfn.JsonPath.taskToken,
    }),
    // SendTaskSuccess's output is the analyst's decision: it becomes the event of the Transition.
    resultPath: '$.event',
    taskTimeout: sfn.Timeout.duration(APPROVAL_TIMEOUT),
    retryOnServiceExceptions: true,
  });
  awaitApproval.addRetry({ errors: TRANSIENT_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6 });
  awaitApproval.addCatch(expired, { errors: ['States.Timeout'], resultPath: '$.error' });
  awaitApproval.next(transition);

  return new sfn.Choice(scope, 'Approval or event?').when(sfn.Condition.isPresent('$.approval'), awaitApproval).otherwise(transition);
}

export class PenaltyWorkflow extends Construct {
  readonly function: RiskFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly eventBus: events.EventBus;

  constructor(scope: Construct, id: string, props: PenaltyWorkflowProps) {
    super(scope, id);
    const stateMachineName = penaltyStateMachineName(props.prefix);
    // By name rather than by reference: the function both runs in the state machine and starts its
    // executions, and a reference would make the state machine and the function's policy depend on each other.
    const stateMachineArn = Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    this.eventBus = new events.EventBus(this, 'Notices', {
      eventBusName: penaltyEventBusName(props.prefix),
      description: 'Riskline penalty notices (source riskline.penalties): steps applied and reversed, appeal outcomes',
    });

    // Outside the VPC: it talks to DynamoDB, EventBridge and Step Functions only, never to the feature store.
    this.function = new RiskFunction(this, 'Task', {
      entry: 'functions/penalty-workflow/index.ts',
      description: 'Riskline penalty workflow task: runs the penalty state machine on a merchant case',
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: { [PENALTY_WORKFLOW.stateMachineArnEnvVar]: stateMachineArn, [PENALTY_WORKFLOW.eventBusEnvVar]: this.eventBus.eventBusName },
    });
    const { tables } = props;
    this.function.bindTable(tables.penaltyCases, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] });
    // Append-only: the audit trail may be added to, never changed or deleted.
    this.function.bindTable(tables.penaltyAudit, { actions: ['dynamodb:PutItem'] });
    this.function.bindTable(tables.penaltyApprovals, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] });
    this.function.bindTable(tables.merchantIdentities, { actions: ['dynamodb:Query'] });
    this.function.bindTable(tables.buyerLinks, { actions: ['dynamodb:Query'] });
    this.function.bindTable(tables.configVersions, { actions: ['dynamodb:GetItem', 'dynamodb:Query'] });
    this.eventBus.grantPutEventsTo(this.function.function);
    this.function.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'OwnWorkflow',
        // Starts approval executions; releases the executions of approvals an upheld appeal cancelled.
        actions: ['states:StartExecution', 'states:SendTaskSuccess'],
        resources: [stateMachineArn],
      }),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Riskline penalty workflow: one execution per violation or decision, one per severe step awaiting approval',
      definitionBody: sfn.DefinitionBody.fromChainable(penaltyWorkflowDefinition(this, this.function.function)),
      // Execution data carries merchant evidence (buyer ids): logged events, not their payloads.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    const taskLogicalId = Stack.of(this).getLogicalId(this.function.function.node.defaultChild as CfnElement);
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${taskLogicalId}.Arn>:*]`,
        reason:
          'Step Functions invokes the task function by ARN; the LambdaInvoke integration also grants its versions and aliases ' +
          '(`<arn>:*`), which is one function and nothing else.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Two statements need Resource "*": the CloudWatch Logs delivery actions a state machine needs to log to its log group ' +
          '(logs:CreateLogDelivery and the like support no resource scoping) and X-Ray PutTraceSegments/PutTelemetryRecords/' +
          'GetSamplingRules/GetSamplingTargets for tracing.',
      },
    );

    alarmOnAny(
      this,
      'FailedExecutionsAlarm',
      'Penalty workflow executions failed: a violation or a decision was not applied (retries exhausted)',
      this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
    alarmOnAny(
      this,
      'TaskErrorsAlarm',
      'The penalty workflow task failed (retried by the state machine)',
      this.function.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    );
  }
}
