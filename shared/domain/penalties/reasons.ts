/**
 * Stable reason codes of the penalty workflow, each with a sentence for people, and the notices a
 * merchant receives (Chinese and English). Codes never change meaning once shipped.
 */
import type { StepKind } from './state';

export const PENALTY_REASONS = {
  PENALTY_LADDER_THRESHOLD: 'The decayed, weighted count of counted violations met a rung of the penalty ladder.',
  BLACKLIST_REPEAT_VIOLATOR: 'The merchant reached the blacklist level or repeated violations often enough to be put under close supervision.',
  VIOLATION_HELD_UNATTRIBUTED: 'Nothing ties the violation to the merchant yet (possible reverse brushing): held for an analyst, no penalty.',
  VIOLATION_ATTRIBUTED_LINK: "A buyer behind the violation is, or shares a device, payment instrument or address with, the merchant's own accounts.",
  VIOLATION_ATTRIBUTED_PATTERN: 'Violations of this type in several separate periods form a repeated pattern.',
  VIOLATION_ATTRIBUTED_ANALYST: 'An analyst attributed the held violation to the merchant.',
  VIOLATION_OWN_CONDUCT: "The violation is the merchant's own conduct (e.g. its prices) and needs no attribution.",
  VIOLATION_DISMISSED: 'An analyst dismissed the violation, or an upheld appeal discounted it: it no longer counts.',
  APPEAL_UPHELD: 'The appeal was upheld: the step and every later step are reversed and its triggering violations discounted.',
  APPEAL_DENIED: 'The appeal was reviewed and not upheld: the step stands.',
  APPROVAL_REJECTED: 'An analyst declined the severe step: the ladder waits for new evidence.',
  APPROVAL_EXPIRED: 'Nobody decided the severe step in time: it was not applied.',
} as const satisfies Record<string, string>;

export type PenaltyReasonCode = keyof typeof PENALTY_REASONS;

const LEVEL_NAMES: Record<StepKind, { zh: string; en: string }> = {
  warning: { zh: '警告', en: 'warning' },
  listing_restricted: { zh: '限制发布商品', en: 'restricted listings' },
  trading_suspended: { zh: '暂停交易', en: 'suspended trading' },
  deposit_deducted: { zh: '扣除保证金', en: 'deposit deduction' },
  terminated: { zh: '终止合作', en: 'terminated cooperation' },
  blacklisted: { zh: '列入违规商家黑名单', en: 'blacklist of repeat violators' },
};

const APPLIED: Record<StepKind, { zh: string; en: string }> = {
  warning: { zh: '您的店铺因违反平台规则收到警告。', en: 'Your shop has received a warning for breaking the platform rules.' },
  listing_restricted: { zh: '您的店铺已被限制发布商品。', en: 'Your shop may not publish new listings for now.' },
  trading_suspended: { zh: '您的店铺已被暂停交易。', en: 'Trading in your shop has been suspended.' },
  deposit_deducted: { zh: '平台已依规扣除您的保证金。', en: 'Your deposit has been deducted under the platform rules.' },
  terminated: { zh: '平台已终止与您的合作。', en: 'The platform has terminated its cooperation with your shop.' },
  blacklisted: { zh: '您的店铺已被列入违规商家黑名单,将受到重点监管。', en: 'Your shop is on the blacklist of repeat violators and under close supervision.' },
};

export function stepName(kind: StepKind): { zh: string; en: string } {
  return LEVEL_NAMES[kind];
}

export function appliedMessage(kind: StepKind, appealDays: number): { zh: string; en: string } {
  const m = APPLIED[kind];
  return {
    zh: `${m.zh}如有异议,可在${appealDays}天内提出申诉。`,
    en: `${m.en} You may appeal within ${appealDays} days.`,
  };
}

export function reversedMessage(kind: StepKind): { zh: string; en: string } {
  const n = LEVEL_NAMES[kind];
  return { zh: `经复核,对您店铺的处罚"${n.zh}"已撤销。`, en: `After review, the penalty "${n.en}" on your shop has been withdrawn.` };
}

export function appealMessage(outcome: 'received' | 'upheld' | 'denied', kind: StepKind): { zh: string; en: string } {
  const n = LEVEL_NAMES[kind];
  switch (outcome) {
    case 'received':
      return { zh: `我们已收到您对"${n.zh}"的申诉,将尽快处理并反馈结果。`, en: `We have received your appeal against "${n.en}" and will tell you the outcome.` };
    case 'upheld':
      return { zh: `您对"${n.zh}"的申诉成立,处罚已撤销。`, en: `Your appeal against "${n.en}" was upheld; the penalty is withdrawn.` };
    case 'denied':
      return { zh: `您对"${n.zh}"的申诉经复核未获支持,处罚维持不变。`, en: `Your appeal against "${n.en}" was reviewed and not upheld; the penalty stands.` };
  }
}
