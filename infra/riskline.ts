/**
 * Builds the whole Riskline app into a CDK App: the stateful stack, the stateless stack fed from it,
 * and the cdk-nag AWS Solutions checks. Shared by `infra/app.ts` (the CLI entry) and the infra tests,
 * so the tests exercise exactly what `cdk synth` produces.
 */
import { Aspects, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_PREFIX } from '../shared/resources';
import { NotifyOnAlarms } from './constructs/alarms';
import { RisklinePenaltiesStack } from './stacks/penalties';
import { RisklineStatefulStack } from './stacks/stateful';
import { RisklineStatelessStack } from './stacks/stateless';

export interface Riskline {
  readonly stateful: RisklineStatefulStack;
  readonly stateless: RisklineStatelessStack;
  readonly penalties: RisklinePenaltiesStack;
}

/** Context keys read from cdk.json (or `-c key=value`). */
export const CONTEXT = {
  prefix: 'riskline:prefix',
  cacheNodeType: 'riskline:cacheNodeType',
  /** Optional: an address subscribed to the alarm topic. */
  alarmEmail: 'riskline:alarmEmail',
} as const;

const DEFAULT_CACHE_NODE_TYPE = 'cache.t4g.small';

export function buildRiskline(app: App): Riskline {
  const prefix = contextString(app, CONTEXT.prefix) ?? DEFAULT_PREFIX;
  const cacheNodeType = contextString(app, CONTEXT.cacheNodeType) ?? DEFAULT_CACHE_NODE_TYPE;
  const alarmEmail = contextString(app, CONTEXT.alarmEmail);

  // Environment-agnostic on purpose: synth needs no account, no credentials and no context lookups.
  const stateful = new RisklineStatefulStack(app, 'RisklineStateful', {
    description: 'Riskline stateful resources: Kinesis streams, DynamoDB tables, Valkey feature store, dead-letter queue',
    prefix,
    cacheNodeType,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
  });
  const penalties = new RisklinePenaltiesStack(app, 'RisklinePenalties', {
    description: 'Riskline penalty workflow: Step Functions state machine, its task function, the notice bus',
    prefix,
    resources: stateful,
  });
  const stateless = new RisklineStatelessStack(app, 'RisklineStateless', {
    description: 'Riskline stateless resources: stream consumer functions, HTTP API and alarms',
    resources: stateful,
    penaltyWorkflow: penalties.workflow.stateMachine,
  });

  // Every alarm, in every stack, tells the on-call when it fires and when it recovers.
  Aspects.of(app).add(new NotifyOnAlarms(stateful.alarms.topic));

  // Findings at error level fail the synth; each accepted one is acknowledged next to its resource, with the reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless, penalties };
}

function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new Error(`context ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
