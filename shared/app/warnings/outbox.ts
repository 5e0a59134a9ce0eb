/**
 * The warnings capability's application service: it takes detectors' requests (WarningOutbox),
 * withdraws warnings that became moot (WarningWithdrawals), and serves the buyer's list and
 * acknowledgements (BuyerWarnings), over any WarningStore (DynamoDB in AWS, memory in the replay).
 *
 * No spam, in this order: a request whose warning was issued within the de-duplication window is
 * dropped (before it can cost a rate-limit token); then the per-buyer rate limit (severities it
 * exempts pass); then a conditional write, so two consumers racing on one warning store it once.
 *
 * `onChange` hears of every stored change. Locally it drives the live push; in AWS the table's
 * DynamoDB stream does (functions/warnings-push), so this service never talks to API Gateway.
 */
import type { WarningRules } from '../../domain/config/warningRules';
import type { WarningRequest } from '../../domain/records';
import { dedupeCutoffMs, isListed, isRateLimited, isRecent, issueWarning, rateWindow, type StoredWarning } from '../../domain/warnings/policy';
import { ValidationError } from '../../errors';
import type { Log } from '../../lambda/kinesisConsumer';
import type { BuyerWarnings, ConfigSource, WarningChange, WarningOutbox, WarningPageCursor, WarningStore, WarningWithdrawal, WarningWithdrawals } from '../../ports';

export type IssueOutcome = 'issued' | 'duplicate' | 'rate_limited' | 'disabled' | 'invalid';

export interface WarningServiceDeps {
  store: WarningStore;
  config: ConfigSource;
  onChange?: (changes: readonly WarningChange[]) => Promise<void> | void;
  /** Buyers handled at once (a buyer's own requests go one after another, in order). Default 8. */
  concurrency?: number;
  log?: Pick<Log, 'warn'>;
}

export interface WarningService extends WarningOutbox, WarningWithdrawals, BuyerWarnings {
  /** As `request`, saying what became of each request (same order). */
  issue(requests: readonly WarningRequest[]): Promise<IssueOutcome[]>;
}

export function createWarningService(deps: WarningServiceDeps): WarningService {
  const concurrency = deps.concurrency ?? 8;

  async function changed(changes: readonly WarningChange[]): Promise<void> {
    if (changes.length === 0 || !deps.onChange) return;
    // Delivery is best effort here: the warnings are stored and listed whatever the push does.
    try {
      await deps.onChange(changes);
    } catch (error) {
      deps.log?.warn('warning change listener failed', { error });
    }
  }

  async function issueOne(request: WarningRequest, rules: WarningRules): Promise<{ outcome: IssueOutcome; warning?: StoredWarning }> {
    const warning = issueWarning(request, rules);
    if (warning === undefined) return { outcome: 'invalid' };
    const cutoffMs = dedupeCutoffMs(warning.issuedAtMs, rules);
    const held = await deps.store.get(warning.buyerId, warning.warningId);
    if (held !== null && isRecent(held, cutoffMs)) return { outcome: 'duplicate' };
    if (isRateLimited(warning, rules)) {
      const window = rateWindow(warning.issuedAtMs, rules);
      if (!(await deps.store.takeRate(warning.buyerId, window.startMs, rules.rateLimit.maxPerWindow, window.expiresAtMs))) return { outcome: 'rate_limited' };
    }
    // A concurrent writer may have stored it since the read: the condition decides.
    return (await deps.store.putUnlessRecent(warning, cutoffMs)) ? { outcome: 'issued', warning } : { outcome: 'duplicate' };
  }

  async function issue(requests: readonly WarningRequest[]): Promise<IssueOutcome[]> {
    const rules = (await deps.config.current()).warnings;
    if (!rules.enabled) return requests.map(() => 'disabled');
    const outcomes = new Array<IssueOutcome>(requests.length);
    const byBuyer = new Map<string, number[]>();
    const seen = new Set<string>();
    requests.forEach((r, n) => {
      if (seen.has(r.warningId)) {
        outcomes[n] = 'duplicate';
        return;
      }
      seen.add(r.warningId);
      byBuyer.set(r.buyerId, [...(byBuyer.get(r.buyerId) ?? []), n]);
    });
    const changes: WarningChange[] = [];
    await eachBounded([...byBuyer.values()], concurrency, async (indexes) => {
      for (const n of indexes) {
        const { outcome, warning } = await issueOne(requests[n]!, rules);
        outcomes[n] = outcome;
        if (warning) changes.push({ kind: 'issued', warning });
      }
    });
    await changed(changes);
    return outcomes;
  }

  return {
    issue,
    async request(requests) {
      if (requests.length > 0) await issue(requests);
    },

    async withdraw(withdrawals: readonly WarningWithdrawal[]) {
      if (withdrawals.length === 0) return;
      const rules = (await deps.config.current()).warnings;
      const types = new Set<string>(rules.withdrawOnCancel);
      if (types.size === 0) return;
      const changes: WarningChange[] = [];
      await eachBounded(withdrawals, concurrency, async (w) => {
        const atMs = Date.parse(w.occurredAt);
        const at = Number.isFinite(atMs) ? new Date(atMs).toISOString() : w.occurredAt;
        for (const held of await deps.store.aboutOrder(w.buyerId, w.orderId)) {
          if (held.status === 'withdrawn' || !types.has(held.type)) continue;
          const withdrawn = await deps.store.withdraw(w.buyerId, held.warningId, at);
          if (withdrawn) changes.push({ kind: 'withdrawn', warning: withdrawn });
        }
      });
      await changed(changes);
    },

    async list(buyerId, options) {
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
      const [page, unread] = await Promise.all([
        deps.store.page(buyerId, { limit: options.limit, nowMs: options.nowMs, ...(after ? { after } : {}) }),
        deps.store.countUnread(buyerId, options.nowMs),
      ]);
      return { items: page.items, unread, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) };
    },

    async acknowledge(buyerId, warningId, nowMs) {
      const held = await deps.store.get(buyerId, warningId);
      if (held === null || !isListed(held, nowMs)) return null;
      if (held.status === 'read') return held;
      const read = await deps.store.markRead(buyerId, warningId, held.issuedAtMs, new Date(nowMs).toISOString());
      // The buyer's other open apps mark it read too (a concurrent ack may tell them twice: harmless).
      if (read?.status === 'read') await changed([{ kind: 'read', warning: read }]);
      return read;
    },
  };
}

/** The cursor is opaque to callers: base64url of the position. A buyer's cursor only ever reads their own partition. */
export function encodeCursor(c: WarningPageCursor): string {
  return Buffer.from(JSON.stringify([c.listKey, c.warningId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): WarningPageCursor {
  const invalid = () => new ValidationError('cursor: not a cursor this API returned');
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') throw invalid();
  const [listKey, warningId] = value as [string, string];
  if (!/^[ur]#/.test(listKey) || !listKey.endsWith(`#${warningId}`)) throw invalid();
  return { listKey, warningId };
}

async function eachBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}
