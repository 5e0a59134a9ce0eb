/** How the synchronous risk-score endpoint behaves when its features are late or unavailable. */
import { z } from 'zod';

export const RiskScoreRulesSchema = z.object({
  /** Hard budget for reading features; past it the endpoint answers without them (`degraded`). */
  featureBudgetMs: z.number().int().min(1).max(5_000),
  /**
   * Degraded answers: `open` keeps the decision from the features it has (availability first),
   * `closed` raises it to at least `closedDecision`. Orders at or above `closedFromAmount` (minor
   * units) are always treated as `closed`: a cheap order may pass unchecked, an expensive one may not.
   */
  onDegraded: z.object({
    mode: z.enum(['open', 'closed']),
    closedDecision: z.enum(['review', 'block']),
    closedFromAmount: z.number().int().min(0).optional(),
  }),
  /** How long an Idempotency-Key keeps its answer. */
  idempotencyTtlSeconds: z.number().int().min(1),
});

export type RiskScoreRules = z.infer<typeof RiskScoreRulesSchema>;
