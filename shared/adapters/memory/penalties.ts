/** In-memory adapters of the penalty ports, for the replay, the embedded runtime and tests. */
import { z } from 'zod';
import { MerchantIdentitiesSchema, NO_IDENTITIES, type BuyerIdentities, type MerchantIdentities } from '../../domain/penalties/attribution';
import type { AuditEntry, Notice } from '../../domain/penalties/state';
import { ValidationError } from '../../errors';
import type {
  ApprovalRecord,
  BuyerIdentityLinks,
  BuyerIdentityObservation,
  MerchantRegistry,
  PenaltyApprovals,
  PenaltyAudit,
  PenaltyCaseRecord,
  PenaltyCases,
  PenaltyNotices,
} from '../../ports/penalties';
import { formatIssues } from '../../contracts/decode';

export class MemoryPenaltyCases implements PenaltyCases {
  private readonly byMerchant = new Map<string, PenaltyCaseRecord>();

  async load(merchantId: string): Promise<PenaltyCaseRecord | null> {
    const found = this.byMerchant.get(merchantId);
    return found === undefined ? null : structuredClone(found);
  }

  async save(record: PenaltyCaseRecord): Promise<boolean> {
    const current = this.byMerchant.get(record.state.merchantId)?.version ?? 0;
    if (current !== record.version - 1) return false;
    this.byMerchant.set(record.state.merchantId, structuredClone(record));
    return true;
  }

  async clearOutbox(merchantId: string, version: number): Promise<void> {
    const found = this.byMerchant.get(merchantId);
    if (found?.version === version) found.outbox = [];
  }

  async blacklisted(): Promise<PenaltyCaseRecord[]> {
    return this.all().filter((r) => r.state.blacklisted);
  }

  /** Every case, by merchantId. */
  all(): PenaltyCaseRecord[] {
    return [...this.byMerchant.values()].sort((a, b) => (a.state.merchantId < b.state.merchantId ? -1 : 1)).map((r) => structuredClone(r));
  }
}

export class MemoryPenaltyAudit implements PenaltyAudit {
  private readonly byMerchant = new Map<string, Map<number, AuditEntry>>();
  constructor(private readonly onNew?: (entry: AuditEntry) => void) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) {
      const log = this.byMerchant.get(entry.merchantId) ?? new Map<number, AuditEntry>();
      this.byMerchant.set(entry.merchantId, log);
      if (log.has(entry.seq)) continue;
      log.set(entry.seq, { ...entry });
      this.onNew?.(entry);
    }
  }

  async list(merchantId: string): Promise<AuditEntry[]> {
    return [...(this.byMerchant.get(merchantId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }
}

export class MemoryPenaltyApprovals implements PenaltyApprovals {
  private readonly byId = new Map<string, ApprovalRecord>();

  async put(record: ApprovalRecord): Promise<void> {
    const found = this.byId.get(record.approvalId);
    if (found !== undefined && found.status !== 'pending') return;
    this.byId.set(record.approvalId, { ...record });
  }

  async get(approvalId: string): Promise<ApprovalRecord | null> {
    const found = this.byId.get(approvalId);
    return found === undefined ? null : { ...found };
  }

  async settle(approvalId: string, status: Exclude<ApprovalRecord['status'], 'pending'>, by: string, at: string): Promise<boolean> {
    const found = this.byId.get(approvalId);
    if (found?.status !== 'pending') return false;
    this.byId.set(approvalId, { ...found, status, decidedBy: by, decidedAt: at });
    return true;
  }

  async pending(limit: number): Promise<ApprovalRecord[]> {
    return [...this.byId.values()]
      .filter((a) => a.status === 'pending')
      .sort((a, b) => (a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : 0))
      .slice(0, limit)
      .map((a) => ({ ...a }));
  }
}

/** Keeps each notice once (consumers de-duplicate by noticeId; so does this sink). */
export class MemoryPenaltyNotices implements PenaltyNotices {
  readonly published: Notice[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly onNew?: (notice: Notice) => void) {}

  async publish(notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) {
      if (this.seen.has(notice.noticeId)) continue;
      this.seen.add(notice.noticeId);
      this.published.push(notice);
      this.onNew?.(notice);
    }
  }
}

export const MerchantRegistryDataSchema = z.object({ merchants: z.record(z.string(), MerchantIdentitiesSchema) });

/** The merchant registry from data: `{ "merchants": { "m-1": { "accountIds": [...], "deviceIds": [...], ... } } }`. */
export class MemoryMerchantRegistry implements MerchantRegistry {
  private readonly byMerchant: Map<string, MerchantIdentities>;

  constructor(merchants: Readonly<Record<string, Partial<MerchantIdentities>>> = {}) {
    this.byMerchant = new Map(Object.entries(merchants).map(([id, m]) => [id, MerchantIdentitiesSchema.parse(m)]));
  }

  static fromJson(text: string, source = 'merchant registry'): MemoryMerchantRegistry {
    const parsed = MerchantRegistryDataSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new ValidationError(`${source}: ${formatIssues(parsed.error.issues)}`, parsed.error.issues);
    return new MemoryMerchantRegistry(parsed.data.merchants);
  }

  async identitiesOf(merchantId: string): Promise<MerchantIdentities> {
    return this.byMerchant.get(merchantId) ?? NO_IDENTITIES;
  }
}

/**
 * A buyer's devices, instruments and addresses as small arrays, created with their first value: the
 * replay keeps one entry per buyer, and most buyers have one of each (three Sets cost about 600 bytes).
 */
export class MemoryBuyerIdentityLinks implements BuyerIdentityLinks {
  private readonly byBuyer = new Map<string, Record<BuyerIdentityObservation['kind'], string[] | undefined>>();

  async record(observations: readonly BuyerIdentityObservation[]): Promise<void> {
    for (const o of observations) {
      let seen = this.byBuyer.get(o.buyerId);
      if (!seen) this.byBuyer.set(o.buyerId, (seen = { device: undefined, instrument: undefined, address: undefined }));
      const values = seen[o.kind];
      if (!values) seen[o.kind] = [o.value];
      else if (!values.includes(o.value)) values.push(o.value);
    }
  }

  async linksOf(buyerIds: readonly string[]): Promise<Map<string, BuyerIdentities>> {
    const out = new Map<string, BuyerIdentities>();
    const sorted = (values: readonly string[] | undefined) => (values ? [...values].sort() : []);
    for (const id of buyerIds) {
      const seen = this.byBuyer.get(id);
      if (seen !== undefined) out.set(id, { deviceIds: sorted(seen.device), instrumentIds: sorted(seen.instrument), addressIds: sorted(seen.address) });
    }
    return out;
  }
}
