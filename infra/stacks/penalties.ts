/**
 * The merchant penalty workflow: its state machine, Task Lambda and notice bus. Stateless (the cases,
 * approvals and audit trail are tables of the stateful stack), and a stack of its own so the workflow
 * can be redeployed without touching the stream consumers, and the reverse.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PenaltyWorkflow } from '../constructs/penaltyWorkflow';
import type { RisklineStatefulResources } from './stateful';

export interface RisklinePenaltiesStackProps extends StackProps {
  readonly prefix: string;
  readonly resources: RisklineStatefulResources;
}

export class RisklinePenaltiesStack extends Stack {
  readonly workflow: PenaltyWorkflow;

  constructor(scope: Construct, id: string, props: RisklinePenaltiesStackProps) {
    super(scope, id, props);
    const { tables } = props.resources;
    this.workflow = new PenaltyWorkflow(this, 'Workflow', {
      prefix: props.prefix,
      tables: {
        penaltyCases: tables.penaltyCases,
        penaltyAudit: tables.penaltyAudit,
        penaltyApprovals: tables.penaltyApprovals,
        merchantIdentities: tables.merchantIdentities,
        buyerLinks: tables.buyerLinks,
        configVersions: tables.configVersions,
      },
    });
  }
}
