/**
 * The penalty ladder at the end of a local run: each merchant with a violation, what was counted and
 * what is held for investigation, the steps taken (and reversed), pending approvals and its credit.
 */
import type { MerchantPenaltyState } from '../domain/penalties/state';
import type { PenaltyCases } from '../ports/penalties';
import { renderTable } from './table';

export interface LadderRow {
  merchantId: string;
  counted: number;
  held: number;
  steps: string[];
  level: string;
  blacklisted: boolean;
  pendingApproval: string[];
}

export async function ladderRows(cases: PenaltyCases, merchantIds: readonly string[]): Promise<LadderRow[]> {
  const rows: LadderRow[] = [];
  for (const merchantId of [...new Set(merchantIds)].sort()) {
    const record = await cases.load(merchantId);
    if (record === null) continue;
    rows.push(rowOf(record.state));
  }
  // Merchants that moved first, highest level first.
  return rows.sort((a, b) => b.steps.length - a.steps.length || a.merchantId.localeCompare(b.merchantId));
}

function rowOf(s: MerchantPenaltyState): LadderRow {
  return {
    merchantId: s.merchantId,
    counted: s.violations.filter((v) => v.status === 'counted').length,
    held: s.violations.filter((v) => v.status === 'under_investigation').length,
    steps: s.steps.map((step) => (step.status === 'reversed' ? `${step.kind} (reversed)` : step.kind)),
    level: s.level ?? 'none',
    blacklisted: s.blacklisted,
    pendingApproval: s.pending.map((p) => p.kind),
  };
}

export function ladderLines(rows: readonly LadderRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    'penalty ladder: merchants with a violation (held: under investigation until the evidence ties it to the merchant)',
    renderTable(
      ['merchant', 'counted', 'held', 'steps taken', 'level', 'blacklisted', 'awaiting approval'],
      rows.map((r) => [r.merchantId, String(r.counted), String(r.held), r.steps.join(' -> ') || '—', r.level, r.blacklisted ? 'yes' : 'no', r.pendingApproval.join(', ') || '—']),
      ['left', 'right', 'right', 'left', 'left', 'left', 'left'],
    ),
  ];
}
