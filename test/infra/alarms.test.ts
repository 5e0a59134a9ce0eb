/** Alarms reach someone: every alarm notifies the on-call topic; checkout's risk score has its own alarms. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEGRADED_LOG_MESSAGE } from '../../shared/app/riskScore';
import { logicalIdOf, refersTo, synthesizeRiskline, type SynthesizedRiskline } from './synth';

let riskline: SynthesizedRiskline;
let templates: Record<string, Template>;

beforeAll(() => {
  riskline = synthesizeRiskline({ cloudFormationValidation: false });
  templates = { stateful: riskline.statefulTemplate, stateless: riskline.statelessTemplate, penalties: Template.fromStack(riskline.penalties) };
});

type AlarmProperties = { AlarmActions?: unknown[]; OKActions?: unknown[]; AlarmDescription?: string; Threshold?: number; ExtendedStatistic?: string; Metrics?: unknown[] };

function alarms(template: Template): [string, AlarmProperties][] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => [id, r.Properties as AlarmProperties]);
}

describe('the alarm topic', () => {
  it('is encrypted with a rotated key that CloudWatch may use, and accepts TLS only', () => {
    const topicKey = logicalIdOf(riskline.stateful.alarms.topic.masterKey!);
    riskline.statefulTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': [topicKey, 'Arn'] }) });
    riskline.statefulTemplate.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      }),
    });
    riskline.statefulTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
  });

  it('has no subscriber unless one is configured, and an email one from context', () => {
    riskline.statefulTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthesizeRiskline({ context: { 'riskline:alarmEmail': 'oncall@example.com' }, cloudFormationValidation: false });
    withEmail.statefulTemplate.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('is told by every alarm of every stack, when it fires and when it recovers', () => {
    const topicId = logicalIdOf(riskline.stateful.alarms.topic);
    const all = Object.entries(templates).flatMap(([stack, t]) => alarms(t).map(([id, p]) => ({ stack, id, p })));
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const { stack, id, p } of all) {
      expect(p.AlarmActions, `${stack}/${id} AlarmActions`).toHaveLength(1);
      expect(p.OKActions, `${stack}/${id} OKActions`).toHaveLength(1);
      expect(refersTo(p.AlarmActions, topicId), `${stack}/${id} notifies the topic`).toBe(true);
      expect(refersTo(p.OKActions, topicId), `${stack}/${id} notifies the topic on recovery`).toBe(true);
    }
  });
});

describe('risk-score alarms', () => {
  const riskScore = () => riskline.stateless.httpApi.functions['risk-score']!;

  it('fire on a slow p99 (checkout is waiting)', () => {
    const latency = alarms(riskline.statelessTemplate).find(([id]) => id === logicalIdOf(riskScore().node.findChild('LatencyAlarm')));
    expect(latency?.[1]).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 250, MetricName: 'Duration', EvaluationPeriods: 5, DatapointsToAlarm: 3 });
  });

  it('count degraded answers from the handler\'s own log line, as a share of invocations', () => {
    riskline.statelessTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalIdOf(riskScore().logGroup) },
      FilterPattern: `{ $.message = "${DEGRADED_LOG_MESSAGE}" }`,
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'Riskline', MetricName: 'RiskScoreDegraded', MetricValue: '1' })],
    });
    const degraded = alarms(riskline.statelessTemplate).find(([id]) => id === logicalIdOf(riskScore().node.findChild('DegradedAlarm')))?.[1];
    expect(JSON.stringify(degraded?.Metrics)).toContain('100 * FILL(degraded, 0) / invocations');
    expect(degraded?.Threshold).toBe(1);
  });

  it('fire on any function error and on any 5xx the API returns', () => {
    expect(alarms(riskline.statelessTemplate).some(([id]) => id === logicalIdOf(riskScore().node.findChild('ErrorsAlarm')))).toBe(true);
    riskline.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx', Namespace: 'AWS/ApiGateway', Threshold: 0 });
  });
});
