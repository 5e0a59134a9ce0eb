/**
 * The Task Lambda of the penalty workflow state machine (infra/constructs/penaltyWorkflow.ts):
 *   { action: 'transition', merchantId, event }          runs the pure state machine on the case
 *   { action: 'hold', merchantId, approval, taskToken }  the `.waitForTaskToken` state: stores the
 *                                                        approval with the token the decision resumes
 * Errors keep their class name (ConflictError, DependencyError, ValidationError), which the state
 * machine's Retry matches on.
 */
import middy from '@middy/core';
import { z } from 'zod';
import { HoldInputSchema, TransitionInputSchema, parseWith, type PenaltyService, type TransitionOutput } from '../../shared/app/penalties/service';

export const PenaltyTaskSchema = z.discriminatedUnion('action', [
  TransitionInputSchema.extend({ action: z.literal('transition') }),
  HoldInputSchema.extend({ action: z.literal('hold') }),
]);
export type PenaltyTask = z.input<typeof PenaltyTaskSchema>;

export interface PenaltyWorkflowHandlerDeps {
  service: PenaltyService;
}

export function makePenaltyWorkflowHandler(deps: PenaltyWorkflowHandlerDeps) {
  return middy<unknown, TransitionOutput | { held: string }>().handler(async (raw) => {
    const task = parseWith(PenaltyTaskSchema, raw, 'penalty workflow task');
    if (task.action === 'transition') return deps.service.transition({ merchantId: task.merchantId, event: task.event });
    await deps.service.hold({ merchantId: task.merchantId, approval: task.approval, taskToken: task.taskToken });
    return { held: task.approval.approvalId };
  });
}
