/**
 * The penalty workflow in-process: the loop of the Step Functions state machine
 * (infra/constructs/penaltyWorkflow.ts) driven directly, for the replay, `npm start` and the local
 * runtime. Transition -> (awaiting approval? hold and pause until resumed -> Transition)* -> done.
 * Both run the same service, so the rules live in one place (the pure state machine).
 */
import type { Violation } from '../../domain/records';
import type { PenaltyEventInput } from '../../domain/penalties/state';
import { ConflictError } from '../../errors';
import type { PenaltyWorkflow } from '../../ports';
import type { PenaltyExecutions } from '../../ports/penalties';
import { createPenaltyService, type PenaltyService, type PenaltyServiceDeps, type WorkflowInput } from './service';

const TOKEN_PREFIX = 'local-task';

export class LocalPenaltyWorkflow implements PenaltyWorkflow, PenaltyExecutions {
  readonly service: PenaltyService;
  private tokens = 0;

  constructor(private readonly deps: Omit<PenaltyServiceDeps, 'tasks'>) {
    this.service = createPenaltyService({ ...deps, tasks: this });
  }

  /** One execution per violation, in event-time order (the order does not change the outcome, only the audit trail). */
  async onViolations(violations: readonly Violation[]): Promise<void> {
    const sorted = [...violations].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.violationId < b.violationId ? -1 : 1));
    for (const violation of sorted) {
      await this.start(violation.merchantId, { type: 'ViolationRecorded', violation: { ...violation } });
    }
  }

  async start(merchantId: string, event: PenaltyEventInput): Promise<void> {
    await this.run({ merchantId, event });
  }

  async resume(taskToken: string, event: PenaltyEventInput): Promise<void> {
    const approvalId = taskToken.startsWith(`${TOKEN_PREFIX}:`) ? taskToken.split(':')[1] : undefined;
    const approval = approvalId === undefined ? null : await this.deps.approvals.get(approvalId);
    if (approval === null || approval.taskToken !== taskToken) throw new ConflictError('no workflow execution waits on this task token');
    await this.run({ merchantId: approval.merchantId, event });
  }

  private async run(input: WorkflowInput): Promise<void> {
    const result = await this.service.transition(input);
    if (result.awaitApproval === undefined) return;
    // The wait state: the execution pauses here until `resume` is called with the analyst's decision.
    const taskToken = `${TOKEN_PREFIX}:${result.awaitApproval.approvalId}:${++this.tokens}`;
    await this.service.hold({ merchantId: input.merchantId, approval: result.awaitApproval, taskToken });
  }
}
