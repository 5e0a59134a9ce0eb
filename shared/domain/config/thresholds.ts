/**
 * The thresholds document: versioned data that analysts edit, validated here. Every detector reads
 * its limits from it, never from code. A limit is checked with `=== undefined`, never with `!x`
 * (a limit of 0 is a real limit).
 */
import { z } from 'zod';
import { PenaltyPolicySchema } from '../penalties/policy';
import { DEFAULT_REPORT_RULES, ReportRulesSchema } from './reportRules';
import { PaymentRulesSchema } from './paymentRules';
import { PriceGougingRulesSchema } from './priceRules';
import { ReviewRulesSchema } from './reviewRules';
import { RiskScoreRulesSchema } from './riskScoreRules';
import { WarningRulesSchema } from './warningRules';

const weight = z.number().min(0).max(100);

export const OrderBrushingRuleSchema = z.object({
  enabled: z.boolean(),
  /** Length of the sliding window (the industry uses one hour). */
  windowMinutes: z.number().positive(),
  /** orders / distinct buyers inside a window at or above which the window is brushing. */
  concentrateRate: z.number().positive(),
  /** Score contribution when the scored order lies inside a brushing window of its shop. */
  weight,
  /** Further contribution when the order's buyer placed at least `concentrateRate` orders in that window. */
  repeatBuyerWeight: weight,
  /**
   * A brushing window becomes a violation only once event time has passed its start plus the
   * window length plus this allowance for late events: until then a later order inside the window
   * could still dilute it below the rate, and a merchant must not be penalised for a window that,
   * by the definition, never was.
   */
  allowedLatenessMinutes: z.number().min(0),
  /** One `fake_orders` violation per merchant per bucket of this many hours of brushing. */
  violationBucketHours: z.number().positive(),
});

export const ThresholdsSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** A human-readable, unique version id; every decision records it. */
    version: z.string().min(1),
    description: z.string().optional(),
    scoring: z.object({
      /** score >= reviewAt -> `review` */
      reviewAt: z.number().min(0).max(100),
      /** score >= blockAt -> `block` */
      blockAt: z.number().min(0).max(100),
    }),
    rules: z.object({
      orderBrushing: OrderBrushingRuleSchema,
      payments: PaymentRulesSchema,
      priceGouging: PriceGougingRulesSchema,
      /** Fake reviews (炒信): trust weights, bursts, rings, near-duplicate texts. */
      reviews: ReviewRulesSchema,
    }),
    riskScore: RiskScoreRulesSchema,
    /** The merchant penalty ladder, blacklist, reverse-brushing guard, appeals and credit score. */
    penalties: PenaltyPolicySchema,
    /** Buyer warnings: de-duplication window, per-buyer rate limit, retention, withdrawal, own sources. */
    warnings: WarningRulesSchema,
    /** Buyer reports (投诉与举报): how soon analysts answer, per-buyer limit, escalation. Absent in versions written before reports: the defaults. */
    reports: ReportRulesSchema.default(DEFAULT_REPORT_RULES),
  })
  .refine((t) => t.scoring.reviewAt <= t.scoring.blockAt, {
    message: 'reviewAt must not exceed blockAt',
    path: ['scoring', 'reviewAt'],
  });

export type Thresholds = z.infer<typeof ThresholdsSchema>;
export type OrderBrushingRule = z.infer<typeof OrderBrushingRuleSchema>;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
