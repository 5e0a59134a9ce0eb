/** The penalty workflow's infrastructure: state machine, task function, notice bus, API and grants. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PENALTY_ROUTE_KEYS } from '../../functions/penalty-api/handler';
import { REPORT_ROUTE_KEYS } from '../../functions/reports/handler';
import { HTTP_ROUTES } from '../../shared/http/routes';
import { PENALTY_WORKFLOW, REPORTS_SLA, TABLES, penaltyEventBusName, penaltyStateMachineName } from '../../shared/resources';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';
import type { IConstruct } from 'constructs';

let riskline: SynthesizedRiskline;
let penalties: Template;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
  penalties = Template.fromStack(riskline.penalties);
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of the policies attached to a role (inline and managed by CDK). */
function statementsOfRole(template: Template, role: IConstruct): Statement[] {
  const roleId = logicalIdOf(role);
  const attached = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).map(
    (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
  );
  const inline = ((template.findResources('AWS::IAM::Role')[roleId]!.Properties as { Policies?: { PolicyDocument: { Statement: Statement[] } }[] }).Policies ?? []).map(
    (p) => p.PolicyDocument.Statement,
  );
  return [...attached, ...inline].flat();
}

function actionsOn(statements: Statement[], logicalId: string): string[] {
  return statements.filter((s) => refersTo(s.Resource, logicalId)).flatMap((s) => [s.Action].flat()).sort();
}

function definition(): string {
  const [machine] = Object.values(penalties.findResources('AWS::StepFunctions::StateMachine'));
  return JSON.stringify((machine!.Properties as { DefinitionString: unknown }).DefinitionString);
}

describe('penalty workflow state machine', () => {
  it('is a Standard state machine named from the prefix, logging every event (without payloads) and traced', () => {
    penalties.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    penalties.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: penaltyStateMachineName(),
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('waits for an approver on a task token, for at most 30 days, and turns a timeout into an expired approval', () => {
    const asl = definition();

    expect(asl).toContain('lambda:invoke.waitForTaskToken');
    expect(asl).toContain('\\"taskToken.$\\":\\"$$.Task.Token\\"');
    expect(asl).toContain(`\\"TimeoutSeconds\\":${30 * 86_400}`);
    expect(asl).toContain('\\"ErrorEquals\\":[\\"States.Timeout\\"]');
    expect(asl).toContain('\\"type\\":\\"ApprovalExpired\\"');
  });

  it('retries the task on conflicts and dependency failures', () => {
    expect(definition()).toContain('\\"ErrorEquals\\":[\\"ConflictError\\",\\"DependencyError\\"]');
  });

  it('alarms when an execution fails', () => {
    penalties.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Threshold: 0 });
  });
});

describe('penalty workflow task function', () => {
  const fn = () => riskline.penalties.workflow.function.function;

  it('runs outside the VPC (it needs no VPC resource) and knows the state machine and the bus', () => {
    const resource = penalties.findResources('AWS::Lambda::Function')[logicalIdOf(fn())]!;
    const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(resource.Properties.VpcConfig).toBeUndefined();
    expect(variables[PENALTY_WORKFLOW.eventBusEnvVar]).toBeDefined();
    expect(JSON.stringify(variables[PENALTY_WORKFLOW.stateMachineArnEnvVar])).toContain(`:stateMachine:${penaltyStateMachineName()}`);
    for (const id of ['penaltyCases', 'penaltyAudit', 'penaltyApprovals', 'merchantIdentities', 'buyerLinks'] as const) {
      expect(variables[TABLES[id].envVar], id).toBeDefined();
    }
  });

  it('may only append to the audit trail, and only read the identity tables', () => {
    const statements = statementsOfRole(penalties, fn().role!);
    const table = (id: keyof typeof TABLES) => logicalIdOf(riskline.stateful.tables[id].table);

    expect(actionsOn(statements, table('penaltyAudit'))).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(statements, table('merchantIdentities'))).toEqual(['dynamodb:Query']);
    expect(actionsOn(statements, table('buyerLinks'))).toEqual(['dynamodb:Query']);
    expect(actionsOn(statements, table('penaltyCases'))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('dynamodb:Delete'))).toEqual([]);
  });

  it('publishes notices to its own bus and starts and resumes only its own workflow', () => {
    const statements = statementsOfRole(penalties, fn().role!);

    expect(actionsOn(statements, logicalIdOf(riskline.penalties.workflow.eventBus))).toEqual(['events:PutEvents']);
    const own = statements.find((s) => [s.Action].flat().includes('states:StartExecution'))!;
    expect([own.Action].flat().sort()).toEqual(['states:SendTaskSuccess', 'states:StartExecution']);
    expect(JSON.stringify(own.Resource)).toContain(`:stateMachine:${penaltyStateMachineName()}`);
  });

  it('sends notices to the riskline-penalties bus', () => {
    penalties.hasResourceProperties('AWS::Events::EventBus', { Name: penaltyEventBusName() });
  });
});

describe('penalty API and the order consumer', () => {
  it('serves every route of the penalty handler, and only those, on the penalty-api function behind the JWT authorizer', () => {
    const declared = HTTP_ROUTES.filter((r) => r.functionId === 'penalty-api').map((r) => r.routeKey);
    const built = Object.values(riskline.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Record<string, unknown>);

    expect([...declared].sort()).toEqual(Object.values(PENALTY_ROUTE_KEYS).sort());
    for (const routeKey of declared) {
      expect(built.find((r) => r.RouteKey === routeKey), routeKey).toMatchObject({ AuthorizationType: 'JWT' });
    }
  });

  it('lets the penalty API start executions and answer task tokens of the workflow, read cases and never write the audit trail', () => {
    const api = riskline.stateless.httpApi.functions['penalty-api']!.function;
    const statements = statementsOfRole(riskline.statelessTemplate, api.role!);
    const machine = logicalIdOf(riskline.penalties.workflow.stateMachine);

    const onMachine = statements.filter((s) => refersTo(s.Resource, machine)).flatMap((s) => [s.Action].flat());
    expect(onMachine).toEqual(expect.arrayContaining(['states:StartExecution', 'states:SendTaskSuccess']));
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.penaltyAudit.table))).toEqual(['dynamodb:Query']);
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.penaltyCases.table))).toEqual(['dynamodb:GetItem']);
  });

  it('lets the order consumer start penalty executions, through a Step Functions endpoint in the VPC', () => {
    const statements = statementsOfRole(riskline.statelessTemplate, riskline.stateless.orderStream.function.role!);
    const start = statements.filter((s) => [s.Action].flat().includes('states:StartExecution'));

    expect(start).toHaveLength(1);
    expect(refersTo(start[0]!.Resource, logicalIdOf(riskline.penalties.workflow.stateMachine))).toBe(true);
    const interfaces = Object.values(riskline.statefulTemplate.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(interfaces.map((e) => [JSON.stringify(e.Properties.ServiceName).includes('.states'), e.Properties.PrivateDnsEnabled])).toEqual([[true, true]]);
  });
});

describe('buyer reports', () => {
  it('serves every route of the reports handler, and only those, on the reports function behind the JWT authorizer', () => {
    const declared = HTTP_ROUTES.filter((r) => r.functionId === 'reports').map((r) => r.routeKey);
    const built = Object.values(riskline.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Record<string, unknown>);

    expect([...declared].sort()).toEqual(Object.values(REPORT_ROUTE_KEYS).sort());
    for (const routeKey of declared) expect(built.find((r) => r.RouteKey === routeKey), routeKey).toMatchObject({ AuthorizationType: 'JWT' });
  });

  it('lets the reports function keep reports, add violations (never change them), notify buyers and start penalty executions, and nothing on the cases', () => {
    const fn = riskline.stateless.httpApi.functions.reports!.function;
    const statements = statementsOfRole(riskline.statelessTemplate, fn.role!);

    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.reports.table)).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.violations.table))).not.toContain('dynamodb:UpdateItem');
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.violations.table))).toContain('dynamodb:PutItem');
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.penaltyCases.table))).toEqual([]);
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.warnings.table))).toContain('dynamodb:PutItem');
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.decisions.table))).toEqual(['dynamodb:Query']);
    const onMachine = statements.filter((s) => refersTo(s.Resource, logicalIdOf(riskline.penalties.workflow.stateMachine))).flatMap((s) => [s.Action].flat());
    expect(onMachine).toEqual(['states:StartExecution']);
  });

  it('keeps reports in a table with the open queue, buyer and merchant indexes', () => {
    riskline.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: TABLES.reports.partitionKey.name, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: Match.arrayWith(TABLES.reports.globalIndexes.map((i) => Match.objectLike({ IndexName: i.indexName }))),
    });
  });
});

describe('buyer reports: timely handling', () => {
  it('checks the queue on a schedule and alarms when reports stay overdue for an hour', () => {
    const fn = riskline.stateless.reportsSla.function;
    const rules = Object.values(riskline.statelessTemplate.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(logicalIdOf(fn)),
    );
    expect(rules.map((r) => r.Properties.ScheduleExpression)).toEqual([`rate(${REPORTS_SLA.everyMinutes} minutes)`]);
    riskline.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: REPORTS_SLA.namespace,
      MetricName: REPORTS_SLA.metrics.overdue,
      Dimensions: [{ Name: 'service', Value: REPORTS_SLA.service }],
      Threshold: 0,
      EvaluationPeriods: 60 / REPORTS_SLA.everyMinutes,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // It reads the queue and nothing else.
    const statements = statementsOfRole(riskline.statelessTemplate, fn.role!);
    expect(actionsOn(statements, logicalIdOf(riskline.stateful.tables.reports.table))).toEqual(['dynamodb:Query']);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)|^states:/.test(a))).toEqual([]);
  });
});
