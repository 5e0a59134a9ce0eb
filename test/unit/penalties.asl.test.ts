/**
 * The CDK state machine and the local runtime agree: the penalty workflow's definition, synthesized
 * from the CDK construct the RisklinePenalties stack deploys (infra/constructs/penaltyWorkflow.ts, in
 * a stack of its own here so that the test does not depend on the rest of the app), runs through an
 * ASL interpreter (its Task states invoke the
 * real workflow Lambda handler in-process; the real Step Functions adapter talks to the interpreter as
 * to Step Functions), and the same inputs go through the local runtime. Both must produce the same
 * cases, audit trail, notices and approvals.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePenaltyApiHandler, PENALTY_ROUTE_KEYS } from '../../functions/penalty-api/handler';
import { makePenaltyWorkflowHandler } from '../../functions/penalty-workflow/handler';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import { createPenaltyService } from '../../shared/app/penalties/service';
import { devTokenAuthenticator } from '../../shared/http/principal';
import type { PenaltyWorkflow } from '../../shared/ports';
import type { PenaltyExecutions } from '../../shared/ports/penalties';
import { AslInterpreter, definitionFromTemplate, type AslDefinition } from '../support/asl';
import { apiRequest, at, brushingViolation, penaltyHarness } from '../support/penalties';
import { tableFromDefinition } from '../../infra/constructs/definitions';
import { PenaltyWorkflow as PenaltyWorkflowConstruct } from '../../infra/constructs/penaltyWorkflow';
import { TABLES } from '../../shared/resources';
import { cdkJsonContext, logicalIdOf } from '../infra/synth';

let definition: AslDefinition;
let taskFunctionArn: string;

beforeAll(() => {
  // Asset bundling skipped, as in the infra tests: the definition does not depend on the bundle.
  const app = new App({ builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PenaltyWorkflowUnderTest');
  const table = (id: keyof typeof TABLES) => tableFromDefinition(stack, TABLES[id], 'riskline');
  const workflow = new PenaltyWorkflowConstruct(stack, 'Workflow', {
    prefix: 'riskline',
    tables: {
      penaltyCases: table('penaltyCases'),
      penaltyAudit: table('penaltyAudit'),
      penaltyApprovals: table('penaltyApprovals'),
      merchantIdentities: table('merchantIdentities'),
      buyerLinks: table('buyerLinks'),
      configVersions: table('configVersions'),
    },
  });
  const template = Template.fromStack(stack);
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const taskId = logicalIdOf(workflow.function.function);
  taskFunctionArn = `arn:fn:${taskId}`;
  definition = definitionFromTemplate((machine!.Properties as { DefinitionString: unknown }).DefinitionString, (ref) => {
    if (JSON.stringify(ref) === JSON.stringify({ Ref: 'AWS::Partition' })) return 'aws';
    const getAtt = ref['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt?.[1] === 'Arn') return `arn:fn:${getAtt[0]}`;
    throw new Error(`unexpected reference in the definition: ${JSON.stringify(ref)}`);
  });
});

type Runtime = ReturnType<typeof penaltyHarness> & {
  pipeline: PenaltyWorkflow;
  executions: PenaltyExecutions;
  interpreter?: AslInterpreter;
  clock: { now: string };
};

const merchants = { 'm-1': { deviceIds: ['dev-owner'] } };

function localRuntime(): Runtime {
  const h = penaltyHarness({ merchants });
  return { ...h, pipeline: h.workflow, executions: h.workflow, clock: { now: at(0) } };
}

/** The same adapters, but the workflow runs as the synthesized state machine through the interpreter. */
function stepFunctionsRuntime(): Runtime {
  const h = penaltyHarness({ merchants });
  const clock = { now: at(0) };
  const { cases, audit, approvals, notices, registry, buyerLinks, config } = h;
  // The interpreter invokes the handler, whose service starts and resumes executions on the interpreter.
  const lambda: { handler?: ReturnType<typeof makePenaltyWorkflowHandler> } = {};
  const interpreter = new AslInterpreter(
    definition,
    async (arn, payload) => {
      if (arn !== taskFunctionArn) throw new Error(`the definition invokes ${arn}, not the workflow task ${taskFunctionArn}`);
      return lambda.handler!(payload, {} as Context);
    },
    () => clock.now,
  );
  const sfn = new SfnPenaltyWorkflow(interpreter.client as unknown as SFNClient, 'arn:aws:states:local:0:stateMachine:riskline-penalty-workflow');
  lambda.handler = makePenaltyWorkflowHandler({ service: createPenaltyService({ cases, audit, approvals, notices, registry, buyerLinks, config, executions: sfn }) });
  return { ...h, pipeline: sfn, executions: sfn, interpreter, clock };
}

const APPROVER = 'dev:approver:alice';
const MERCHANT = 'dev:merchant:m-1';

/** One script of violations, analyst decisions and a merchant appeal, all through the same entry points. */
async function drive(rt: Runtime): Promise<number[]> {
  await rt.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
  const api = makePenaltyApiHandler({ cases: rt.cases, audit: rt.audit, approvals: rt.approvals, executions: rt.executions, config: rt.config, authenticate: devTokenAuthenticator });
  const statuses: number[] = [];
  const call = async (...args: Parameters<typeof apiRequest>) => {
    rt.clock.now = args[1]?.atIso ?? rt.clock.now;
    const response = (await api(apiRequest(...args), {} as Context)) as APIGatewayProxyStructuredResultV2;
    statuses.push(response.statusCode ?? 0);
    return JSON.parse(response.body ?? '{}') as Record<string, unknown>;
  };
  const decide = async (kind: string, decision: 'approve' | 'reject', atIso: string) => {
    const { approvals } = (await call(PENALTY_ROUTE_KEYS.approvals, { token: APPROVER, atIso })) as { approvals: { approvalId: string; kind: string }[] };
    const approval = approvals.find((a) => a.kind === kind)!;
    await call(PENALTY_ROUTE_KEYS.decideApproval, { params: { approvalId: approval.approvalId }, body: { decision, note: `${decision} ${kind}` }, token: APPROVER, atIso });
  };
  const brushing = (day: number, buyer = 'b-ring', merchant = 'm-1') => brushingViolation(merchant, day, [buyer]);

  await rt.pipeline.onViolations([brushing(0), brushing(2)]);
  await rt.pipeline.onViolations([brushing(4)]);
  await decide('blacklisted', 'approve', at(4, 2));
  await rt.pipeline.onViolations([brushing(6)]);
  await decide('deposit_deducted', 'reject', at(6, 2));
  await rt.pipeline.onViolations([brushing(9)]);
  await decide('deposit_deducted', 'approve', at(9, 2));
  const credit = (await call(PENALTY_ROUTE_KEYS.credit, { params: { merchantId: 'm-1' }, token: MERCHANT, atIso: at(10) })) as { steps: { stepId: string; kind: string }[] };
  const deposit = credit.steps.find((s) => s.kind === 'deposit_deducted')!;
  const { appealId } = await call(PENALTY_ROUTE_KEYS.appeal, { params: { merchantId: 'm-1' }, body: { stepId: deposit.stepId, statement: 'former staff' }, token: MERCHANT, atIso: at(11) });
  await call(PENALTY_ROUTE_KEYS.decideAppeal, { params: { merchantId: 'm-1', appealId: String(appealId) }, body: { upheld: true, note: 'verified' }, token: APPROVER, atIso: at(12) });
  // A rival's fake orders on m-2: held, then dismissed by an analyst.
  await rt.pipeline.onViolations([brushing(3, 'b-stranger', 'm-2')]);
  const [held] = (await rt.state('m-2')).violations;
  await call(PENALTY_ROUTE_KEYS.investigate, { params: { merchantId: 'm-2', violationId: held!.violationId }, body: { attribute: false, note: 'rival ring' }, token: 'dev:analyst:bob', atIso: at(13) });
  // Redelivery changes nothing.
  await rt.pipeline.onViolations([brushing(0), brushing(2), brushing(4)]);
  return statuses;
}

async function outcome(rt: Runtime) {
  return {
    cases: rt.cases.all(),
    audit: { 'm-1': await rt.audit.list('m-1'), 'm-2': await rt.audit.list('m-2') },
    notices: rt.notices.published,
    // Task tokens differ between the runtimes by nature; everything else about an approval must not.
    pending: (await rt.approvals.pending(100)).map(({ taskToken: _token, ...rest }) => rest),
    decided: await Promise.all(
      (await rt.audit.list('m-1'))
        .filter((e) => e.action === 'approval_requested')
        .map(async (e) => {
          const { taskToken: _token, ...rest } = (await rt.approvals.get(e.ref!))!;
          return rest;
        }),
    ),
  };
}

describe('the penalty workflow state machine (synthesized from CDK) and the local runtime', () => {
  it('reach the same cases, audit trail, notices and approvals on the same input', async () => {
    // Arrange
    const local = localRuntime();
    const aws = stepFunctionsRuntime();

    // Act
    const localStatuses = await drive(local);
    const awsStatuses = await drive(aws);

    // Assert
    expect(awsStatuses).toEqual(localStatuses);
    expect(localStatuses.every((s) => s === 200 || s === 202)).toBe(true);
    const expected = await outcome(local);
    expect(await outcome(aws)).toEqual(expected);
    // The scenario exercised what it claims to: approvals, a rejection, a reversal, a dismissal.
    const actions = new Set(expected.audit['m-1'].map((e) => e.action));
    for (const action of ['approval_granted', 'approval_rejected', 'step_reversed', 'appeal_upheld']) expect(actions).toContain(action);
    expect(expected.audit['m-2'].map((e) => e.action)).toContain('violation_dismissed');
    expect(expected.decided.map((a) => [a.kind, a.status])).toEqual([
      ['blacklisted', 'approved'],
      ['deposit_deducted', 'rejected'],
      ['deposit_deducted', 'approved'],
      // Requested once the deduction applied; the upheld appeal cancelled it and released its execution.
      ['terminated', 'cancelled'],
    ]);
  });

  it('runs each approval as its own execution through the wait state, and every execution succeeds', async () => {
    const aws = stepFunctionsRuntime();

    await drive(aws);

    const executions = [...aws.interpreter!.executions.values()];
    expect(executions.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    const waits = executions.filter((e) => e.path.includes('Await approval'));
    // blacklisted, deposit (rejected), deposit (approved), terminated (cancelled by the appeal, released)
    expect(waits.map((e) => e.path)).toEqual(Array.from({ length: 4 }, () => ['Approval or event?', 'Await approval', 'Transition', 'Done']));
    expect(executions.filter((e) => !e.path.includes('Await approval')).every((e) => e.path.join(' > ') === 'Approval or event? > Transition > Done')).toBe(true);
    // Redelivered violations started no second execution.
    expect(executions.filter((e) => e.input.includes(`"ViolationRecorded"`))).toHaveLength(6); // m-1: days 0, 2, 4, 6, 9; m-2: day 3
    expect(aws.interpreter!.waitingTokens()).toEqual([]);
  });

  it('expires an approval nobody decides: the timeout path applies nothing', async () => {
    // Arrange: a blacklisting waits
    const aws = stepFunctionsRuntime();
    await aws.buyerLinks.record([{ buyerId: 'b-ring', kind: 'device', value: 'dev-owner', atMs: 0 }]);
    await aws.pipeline.onViolations([0, 2, 4].map((d) => brushingViolation('m-1', d, ['b-ring'])));
    const [token] = aws.interpreter!.waitingTokens();

    // Act: the task's TimeoutSeconds pass
    aws.clock.now = at(34);
    await aws.interpreter!.timeOut(token!);

    // Assert
    const s = await aws.state('m-1');
    expect(s.pending).toEqual([]);
    expect(s.blacklisted).toBe(false);
    expect((await aws.audit.list('m-1')).at(-1)).toMatchObject({ who: 'system:approval-timeout', action: 'approval_expired', when: at(34) });
    const expiredRun = [...aws.interpreter!.executions.values()].find((e) => e.path.includes('Approval expired'))!;
    expect(expiredRun).toMatchObject({ status: 'SUCCEEDED', path: ['Approval or event?', 'Await approval', 'Approval expired', 'Transition', 'Done'] });
  });
});
