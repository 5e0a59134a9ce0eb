/**
 * In-memory FeatureStore: the embedded runtime's and the replay's adapter, and the fast test double.
 * Same contract as the Redis adapter (test/contract/featureStore.contract.ts runs against both).
 */
import type { BrushingWindow, ShopOrder } from '../../domain/brushing/windows';
import { windowKey } from '../../domain/brushing/windows';
import type {
  BrushingFeatures,
  FeatureStore,
  OrdersQuery,
  OrderUpsert,
  OrderUpsertResult,
  PendingWindow,
  ProcessedEvents,
  ShopSnapshot,
  WindowsReplace,
  WindowsQuery,
  WindowsReplaceResult,
} from '../../ports';
import { lowerBound, upperBound } from './sortedArray';
import { MemoryPriceHistograms, MemoryWindowedSets } from './windowedSets';
import { MemoryOrderFacts, MemoryReviewTrust, MemoryReviewWindows } from './reviews';

interface ShopState {
  version: number;
  byId: Map<string, ShopOrder>;
  /** Sorted by atMs, then orderId. */
  sorted: ShopOrder[];
  /** Sorted by startMs, then endMs. */
  windows: BrushingWindow[];
}

const pendingKey = (w: PendingWindow) => `${w.shopId}\u001f${w.startMs}\u001f${w.endMs}`;
const atOf = (o: ShopOrder) => o.atMs;
const startOf = (w: BrushingWindow) => w.startMs;

class MemoryBrushingFeatures implements BrushingFeatures {
  private readonly shops = new Map<string, ShopState>();
  private readonly everBrushing = new Set<string>();
  private readonly pending = new Map<string, PendingWindow>();

  private shop(shopId: string): ShopState {
    let s = this.shops.get(shopId);
    if (!s) {
      s = { version: 0, byId: new Map(), sorted: [], windows: [] };
      this.shops.set(shopId, s);
    }
    return s;
  }

  async upsertOrders(upserts: readonly OrderUpsert[]): Promise<OrderUpsertResult[]> {
    return upserts.map((u) => {
      const s = this.shop(u.shopId);
      const existing = s.byId.get(u.orderId);
      if (existing && existing.atMs <= u.atMs) return { changed: false, previousAtMs: existing.atMs };
      if (existing) {
        const from = lowerBound(s.sorted, existing.atMs, atOf);
        for (let i = from; i < s.sorted.length && s.sorted[i]!.atMs === existing.atMs; i++) {
          if (s.sorted[i]!.orderId === u.orderId) {
            s.sorted.splice(i, 1);
            break;
          }
        }
      }
      const order: ShopOrder = { orderId: u.orderId, buyerId: existing?.buyerId ?? u.buyerId, atMs: u.atMs };
      s.byId.set(u.orderId, order);
      s.sorted.splice(upperBound(s.sorted, u.atMs, atOf), 0, order);
      s.version++;
      return { changed: true, previousAtMs: existing ? existing.atMs : null };
    });
  }

  async readOrders(queries: readonly OrdersQuery[]): Promise<ShopSnapshot[]> {
    return queries.map((q) => {
      const s = this.shops.get(q.shopId);
      if (!s) return { version: 0, orders: [] };
      const from = lowerBound(s.sorted, q.fromMs, atOf);
      const to = upperBound(s.sorted, q.toMs, atOf);
      return { version: s.version, orders: s.sorted.slice(from, to).map((o) => ({ ...o })) };
    });
  }

  async replaceWindows(replaces: readonly WindowsReplace[]): Promise<WindowsReplaceResult[]> {
    return replaces.map((r) => {
      const s = this.shop(r.shopId);
      if (s.version !== r.expectVersion) return { ok: false };
      const from = lowerBound(s.windows, r.fromStartMs, startOf);
      const to = upperBound(s.windows, r.toStartMs, startOf);
      const before = new Set(s.windows.slice(from, to).map(windowKey));
      const fresh = [...r.windows].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
      s.windows.splice(from, to - from, ...fresh);
      if (fresh.length > 0) this.everBrushing.add(r.shopId);
      const added = fresh.filter((w) => !before.has(windowKey(w)));
      for (const w of added) {
        const p = { shopId: r.shopId, startMs: w.startMs, endMs: w.endMs, dueMs: w.startMs + r.pendingDueAfterMs };
        this.pending.set(pendingKey(p), p);
      }
      return { ok: true, added };
    });
  }

  async windows(queries: readonly WindowsQuery[]): Promise<BrushingWindow[][]> {
    return queries.map((q) => {
      const all = this.shops.get(q.shopId)?.windows ?? [];
      const from = lowerBound(all, q.fromStartMs ?? -Infinity, startOf);
      const to = upperBound(all, q.toStartMs ?? Infinity, startOf);
      return all.slice(from, to).map((w) => ({ ...w }));
    });
  }

  async addPending(windows: readonly PendingWindow[]): Promise<void> {
    for (const w of windows) this.pending.set(pendingKey(w), { ...w });
  }

  async duePending(watermarkMs: number, limit: number): Promise<PendingWindow[]> {
    const due: PendingWindow[] = [];
    for (const w of this.pending.values()) if (w.dueMs <= watermarkMs) due.push({ ...w });
    return due.sort((a, b) => a.dueMs - b.dueMs || a.startMs - b.startMs).slice(0, limit);
  }

  async clearPending(windows: readonly PendingWindow[]): Promise<void> {
    for (const w of windows) this.pending.delete(pendingKey(w));
  }

  async brushingShops(): Promise<string[]> {
    return [...this.everBrushing].sort();
  }
}

class MemoryProcessedEvents implements ProcessedEvents {
  private readonly done = new Set<string>();

  async unprocessed(eventIds: readonly string[]): Promise<Set<string>> {
    return new Set(eventIds.filter((id) => !this.done.has(id)));
  }

  async markProcessed(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) this.done.add(id);
  }
}

export function createMemoryFeatureStore(): FeatureStore {
  return {
    name: 'memory',
    brushing: new MemoryBrushingFeatures(),
    processed: new MemoryProcessedEvents(),
    sets: new MemoryWindowedSets(),
    prices: new MemoryPriceHistograms(),
    orderFacts: new MemoryOrderFacts(),
    reviews: new MemoryReviewWindows(),
    reviewTrust: new MemoryReviewTrust(),
    close: async () => {},
  };
}
