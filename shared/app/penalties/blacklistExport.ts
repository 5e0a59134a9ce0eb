/**
 * The regulator export (信息共享平台, 联合惩戒): the blacklisted merchants with their violations and
 * penalty steps, as JSON and CSV. Only violations that count against the merchant are exported: one
 * held for investigation (possibly a rival's reverse brushing) or dismissed is not the merchant's.
 */
import type { MerchantPenaltyState } from '../../domain/penalties/state';

export interface BlacklistEntry {
  merchantId: string;
  blacklistedAt: string | null;
  level: string | null;
  creditScore: number | null;
  violations: { violationId: string; type: string; occurredAt: string; basis: string; summary: string }[];
  steps: { stepId: string; kind: string; appliedAt: string; appliedBy: string; status: string; reasonCode: string; reason: string; reversedAt: string | null }[];
}

export interface BlacklistExport {
  generatedAt: string;
  source: string;
  merchants: BlacklistEntry[];
}

export function blacklistEntry(state: MerchantPenaltyState, creditScore: number | null): BlacklistEntry {
  const blacklisting = [...state.steps].reverse().find((s) => s.kind === 'blacklisted' && s.status === 'active');
  return {
    merchantId: state.merchantId,
    blacklistedAt: blacklisting?.appliedAt ?? null,
    level: state.level,
    creditScore,
    violations: state.violations
      .filter((v) => v.status === 'counted')
      .map((v) => ({ violationId: v.violationId, type: v.type, occurredAt: v.occurredAt, basis: v.basis, summary: v.summary })),
    steps: state.steps.map((s) => ({
      stepId: s.stepId,
      kind: s.kind,
      appliedAt: s.appliedAt,
      appliedBy: s.appliedBy,
      status: s.status,
      reasonCode: s.reasonCode,
      reason: s.reason,
      reversedAt: s.reversedAt ?? null,
    })),
  };
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
function csv(rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** The files of the export, by name. */
export function blacklistFiles(data: BlacklistExport): Record<string, string> {
  const merchants = [...data.merchants].sort((a, b) => (a.merchantId < b.merchantId ? -1 : 1));
  return {
    'blacklist.json': JSON.stringify({ ...data, merchants }, null, 2) + '\n',
    'blacklist.csv': csv([
      ['merchantId', 'blacklistedAt', 'level', 'creditScore', 'violations', 'steps'],
      ...merchants.map((m) => [m.merchantId, m.blacklistedAt, m.level, m.creditScore, m.violations.length, m.steps.length]),
    ]),
    'blacklist-violations.csv': csv([
      ['merchantId', 'violationId', 'type', 'occurredAt', 'basis', 'summary'],
      ...merchants.flatMap((m) => m.violations.map((v) => [m.merchantId, v.violationId, v.type, v.occurredAt, v.basis, v.summary])),
    ]),
    'blacklist-steps.csv': csv([
      ['merchantId', 'stepId', 'kind', 'appliedAt', 'appliedBy', 'status', 'reversedAt', 'reasonCode', 'reason'],
      ...merchants.flatMap((m) => m.steps.map((s) => [m.merchantId, s.stepId, s.kind, s.appliedAt, s.appliedBy, s.status, s.reversedAt, s.reasonCode, s.reason])),
    ]),
  };
}
