/**
 * Builds the Riskline app the way `cdk synth` does (same builder, same cdk.json context, cdk-nag
 * attached) but with asset bundling skipped, so the infra tests need neither esbuild output, Docker
 * nor the network, and do not depend on the handlers' imports resolving.
 */
import { readFileSync } from 'node:fs';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { repoPath } from '../../infra/paths';
import { buildRiskline, type Riskline } from '../../infra/riskline';

export interface SynthesizedRiskline extends Riskline {
  readonly app: App;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
}

/** The `context` block of cdk.json: feature flags and Riskline defaults. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface SynthesisOptions {
  /** Context on top of cdk.json's. */
  readonly context?: Record<string, unknown>;
  /**
   * aws-cdk-lib's built-in CloudFormation template validation, as `cdk synth` runs it (errors fail,
   * cdk.json sets validateAgainstDefaultRules). It costs several seconds per synthesis, so only the
   * suite that is about synthesis turns it on.
   */
  readonly cloudFormationValidation: boolean;
}

export function synthesizeRiskline(options: SynthesisOptions): SynthesizedRiskline {
  const app = new App({
    builtinCloudFormationValidation: options.cloudFormationValidation,
    context: {
      ...cdkJsonContext(),
      // No stack matches: NodejsFunction assets are staged without running esbuild (documented CDK context key).
      'aws:cdk:bundling-stacks': [],
      ...options.context,
    },
  });
  const riskline = buildRiskline(app);
  return {
    app,
    ...riskline,
    // Synthesis runs the cdk-nag plugin too: an unacknowledged error-level finding throws here.
    statefulTemplate: Template.fromStack(riskline.stateful),
    statelessTemplate: Template.fromStack(riskline.stateless),
  };
}

/** The logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(element).getLogicalId(element);
}

/**
 * True if a (possibly cross-stack) value refers to the resource with this logical id. Whatever the
 * reference mechanism (Ref, GetAtt, export or stack output), the producer's logical id is in it.
 */
export function refersTo(value: unknown, logicalId: string): boolean {
  return JSON.stringify(value).includes(logicalId);
}
