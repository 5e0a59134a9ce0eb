/**
 * Buyer warnings (风险提示): how often a buyer may be warned, for how long a warning is kept, what
 * withdraws it, and the warnings the capability raises itself (a restricted merchant, manipulated
 * reviews on a SKU the buyer has an open order for). Times are event time.
 */
import { z } from 'zod';
import { PenaltyLevelSchema } from '../penalties/policy';
import type { WarningSeverity, WarningType } from '../records';

export const WARNING_TYPES = ['price_gouging', 'payment_not_by_owner', 'merchant_restricted', 'reviews_manipulated', 'report_outcome'] as const satisfies readonly WarningType[];
export const WarningTypeSchema = z.enum(WARNING_TYPES);
export const WARNING_SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly WarningSeverity[];
export const WarningSeveritySchema = z.enum(WARNING_SEVERITIES);

export const WarningRulesSchema = z.object({
  /** Off: warning requests are dropped (detection, scores and violations are unaffected). */
  enabled: z.boolean(),
  /**
   * The same warning (buyer, type and subject: one warningId) is stored once within this many hours
   * of its first issue; a later occurrence renews it (unread again, on top of the list).
   */
  dedupeWindowHours: z.number().positive(),
  rateLimit: z.object({
    /** New warnings per buyer per window at most (0: only the exempt severities get through). */
    maxPerWindow: z.number().int().min(0),
    windowMinutes: z.number().positive(),
    /** Severities the limit never holds back (a payment the owner did not make must always arrive). */
    exemptSeverities: z.array(WarningSeveritySchema),
  }),
  /** How long a warning is listed (and kept: the table's TTL) after its issue. */
  retentionDays: z.number().positive(),
  /** Types withdrawn when the order they are about is cancelled: the risk is gone with the order. */
  withdrawOnCancel: z.array(WarningTypeSchema),
  merchantRestricted: z.object({
    enabled: z.boolean(),
    /** A buyer placing an order with a merchant at this ladder level or above is warned; a blacklisted merchant always. */
    fromLevel: PenaltyLevelSchema,
  }),
  reviewsManipulated: z.object({
    enabled: z.boolean(),
    /** An order is open from its placement until it completes, is cancelled or refunded, for at most this many days. */
    openOrderDays: z.number().positive(),
  }),
});

export type WarningRules = z.infer<typeof WarningRulesSchema>;
