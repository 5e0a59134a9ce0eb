/**
 * The penalty workflow on in-memory adapters, as the replay, `npm start` and the local runtime use
 * it: the local workflow (same service, same pure state machine as the Step Functions Lambda), with
 * each ladder step reported as the replay contract's `penalties.jsonl` line.
 */
import {
  MemoryBuyerIdentityLinks,
  MemoryMerchantRegistry,
  MemoryPenaltyApprovals,
  MemoryPenaltyAudit,
  MemoryPenaltyCases,
  MemoryPenaltyNotices,
} from '../../adapters/memory/penalties';
import { StaticConfigSource } from '../../adapters/memory/sinks';
import type { Thresholds } from '../../domain/config/thresholds';
import { isPenaltyLevel, type PenaltyLevel } from '../../domain/penalties/policy';
import type { Notice } from '../../domain/penalties/state';
import type { ConfigSource } from '../../ports';
import type { BuyerIdentityLinks, MerchantRegistry } from '../../ports/penalties';
import { LocalPenaltyWorkflow } from './localWorkflow';
import { creditOf } from './service';

/** One line of `penalties.jsonl` (replay.md): a ladder step taken. */
export interface PenaltyLine {
  merchantId: string;
  level: PenaltyLevel;
  reason: string;
  reasonCode: string;
  occurredAt: string;
  stepId: string;
}

/** What `merchants.jsonl` says about a merchant's penalties. */
export interface MerchantPenaltyStanding {
  penaltyLevel: PenaltyLevel | null;
  blacklisted: boolean;
  creditScore: number;
  /** Severe steps earned but waiting for an analyst (nobody approves in a replay). */
  pendingApproval: string[];
  violationsUnderInvestigation: number;
}

export interface EmbeddedPenaltiesOptions {
  config: Thresholds | ConfigSource;
  registry?: MerchantRegistry;
  buyerLinks?: BuyerIdentityLinks;
  /** Every ladder step as it is taken. */
  onStep?: (line: PenaltyLine) => void;
  onNotice?: (notice: Notice) => void;
}

export function createEmbeddedPenalties(options: EmbeddedPenaltiesOptions) {
  const config = 'current' in options.config ? options.config : new StaticConfigSource(options.config);
  const cases = new MemoryPenaltyCases();
  const audit = new MemoryPenaltyAudit();
  const approvals = new MemoryPenaltyApprovals();
  const notices = new MemoryPenaltyNotices((notice) => {
    options.onNotice?.(notice);
    const kind = String(notice.detail.kind ?? '');
    if (options.onStep === undefined || notice.detailType !== `penalty.${kind}.applied` || !isPenaltyLevel(kind)) return;
    options.onStep({
      merchantId: notice.merchantId,
      level: kind,
      reason: String(notice.detail.reason ?? ''),
      reasonCode: String(notice.detail.reasonCode ?? ''),
      occurredAt: notice.at,
      stepId: String(notice.detail.stepId ?? ''),
    });
  });
  const registry = options.registry ?? new MemoryMerchantRegistry();
  const buyerLinks = options.buyerLinks ?? new MemoryBuyerIdentityLinks();
  const workflow = new LocalPenaltyWorkflow({ cases, audit, approvals, notices, registry, buyerLinks, config });

  return {
    workflow,
    cases,
    audit,
    approvals,
    notices,
    registry,
    buyerLinks,
    /** The merchant's penalty standing, its credit score as of `nowMs` (event time). */
    async standingOf(merchantId: string, nowMs: number): Promise<MerchantPenaltyStanding> {
      const stored = await cases.load(merchantId);
      const policy = (await config.current()).penalties;
      if (stored === null) return { penaltyLevel: null, blacklisted: false, creditScore: 100, pendingApproval: [], violationsUnderInvestigation: 0 };
      const s = stored.state;
      return {
        penaltyLevel: s.level,
        blacklisted: s.blacklisted,
        creditScore: creditOf(s, nowMs, policy),
        pendingApproval: s.pending.map((p) => p.kind),
        violationsUnderInvestigation: s.violations.filter((v) => v.status === 'under_investigation').length,
      };
    },
  };
}

export type EmbeddedPenalties = ReturnType<typeof createEmbeddedPenalties>;
