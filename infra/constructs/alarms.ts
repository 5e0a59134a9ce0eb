/**
 * Riskline's alarms: where they go, and the shape most of them share.
 *
 * Where they go: one SNS topic for the on-call, which every CloudWatch alarm of the app
 * notifies when it fires and again when it recovers. An alarm nobody is told about is a graph.
 *
 * The topic is encrypted with its own key (CloudWatch may use it to publish) and accepts TLS only.
 * Subscribers are the operators' choice: an email from context (`riskline:alarmEmail`), or any
 * subscription added to the topic after deployment (a pager, a chat webhook through Lambda).
 */
import type { IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface RisklineAlarmTopicProps {
  /** Subscribed by email when given (the address confirms the subscription). */
  readonly email?: string;
}

export class RisklineAlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: RisklineAlarmTopicProps = {}) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'Riskline alarm topic: server-side encryption' });
    // CloudWatch publishes alarm state changes to the encrypted topic.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Riskline alarms', masterKey: key, enforceSSL: true });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}

/**
 * An alarm for what should never happen: it fires when the metric is above zero in one period (a
 * failed batch, an error, a 5xx), and a period without data is not a breach.
 */
export function alarmOnAny(scope: Construct, id: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Every CloudWatch alarm it visits notifies the topic on ALARM and on OK. Applied to the whole app. */
export class NotifyOnAlarms implements IAspect {
  private readonly action: SnsAction;

  constructor(topic: sns.ITopic) {
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm)) return;
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
