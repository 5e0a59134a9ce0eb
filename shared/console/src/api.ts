/** The analyst API, as the console calls it (same origin: /v1/...), with the signed-in person's token. */
import type { BacktestJob, BacktestReport } from '../../domain/backtest/compare';
import type { DiffEntry } from '../../domain/config/diff';
import type { ConfigAuditEntry, ConfigVersion, LivePointer, VersionStatus } from '../../domain/config/lifecycle';
import type { Suppression, SuppressionInput } from '../../domain/config/suppressions';
import type { Thresholds } from '../../domain/config/thresholds';
import type { Decision } from '../../domain/records';
import type { DecisionDisagreement, ShadowSummary, ViolationDisagreement } from '../../domain/shadow/disagreements';
import type { VelocityView } from '../../app/velocity';
import type { QueuedReport, Report } from '../../domain/reports/report';

export type { BacktestJob, BacktestReport, ConfigAuditEntry, DiffEntry, Decision, QueuedReport, Report as BuyerReport, Suppression, SuppressionInput, Thresholds, VelocityView };

export interface VersionView extends ConfigVersion {
  effectiveStatus: VersionStatus;
}
export type VersionSummary = Omit<VersionView, 'document'>;

export type ConsoleAuth = { mode: 'dev'; users: { token: string; label: string }[] } | { mode: 'cognito'; domain: string; clientId: string };

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ShadowView {
  shadow: { version: string; since: string; by: string } | null;
  version?: string;
  summary: ShadowSummary | null;
  decisions: DecisionDisagreement[];
  violations: ViolationDisagreement[];
}

export interface LadderEntry {
  merchantId: string;
  level: string | null;
  blacklisted: boolean;
  creditScore: number | null;
  updatedAt: string | null;
}

export function makeApi(token: () => string | null) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const t = token();
    const response = await fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(t ? { authorization: `Bearer ${t}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const data = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) throw new ApiError(response.status, String(data.message ?? response.statusText), (data.issues as FieldIssue[] | undefined) ?? []);
    return data as T;
  }
  return {
    consoleConfig: () => call<ConsoleAuth>('GET', '/v1/console/config'),
    live: () => call<VersionView>('GET', '/v1/config/live'),
    versions: () => call<{ versions: VersionSummary[] }>('GET', '/v1/config/versions').then((r) => r.versions),
    version: (v: string) => call<VersionView>('GET', `/v1/config/versions/${encodeURIComponent(v)}`),
    validate: (doc: unknown) => call<{ valid: true; against: string; diff: DiffEntry[] }>('POST', '/v1/config/validate', doc),
    createDraft: (doc: unknown) => call<VersionView>('POST', '/v1/config/versions', doc),
    editDraft: (v: string, doc: unknown, revision: number) => call<VersionView>('PUT', `/v1/config/versions/${encodeURIComponent(v)}`, doc, { 'if-match': String(revision) }),
    approve: (v: string, note: string) => call<VersionView>('POST', `/v1/config/versions/${encodeURIComponent(v)}/approve`, { note }),
    reject: (v: string, note: string) => call<VersionView>('POST', `/v1/config/versions/${encodeURIComponent(v)}/reject`, { note }),
    publish: (v: string, note: string) => call<{ live: LivePointer }>('POST', `/v1/config/versions/${encodeURIComponent(v)}/publish`, { note }),
    rollback: (v: string, note: string) => call<{ live: LivePointer }>('POST', '/v1/config/rollback', { version: v, note }),
    diff: (from: string, to: string) => call<{ from: string; to: string; diff: DiffEntry[] }>('GET', `/v1/config/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    audit: () => call<{ entries: ConfigAuditEntry[] }>('GET', '/v1/config/audit?limit=200').then((r) => r.entries),
    suppressions: () => call<{ suppressions: Suppression[] }>('GET', '/v1/config/suppressions').then((r) => r.suppressions),
    suppress: (input: SuppressionInput) => call<Suppression>('POST', '/v1/config/suppressions', input),
    lift: (id: string) => call<unknown>('DELETE', `/v1/config/suppressions/${encodeURIComponent(id)}`),
    shadow: () => call<ShadowView>('GET', '/v1/config/shadow'),
    startShadow: (v: string) => call<unknown>('PUT', '/v1/config/shadow', { version: v }),
    stopShadow: () => call<unknown>('DELETE', '/v1/config/shadow'),
    backtests: () => call<{ backtests: BacktestJob[] }>('GET', '/v1/backtests').then((r) => r.backtests),
    startBacktest: (candidate: string, baseline?: string) => call<BacktestJob>('POST', '/v1/backtests', { candidate, ...(baseline ? { baseline } : {}) }),
    backtest: (id: string) => call<BacktestJob>('GET', `/v1/backtests/${encodeURIComponent(id)}`),
    decisions: (orderId?: string) => call<{ decisions: Decision[] }>('GET', orderId ? `/v1/decisions?orderId=${encodeURIComponent(orderId)}` : '/v1/decisions?limit=100').then((r) => r.decisions),
    ladder: () => call<{ merchants: LadderEntry[] }>('GET', '/v1/penalties/ladder').then((r) => r.merchants),
    reports: () => call<{ reports: QueuedReport[] }>('GET', '/v1/reports').then((r) => r.reports),
    merchantReports: (merchantId: string) =>
      call<{ merchantId: string; reports: Report[]; reportingBuyers: number; escalated: boolean }>('GET', `/v1/reports?merchantId=${encodeURIComponent(merchantId)}`),
    decideReport: (reportId: string, upheld: boolean, note: string) =>
      call<{ report: Report; repeated: boolean }>('POST', `/v1/reports/${encodeURIComponent(reportId)}/decision`, { upheld, note }).then((r) => r.report),
    velocity: (entity: VelocityView['entity'], id: string) => call<VelocityView>('GET', `/v1/velocity/${entity}/${encodeURIComponent(id)}`),
  };
}

export type Api = ReturnType<typeof makeApi>;
export type { BacktestReport as Report };
