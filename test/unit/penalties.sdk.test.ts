/** The AWS adapters of the penalty workflow, against mocked SDK clients: Step Functions and EventBridge. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecutionAlreadyExists, SFNClient, SendTaskSuccessCommand, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePenaltyNotices, NOTICE_SOURCE } from '../../shared/adapters/eventbridge/penaltyNotices';
import { SfnPenaltyWorkflow } from '../../shared/adapters/stepfunctions/penaltyWorkflow';
import type { Notice } from '../../shared/domain/penalties/state';
import { ConflictError, DependencyError } from '../../shared/errors';
import { at, brushingViolation } from '../support/penalties';

const sfnMock = mockClient(SFNClient);
const eventsMock = mockClient(EventBridgeClient);
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:riskline-penalty-workflow';

afterEach(() => {
  sfnMock.reset();
  eventsMock.reset();
});

describe('SfnPenaltyWorkflow', () => {
  it('starts one execution per violation, named from the violation so a redelivery is the same execution', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x' });
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);
    const v = brushingViolation('m-1', 0, ['b-1']);

    await workflow.onViolations([v, brushingViolation('m-1', 2, ['b-1'])]);
    await workflow.onViolations([v]);

    const calls = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[0]!.name).toBe(calls[2]!.name);
    expect(calls[0]!.name).not.toBe(calls[1]!.name);
    expect(calls[0]!.name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(calls[0]!.stateMachineArn).toBe(ARN);
    expect(JSON.parse(calls[0]!.input!)).toEqual({ merchantId: 'm-1', event: { type: 'ViolationRecorded', violation: v } });
  });

  it('takes "already exists" as already started', async () => {
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);

    await expect(workflow.onViolations([brushingViolation('m-1', 0, ['b-1'])])).resolves.toBeUndefined();
  });

  it('reports any other failure as a dependency error, so the caller retries', async () => {
    sfnMock.on(StartExecutionCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);

    await expect(workflow.start('m-1', { type: 'ViolationRecorded', violation: brushingViolation('m-1', 0, ['b']) })).rejects.toBeInstanceOf(DependencyError);
  });

  it('starts the approval execution with the approval, named from its id', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'x' });
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);
    const approval = { approvalId: 'appr-1', merchantId: 'm-1', kind: 'blacklisted' as const, reasonCode: 'BLACKLIST_REPEAT_VIOLATOR', reason: 'r', requestedAt: at(1) };

    await workflow.awaitApproval(approval);
    await workflow.awaitApproval(approval);

    const [first, second] = sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(first!.name).toBe(second!.name);
    expect(JSON.parse(first!.input!)).toEqual({ merchantId: 'm-1', approval });
  });

  it('resumes the waiting execution with the decision as its output', async () => {
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);
    const decision = { type: 'ApprovalGranted' as const, approvalId: 'appr-1', by: 'alice', at: at(2), note: 'ok' };

    await workflow.resume('token-1', decision);

    const [call] = sfnMock.commandCalls(SendTaskSuccessCommand);
    expect(call!.args[0].input).toEqual({ taskToken: 'token-1', output: JSON.stringify(decision) });
  });

  it('answers a conflict when nobody waits on the token any more', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    const workflow = new SfnPenaltyWorkflow(new SFNClient({}), ARN);

    await expect(workflow.resume('token-1', { type: 'ApprovalRejected', approvalId: 'a', by: 'b', at: at(1) })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('EventBridgePenaltyNotices', () => {
  const notice = (n: number): Notice => ({
    noticeId: `notice-${n}`,
    detailType: 'penalty.warning.applied',
    merchantId: 'm-1',
    at: at(n),
    detail: { merchantId: 'm-1', kind: 'warning', stepId: `s-${n}` },
  });

  it('puts each notice on the bus with the riskline.penalties source and a detail-type per step, ten per call', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const notices = new EventBridgePenaltyNotices(new EventBridgeClient({}), 'riskline-penalties');

    await notices.publish(Array.from({ length: 12 }, (_, n) => notice(n)));

    const calls = eventsMock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((entries) => entries.length)).toEqual([10, 2]);
    expect(calls[0]![0]).toMatchObject({ EventBusName: 'riskline-penalties', Source: NOTICE_SOURCE, DetailType: 'penalty.warning.applied', Time: new Date(at(0)) });
    expect(JSON.parse(calls[0]![0]!.Detail!)).toMatchObject({ noticeId: 'notice-0', merchantId: 'm-1', kind: 'warning' });
  });

  it('sends again only the entries EventBridge did not accept', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: '1' }, { ErrorCode: 'ThrottlingException' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '3' }] });
    const notices = new EventBridgePenaltyNotices(new EventBridgeClient({}), 'bus', 1);

    await notices.publish([notice(1), notice(2)]);

    const second = eventsMock.commandCalls(PutEventsCommand)[1]!.args[0].input.Entries!;
    expect(second.map((e) => JSON.parse(e.Detail!).noticeId)).toEqual(['notice-2']);
  });

  it('fails with a dependency error when entries keep failing', async () => {
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const notices = new EventBridgePenaltyNotices(new EventBridgeClient({}), 'bus', 1);

    await expect(notices.publish([notice(1)])).rejects.toBeInstanceOf(DependencyError);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(4);
  });
});
