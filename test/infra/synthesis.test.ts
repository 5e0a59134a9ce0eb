import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: true });
});

/**
 * Every accepted cdk-nag finding, where it is acknowledged. Adding one is a reviewed decision:
 * it has to be added here as well, next to the reason given in the stack.
 */
const EXPECTED_ACKNOWLEDGEMENTS = [
  'RisklinePenalties/Workflow/StateMachine/Role AwsSolutions-IAM5[Resource::*]',
  'RisklinePenalties/Workflow/StateMachine/Role AwsSolutions-IAM5[Resource::<WorkflowTaskFunctionD520993B.Arn>:*]',
  'RisklinePenalties/Workflow/Task/Function AwsSolutions-L1',
  'RisklinePenalties/Workflow/Task/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateful/ConsumerDeadLetterQueue AwsSolutions-SQS3',
  'RisklineStateful/FeatureStore AwsSolutions-AEC6',
  'RisklineStateful/StreamArchive/Bucket AwsSolutions-S1',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Action::s3:Abort*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Action::s3:GetObject*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Action::s3:List*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-IAM5[Resource::<StreamArchiveBucketF29CA130.Arn>/*]',
  'RisklineStateful/StreamArchive/orders-archive AwsSolutions-KDF1',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Action::s3:Abort*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Action::s3:GetObject*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Action::s3:List*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-IAM5[Resource::<StreamArchiveBucketF29CA130.Arn>/*]',
  'RisklineStateful/StreamArchive/reviews-archive AwsSolutions-KDF1',
  'RisklineStateful/Users AwsSolutions-COG8',
  'RisklineStateful/Vpc/StepFunctions AwsSolutions-EC23',
  'RisklineStateless/AnalystConsole/Distribution AwsSolutions-CFR1',
  'RisklineStateless/AnalystConsole/Distribution AwsSolutions-CFR2',
  'RisklineStateless/AnalystConsole/Distribution AwsSolutions-CFR4',
  'RisklineStateless/AnalystConsole/Logs AwsSolutions-S1',
  'RisklineStateless/BacktestWorker/Function AwsSolutions-L1',
  'RisklineStateless/BacktestWorker/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/BacktestWorker/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/BacktestWorker/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::riskline-stream-archive-<AWS::AccountId>-<AWS::Region>/*]',
  'RisklineStateless/BuyerWarnings/Api/$default-Route AwsSolutions-APIG4',
  'RisklineStateless/BuyerWarnings/Api/$disconnect-Route AwsSolutions-APIG4',
  'RisklineStateless/BuyerWarnings/Authorizer/Function AwsSolutions-L1',
  'RisklineStateless/BuyerWarnings/Authorizer/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/BuyerWarnings/Push/Function AwsSolutions-L1',
  'RisklineStateless/BuyerWarnings/Push/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/BuyerWarnings/Push/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/BuyerWarnings/Push/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<BuyerWarningsApi4630E420>/live/*/@connections/*]',
  'RisklineStateless/BuyerWarnings/Socket/Function AwsSolutions-L1',
  'RisklineStateless/BuyerWarnings/Socket/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Action::s3:Abort*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Action::s3:GetObject*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Action::s3:List*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Resource::<AnalystConsoleSite743092D4.Arn>/*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
  'RisklineStateless/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB AwsSolutions-L1',
  'RisklineStateless/Http/AnalystApi/Function AwsSolutions-L1',
  'RisklineStateless/Http/AnalystApi/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Http/Api/GET--v1--console--config AwsSolutions-APIG4',
  'RisklineStateless/Http/Api/GET--v1--health AwsSolutions-APIG4',
  'RisklineStateless/Http/BuyerWarnings/Function AwsSolutions-L1',
  'RisklineStateless/Http/BuyerWarnings/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Http/Health/Function AwsSolutions-L1',
  'RisklineStateless/Http/Health/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Http/PenaltyApi/Function AwsSolutions-L1',
  'RisklineStateless/Http/PenaltyApi/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Http/Reports/Function AwsSolutions-L1',
  'RisklineStateless/Http/Reports/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/Http/RiskScore/Function AwsSolutions-L1',
  'RisklineStateless/Http/RiskScore/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/OrderStream/Function AwsSolutions-L1',
  'RisklineStateless/OrderStream/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/ReportsSla/Function AwsSolutions-L1',
  'RisklineStateless/ReportsSla/Role AwsSolutions-IAM5[Resource::*]',
  'RisklineStateless/ReviewStream/Function AwsSolutions-L1',
  'RisklineStateless/ReviewStream/Role AwsSolutions-IAM5[Resource::*]',
];

/** The cdk-nag acknowledgements in the app (aws-cdk-lib records some of its own for its built-in checks). */
function acknowledgements(): { where: string; id: string; reason: unknown }[] {
  return riskline.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, reason]) => ({
          where: construct.node.path,
          // Older aws-cdk-lib versions prefixed the id with `annotation::` (cdk-nag strips it too).
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      )
      .filter((acknowledgement) => acknowledgement.id.startsWith('AwsSolutions-')),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  it('leaves no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(riskline.app).validateScope(riskline.app);

    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the reviewed findings', () => {
    expect(acknowledgements().map((a) => `${a.where} ${a.id}`).sort()).toEqual(EXPECTED_ACKNOWLEDGEMENTS);
  });

  it('gives every acknowledgement a reason of substance', () => {
    for (const acknowledgement of acknowledgements()) {
      expect(typeof acknowledgement.reason === 'string' ? acknowledgement.reason.length : 0, acknowledgement.id).toBeGreaterThan(60);
    }
  });
});
