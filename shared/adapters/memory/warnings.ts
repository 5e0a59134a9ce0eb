/**
 * In-memory adapters of the buyer-warnings ports, for the replay, the embedded runtime and tests.
 * They keep the DynamoDB / Redis adapters' semantics (the contract suites run against both).
 */
import type { MerchantRestriction, StoredWarning } from '../../domain/warnings/policy';
import { isListed, isRecent, listKey } from '../../domain/warnings/policy';
import type {
  BuyerConnection,
  MerchantStanding,
  WarningConnections,
  WarningPage,
  WarningPageCursor,
  WarningStore,
} from '../../ports';

export class MemoryWarningStore implements WarningStore {
  /** buyerId -> warningId -> warning, in first-issue order. */
  private readonly buyers = new Map<string, Map<string, StoredWarning>>();
  private readonly rates = new Map<string, number>();

  private of(buyerId: string): Map<string, StoredWarning> {
    let warnings = this.buyers.get(buyerId);
    if (!warnings) this.buyers.set(buyerId, (warnings = new Map()));
    return warnings;
  }

  /** Every warning ever stored, in first-issue order (the replay writes them out). */
  *all(): IterableIterator<StoredWarning> {
    for (const warnings of this.buyers.values()) yield* warnings.values();
  }

  async get(buyerId: string, warningId: string): Promise<StoredWarning | null> {
    const found = this.buyers.get(buyerId)?.get(warningId);
    return found === undefined ? null : copy(found);
  }

  async putUnlessRecent(warning: StoredWarning, cutoffMs: number): Promise<boolean> {
    const warnings = this.of(warning.buyerId);
    const held = warnings.get(warning.warningId);
    if (held !== undefined && isRecent(held, cutoffMs)) return false;
    warnings.set(warning.warningId, copy(warning));
    return true;
  }

  async takeRate(buyerId: string, windowStartMs: number, max: number): Promise<boolean> {
    const key = `${buyerId}\u001f${windowStartMs}`;
    const taken = this.rates.get(key) ?? 0;
    if (taken >= max) return false;
    this.rates.set(key, taken + 1);
    return true;
  }

  async page(buyerId: string, options: { limit: number; after?: WarningPageCursor; nowMs: number }): Promise<WarningPage> {
    const listed = [...(this.buyers.get(buyerId)?.values() ?? [])]
      .filter((w) => isListed(w, options.nowMs))
      .map((w) => ({ w, key: listKey(w)! }))
      .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const after = options.after;
    const rest = after === undefined ? listed : listed.filter((e) => e.key < after.listKey);
    const items = rest.slice(0, options.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((e) => copy(e.w)),
      ...(rest.length > options.limit && last ? { next: { listKey: last.key, warningId: last.w.warningId } } : {}),
    };
  }

  async countUnread(buyerId: string, nowMs: number): Promise<number> {
    let n = 0;
    for (const w of this.buyers.get(buyerId)?.values() ?? []) if (w.status === 'unread' && isListed(w, nowMs)) n++;
    return n;
  }

  async markRead(buyerId: string, warningId: string, issuedAtMs: number, atIso: string): Promise<StoredWarning | null> {
    const held = this.buyers.get(buyerId)?.get(warningId);
    if (held === undefined || held.status === 'withdrawn') return null;
    if (held.status === 'unread' && held.issuedAtMs === issuedAtMs) {
      held.status = 'read';
      held.readAt = atIso;
    }
    return copy(held);
  }

  async aboutOrder(buyerId: string, orderId: string): Promise<StoredWarning[]> {
    return [...(this.buyers.get(buyerId)?.values() ?? [])].filter((w) => w.orderId === orderId).map(copy);
  }

  async withdraw(buyerId: string, warningId: string, atIso: string): Promise<StoredWarning | null> {
    const held = this.buyers.get(buyerId)?.get(warningId);
    if (held === undefined || held.status === 'withdrawn') return null;
    held.status = 'withdrawn';
    held.withdrawnAt = atIso;
    delete held.readAt;
    return copy(held);
  }
}

function copy(w: StoredWarning): StoredWarning {
  return { ...w, message: { ...w.message } };
}

export class MemoryWarningConnections implements WarningConnections {
  private readonly byBuyer = new Map<string, Map<string, BuyerConnection>>();

  async add(connection: BuyerConnection): Promise<void> {
    let connections = this.byBuyer.get(connection.buyerId);
    if (!connections) this.byBuyer.set(connection.buyerId, (connections = new Map()));
    connections.set(connection.connectionId, { ...connection });
  }

  async remove(buyerId: string, connectionId: string): Promise<void> {
    const connections = this.byBuyer.get(buyerId);
    connections?.delete(connectionId);
    if (connections?.size === 0) this.byBuyer.delete(buyerId);
  }

  async ofBuyer(buyerId: string): Promise<string[]> {
    return [...(this.byBuyer.get(buyerId)?.keys() ?? [])].sort();
  }
}


/** Merchant standing set by hand (tests, the embedded runtime until a penalty case store is wired). */
export class MemoryMerchantStanding implements MerchantStanding {
  private readonly standings = new Map<string, MerchantRestriction>();

  set(merchantId: string, restriction: MerchantRestriction): void {
    this.standings.set(merchantId, { ...restriction });
  }

  async of(merchantIds: readonly string[]): Promise<Map<string, MerchantRestriction>> {
    const out = new Map<string, MerchantRestriction>();
    for (const id of merchantIds) {
      const found = this.standings.get(id);
      if (found) out.set(id, { ...found });
    }
    return out;
  }
}
