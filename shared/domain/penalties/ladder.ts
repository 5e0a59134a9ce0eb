/**
 * What the ladder says a merchant has earned, from the counted violations alone.
 *
 * The evidence is folded in time order, one attribution moment at a time (the time a violation
 * started to count): at each moment the decayed, weighted counts are evaluated against the rungs and
 * the earned level rises by at most `maxStepsPerMoment`. So the ladder is climbed step by step, and
 * since the fold depends only on the set of violations, any delivery order reaches the same level.
 */
import type { ViolationType } from '../records';
import { PENALTY_LEVELS, levelIndex, type LadderCondition, type PenaltyLevel, type PenaltyPolicy } from './policy';
import { DAY_MS } from './policy';
import { round2, weightedCounts, type Strike } from './weights';

export interface CountedStrike extends Strike {
  violationId: string;
  /** When it started to count (>= atMs). */
  effectiveAtMs: number;
}

/** Why a level was earned: the moment, the violations that became effective then, and the numbers. */
export interface Crossing {
  level: PenaltyLevel;
  atMs: number;
  triggerViolationIds: string[];
  reasonCode: 'PENALTY_LADDER_THRESHOLD';
  reason: string;
}

export interface Entitlement {
  /** Earned level, or null. */
  level: PenaltyLevel | null;
  /** One per earned level, mildest first. */
  crossings: Crossing[];
  blacklist: { atMs: number; triggerViolationIds: string[]; reasonCode: 'BLACKLIST_REPEAT_VIOLATOR'; reason: string } | null;
}

export function entitlement(counted: readonly CountedStrike[], policy: PenaltyPolicy): Entitlement {
  const byMoment = new Map<number, CountedStrike[]>();
  for (const s of counted) {
    const list = byMoment.get(s.effectiveAtMs) ?? [];
    list.push(s);
    byMoment.set(s.effectiveAtMs, list);
  }
  const moments = [...byMoment.keys()].sort((a, b) => a - b);
  const result: Entitlement = { level: null, crossings: [], blacklist: null };
  let level = -1;
  const effective: CountedStrike[] = [];
  for (const at of moments) {
    const triggers = byMoment.get(at)!;
    effective.push(...triggers);
    const triggerViolationIds = triggers.map((t) => t.violationId).sort();
    const target = targetLevel(effective, at, policy);
    const next = Math.min(target.index, level + policy.maxStepsPerMoment);
    for (let i = level + 1; i <= next; i++) {
      const rung = PENALTY_LEVELS[i]!;
      result.crossings.push({ level: rung, atMs: at, triggerViolationIds, reasonCode: 'PENALTY_LADDER_THRESHOLD', reason: ladderReason(effective, at, i, policy) });
    }
    level = Math.max(level, next);
    if (result.blacklist === null) {
      const why = blacklistReason(effective, at, level, policy);
      if (why !== null) result.blacklist = { atMs: at, triggerViolationIds, reasonCode: 'BLACKLIST_REPEAT_VIOLATOR', reason: why };
    }
  }
  result.level = level < 0 ? null : PENALTY_LEVELS[level]!;
  return result;
}

function conditionHolds(strikes: readonly Strike[], at: number, c: LadderCondition, policy: PenaltyPolicy): { holds: boolean; weighted: number } {
  const counts = weightedCounts(strikes, at, policy, c.windowDays);
  const weighted = c.types === undefined ? counts.total : c.types.reduce((sum, t) => sum + counts.byType[t], 0);
  return { holds: weighted >= c.minWeighted, weighted };
}

function targetLevel(strikes: readonly Strike[], at: number, policy: PenaltyPolicy): { index: number } {
  let index = -1;
  policy.ladder.forEach((rung, i) => {
    if (rung.anyOf.some((c) => conditionHolds(strikes, at, c, policy).holds)) index = Math.max(index, i);
  });
  return { index };
}

function describeCondition(c: LadderCondition): string {
  return `${c.types === undefined ? 'all types' : c.types.join('+')} within ${c.windowDays} days >= ${c.minWeighted}`;
}

/** The sentence behind a step, with the numbers: which rule held, by how much. */
function ladderReason(strikes: readonly Strike[], at: number, index: number, policy: PenaltyPolicy): string {
  const rung = policy.ladder[index]!;
  // The rung may be reached on the strength of a higher rung's condition: name the rule that held.
  const holding = policy.ladder
    .slice(index)
    .flatMap((r) => r.anyOf)
    .map((c) => ({ c, ...conditionHolds(strikes, at, c, policy) }))
    .find((x) => x.holds);
  const c = holding?.c ?? rung.anyOf[0]!;
  const counts = weightedCounts(strikes, at, policy, c.windowDays);
  const byType = (Object.entries(counts.byType) as [ViolationType, number][])
    .filter(([, w]) => w > 0)
    .map(([t, w]) => `${t} ${round2(w)}`)
    .join(', ');
  return (
    `${counts.violations} counted violation(s) weigh ${round2(holding?.weighted ?? counts.total)} strikes (${byType}; decayed, half-life ` +
    `${policy.halfLifeDays} days), meeting the rule ${describeCondition(c)}: ${rung.level}`
  );
}

function blacklistReason(strikes: readonly Strike[], at: number, level: number, policy: PenaltyPolicy): string | null {
  const rule = policy.blacklist;
  if (rule.atLevel !== undefined && level >= levelIndex(rule.atLevel)) {
    return `earned level ${PENALTY_LEVELS[level]} is at or above ${rule.atLevel}: a repeat violator under close supervision`;
  }
  if (rule.repeat !== undefined) {
    const n = strikes.filter((s) => s.atMs <= at && at - s.atMs <= rule.repeat!.windowDays * DAY_MS).length;
    if (n >= rule.repeat.minViolations) {
      return `${n} counted violations within ${rule.repeat.windowDays} days (rule: >= ${rule.repeat.minViolations}): a repeat violator under close supervision`;
    }
  }
  return null;
}
