/**
 * The penalty policy: the ladder, decay, attribution (the reverse-brushing guard), the blacklist,
 * appeals and the credit score, as versioned data inside the thresholds document (`penalties`).
 * The shipped defaults are in shared/config/thresholds.default.json and documented in
 * shared/domain/penalties/README.md.
 */
import { z } from 'zod';
import type { ViolationType } from '../records';

/** The policy's sanctions, mildest first (违规行为处罚: 警告、限制发布商品、暂停交易、扣除保证金、终止合作). */
export const PENALTY_LEVELS = ['warning', 'listing_restricted', 'trading_suspended', 'deposit_deducted', 'terminated'] as const;
export const PenaltyLevelSchema = z.enum(PENALTY_LEVELS);
export type PenaltyLevel = z.infer<typeof PenaltyLevelSchema>;

export const VIOLATION_TYPES = ['fake_orders', 'fake_reviews', 'price_gouging', 'suspicious_payments'] as const;
export const ViolationTypeSchema = z.enum(VIOLATION_TYPES);
// A violation type added to records.ts without a weight here fails to compile, on purpose.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _violationTypesMatchRecords: Same<z.infer<typeof ViolationTypeSchema>, ViolationType> = true;
void _violationTypesMatchRecords;

/** How a buyer behind a violation can be tied to the merchant's own identities. */
export const LINK_KINDS = ['own_account', 'shared_device', 'shared_instrument', 'shared_address'] as const;
export const LinkKindSchema = z.enum(LINK_KINDS);
export type LinkKind = z.infer<typeof LinkKindSchema>;

const days = z.number().positive();

export const LadderConditionSchema = z.object({
  /** Violation types counted (each weighted by `typeWeights`); omitted: every type. */
  types: z.array(ViolationTypeSchema).min(1).optional(),
  /** Only violations at most this old count. */
  windowDays: days,
  /** The decayed, weighted count at or above which the condition holds. */
  minWeighted: z.number().positive(),
});

export const LadderRungSchema = z.object({
  level: PenaltyLevelSchema,
  /** The level is earned when any of these holds. */
  anyOf: z.array(LadderConditionSchema).min(1),
  /** Severe steps wait for an analyst's approval before they apply. */
  requiresApproval: z.boolean(),
});

export const PenaltyPolicySchema = z
  .object({
    enabled: z.boolean(),
    /** A strike's weight halves every this many days (an old strike weighs less). */
    halfLifeDays: days,
    /** Severity of one violation of each type, in strikes. */
    typeWeights: z.record(ViolationTypeSchema, z.number().min(0)),
    /**
     * The most levels one attribution moment (a violation counted, a pattern established, an analyst
     * attributing a held violation) can add: the ladder is climbed step by step, never jumped.
     */
    maxStepsPerMoment: z.number().int().positive(),
    /** One rung per level, in PENALTY_LEVELS order. */
    ladder: z.array(LadderRungSchema).length(PENALTY_LEVELS.length),
    blacklist: z
      .object({
        /** Blacklisted once the earned level reaches this one. */
        atLevel: PenaltyLevelSchema.optional(),
        /** ... or once this many counted violations fall within `windowDays` (repeat violators, 多次违规). */
        repeat: z.object({ minViolations: z.number().int().positive(), windowDays: days }).optional(),
        requiresApproval: z.boolean(),
      })
      .refine((b) => b.atLevel !== undefined || b.repeat !== undefined, { message: 'give atLevel, repeat or both' }),
    attribution: z.object({
      /** Types a competitor can stage against a rival (reverse brushing): counted only when attributed. */
      requiredFor: z.array(ViolationTypeSchema),
      /** Strength of each kind of link; the distinct kinds found are summed. */
      linkWeights: z.record(LinkKindSchema, z.number().min(0)),
      /** The summed link strength at or above which a violation is attributed to the merchant. */
      minLinkScore: z.number().positive(),
      /** Violations of one type in this many separate periods are a pattern, attributed without links. */
      repeatedPattern: z
        .object({
          minPeriods: z.number().int().min(2),
          withinDays: days,
          /** Two violations are separate periods when at least this far apart. */
          minGapHours: z.number().min(0),
        })
        .optional(),
    }),
    appeal: z.object({
      /** A step can be appealed within this many days of being applied. */
      windowDays: days,
    }),
    credit: z.object({
      /** Credit points one fresh strike of weight 1 costs (decaying like the strike). */
      pointsPerStrike: z.number().min(0),
      /** Points the current level costs on top. */
      levelDeductions: z.record(PenaltyLevelSchema, z.number().min(0).max(100)),
      /** A blacklisted merchant's score is at most this. */
      blacklistCap: z.number().min(0).max(100),
    }),
  })
  .refine((p) => p.ladder.every((rung, i) => rung.level === PENALTY_LEVELS[i]), {
    message: `the ladder lists each level once, in the order ${PENALTY_LEVELS.join(', ')}`,
    path: ['ladder'],
  });

export type PenaltyPolicy = z.infer<typeof PenaltyPolicySchema>;
export type LadderCondition = z.infer<typeof LadderConditionSchema>;

export const DAY_MS = 86_400_000;

/** -1 for "no level". */
export function levelIndex(level: PenaltyLevel | null): number {
  return level === null ? -1 : PENALTY_LEVELS.indexOf(level);
}

export function isPenaltyLevel(kind: string): kind is PenaltyLevel {
  return (PENALTY_LEVELS as readonly string[]).includes(kind);
}
