/**
 * The penalty workflow on AWS Step Functions: one Standard execution per event, named from the
 * event's idempotency key, so a violation delivered twice starts one execution (Step Functions
 * refuses a second execution of the same name, and that refusal is the answer "already started"),
 * and one per severe step, which waits on a task token until an analyst decides.
 */
import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stableId } from '../../domain/ids';
import type { Violation } from '../../domain/records';
import { eventKey, type PenaltyEventInput } from '../../domain/penalties/state';
import { ConflictError, DependencyError } from '../../errors';
import type { PenaltyWorkflow } from '../../ports';
import type { AwaitApproval, PenaltyExecutions } from '../../ports/penalties';
import { mapBounded } from '../dynamodb/concurrency';

/** Errors of SendTaskSuccess meaning nobody waits on the token any more. */
const TASK_GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** Execution names: 1..80 of [A-Za-z0-9-_]; derived from the event key, so the same event has the same name. */
export function executionName(event: PenaltyEventInput): string {
  return stableId('pen', eventKey(event));
}

export function approvalExecutionName(approvalId: string): string {
  return stableId('pen-wait', approvalId);
}

export class SfnPenaltyWorkflow implements PenaltyWorkflow, PenaltyExecutions {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
    private readonly concurrency = 4,
  ) {}

  async onViolations(violations: readonly Violation[]): Promise<void> {
    await mapBounded(violations, this.concurrency, (violation) =>
      this.start(violation.merchantId, { type: 'ViolationRecorded', violation: { ...violation } }),
    );
  }

  async start(merchantId: string, event: PenaltyEventInput): Promise<void> {
    await this.startExecution(executionName(event), { merchantId, event });
  }

  async awaitApproval(approval: AwaitApproval): Promise<void> {
    await this.startExecution(approvalExecutionName(approval.approvalId), { merchantId: approval.merchantId, approval });
  }

  private async startExecution(name: string, input: unknown): Promise<void> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw new DependencyError('stepfunctions', error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  async resume(taskToken: string, event: PenaltyEventInput): Promise<void> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(event) }));
    } catch (error) {
      if (error instanceof Error && TASK_GONE.has(error.name)) throw new ConflictError(`the workflow no longer waits on this approval (${error.name})`);
      throw new DependencyError('stepfunctions', error instanceof Error ? error.message : String(error), { cause: error });
    }
  }
}
