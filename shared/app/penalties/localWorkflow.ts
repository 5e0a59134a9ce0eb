/**
 * The penalty workflow in-process, for the replay, `npm start` and the local runtime. It runs the
 * Step Functions state machine of infra/constructs/penaltyWorkflow.ts step for step: an event
 * execution is one Transition; an approval execution is Hold (then paused until `resume` brings the
 * analyst's decision) followed by a Transition with that decision. Both runtimes call the same
 * service, so the rules live in one place: the pure state machine.
 */
import type { Violation } from '../../domain/records';
import type { PenaltyEventInput } from '../../domain/penalties/state';
import { ConflictError } from '../../errors';
import type { PenaltyWorkflow } from '../../ports';
import type { AwaitApproval, PenaltyExecutions } from '../../ports/penalties';
import { createPenaltyService, type PenaltyService, type PenaltyServiceDeps } from './service';

const TOKEN_PREFIX = 'local-task';

export class LocalPenaltyWorkflow implements PenaltyWorkflow, PenaltyExecutions {
  readonly service: PenaltyService;
  private tokens = 0;

  constructor(private readonly deps: Omit<PenaltyServiceDeps, 'executions'>) {
    this.service = createPenaltyService({ ...deps, executions: this });
  }

  /** One execution per violation, in event-time order (the order changes the audit trail, not the outcome). */
  async onViolations(violations: readonly Violation[]): Promise<void> {
    const sorted = [...violations].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.violationId < b.violationId ? -1 : 1));
    for (const violation of sorted) await this.start(violation.merchantId, { type: 'ViolationRecorded', violation: { ...violation } });
  }

  async start(merchantId: string, event: PenaltyEventInput): Promise<void> {
    await this.service.transition({ merchantId, event });
  }

  async awaitApproval(approval: AwaitApproval): Promise<void> {
    // The wait state: the execution pauses here until `resume` is called with the analyst's decision.
    const taskToken = `${TOKEN_PREFIX}:${approval.approvalId}:${++this.tokens}`;
    await this.service.hold({ merchantId: approval.merchantId, approval, taskToken });
  }

  async resume(taskToken: string, event: PenaltyEventInput): Promise<void> {
    const approvalId = taskToken.startsWith(`${TOKEN_PREFIX}:`) ? taskToken.split(':')[1] : undefined;
    const approval = approvalId === undefined ? null : await this.deps.approvals.get(approvalId);
    if (approval === null || approval.taskToken !== taskToken) throw new ConflictError('no workflow execution waits on this task token');
    await this.service.transition({ merchantId: approval.merchantId, event });
  }
}
