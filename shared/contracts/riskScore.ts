/**
 * POST /v1/risk-score: what checkout sends (a candidate order: the order event's fields without
 * eventId) and what it gets back. zod schemas are the single source of truth for both.
 */
import { z } from 'zod';
import { OrderEventSchema } from './events';

export const CandidateOrderSchema = OrderEventSchema.omit({ eventId: true, label: true }).extend({
  schemaVersion: z.literal(1).default(1),
  kind: z.literal('order').default('order'),
  type: z.enum(['order.placed', 'order.paid']).default('order.placed'),
  /** When the order is being placed; the request's arrival time if absent. */
  occurredAt: OrderEventSchema.shape.occurredAt.optional(),
});

export type CandidateOrder = z.infer<typeof CandidateOrderSchema>;

export const RiskScoreResponseSchema = z.object({
  decisionId: z.string(),
  score: z.number().min(0).max(100),
  decision: z.enum(['allow', 'review', 'block']),
  reasons: z.array(z.object({ code: z.string(), detail: z.string() })),
  warnings: z.array(
    z.object({
      type: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      skuId: z.string().optional(),
      message: z.object({ zh: z.string(), en: z.string() }),
    }),
  ),
  configVersion: z.string(),
  degraded: z.boolean(),
  /** Why the answer is degraded: which features were missing. */
  degradedReasons: z.array(z.string()).optional(),
});

export type RiskScoreResponse = z.infer<typeof RiskScoreResponseSchema>;
