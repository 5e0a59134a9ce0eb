/**
 * Redis FeatureStore through ioredis. Each port call is one round trip: a pipeline of Lua scripts
 * (EVALSHA, loaded once by ioredis) or plain commands, never one trip per rule or per record.
 *
 * Keys carry a `{s:<shop>}` hash tag so that a shop's keys share a slot; the store targets a
 * non-cluster (primary + replicas) ElastiCache group, where the few global keys are fine too.
 *
 * Numbers: event times are integer milliseconds (< 2^53), exact as Redis scores and Lua doubles;
 * the scripts pass them around as the strings they came in, never through Lua's tostring.
 */
import { Redis, type ClientContext, type RedisOptions, type Result } from 'ioredis';
import type { BrushingWindow, ShopOrder } from '../../domain/brushing/windows';
import { asDependency } from '../../errors';
import { runPipeline } from './pipeline';
import { defineWindowedCommands, RedisPriceHistograms, RedisWindowedSets } from './windowedSets';
import { defineReviewCommands, RedisOrderFacts, RedisReviewTrust, RedisReviewWindows } from './reviews';
import type {
  BrushingFeatures,
  FeatureStore,
  OrdersQuery,
  OrderUpsert,
  OrderUpsertResult,
  PendingWindow,
  ProcessedEvents,
  ShopSnapshot,
  WindowsQuery,
  WindowsReplace,
  WindowsReplaceResult,
} from '../../ports';

const SEP = '\u001f';

export interface RedisFeatureStoreOptions {
  /** Key prefix, so several environments or test runs can share a server. */
  prefix?: string;
  /** How long a shop's order history is kept after its last order (late events older than this are not exact). */
  retentionMs?: number;
  /** How long a processed eventId is remembered (must exceed the stream's retention). */
  processedTtlMs?: number;
}

const UPSERT_ORDER = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local buyer = ARGV[2]
local previous = false
if cur then
  local sep = string.find(cur, '\\31', 1, true)
  previous = string.sub(cur, 1, sep - 1)
  buyer = string.sub(cur, sep + 1)
  if tonumber(previous) <= tonumber(ARGV[3]) then return {0, previous} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. '\\31' .. buyer)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1] .. '\\31' .. buyer)
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return {1, previous}
`;

const READ_ORDERS = `
local v = redis.call('GET', KEYS[2]) or '0'
return {v, redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYSCORE', 'WITHSCORES')}
`;

const REPLACE_WINDOWS = `
local v = redis.call('GET', KEYS[2]) or '0'
if v ~= ARGV[1] then return {0} end
local before = redis.call('ZRANGE', KEYS[1], ARGV[2], ARGV[3], 'BYSCORE')
local seen = {}
for _, m in ipairs(before) do seen[m] = true end
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3])
local added = {}
for i = 6, #ARGV, 4 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
  if not seen[ARGV[i + 1]] then
    added[#added + 1] = ARGV[i + 1]
    redis.call('ZADD', KEYS[4], ARGV[i + 2], ARGV[i + 3])
  end
end
if #ARGV >= 6 then
  redis.call('SADD', KEYS[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return {1, added}
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    rlUpsertOrder(k1: string, k2: string, k3: string, k4: string, orderId: string, buyerId: string, atMs: string, ttlMs: string): Result<[number, string | null], Context>;
    rlReadOrders(k1: string, k2: string, from: string, to: string): Result<[string, string[]], Context>;
    rlReplaceWindows(k1: string, k2: string, k3: string, k4: string, ...args: string[]): Result<[number, string[]?], Context>;
  }
}

function score(ms: number): string {
  if (ms === Number.NEGATIVE_INFINITY) return '-inf';
  if (ms === Number.POSITIVE_INFINITY) return '+inf';
  return String(ms);
}

function windowMember(w: BrushingWindow): string {
  return `${w.startMs}:${w.endMs}:${w.orders}:${w.buyers}`;
}

function parseWindow(member: string): BrushingWindow {
  const [startMs, endMs, orders, buyers] = member.split(':').map(Number) as [number, number, number, number];
  return { startMs, endMs, orders, buyers };
}

class RedisBrushingFeatures implements BrushingFeatures {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionMs: number,
  ) {}

  private key(shopId: string, what: 'orders' | 'byId' | 'version' | 'windows'): string {
    return `${this.prefix}:{s:${shopId}}:${what}`;
  }
  private get shopsKey() {
    return `${this.prefix}:brushing:shops`;
  }
  private get pendingKey() {
    return `${this.prefix}:brushing:pending`;
  }

  async upsertOrders(upserts: readonly OrderUpsert[]): Promise<OrderUpsertResult[]> {
    if (upserts.length === 0) return [];
    const p = this.redis.pipeline();
    for (const u of upserts) {
      p.rlUpsertOrder(
        this.key(u.shopId, 'byId'),
        this.key(u.shopId, 'orders'),
        this.key(u.shopId, 'version'),
        this.key(u.shopId, 'windows'),
        u.orderId,
        u.buyerId,
        String(u.atMs),
        String(this.retentionMs),
      );
    }
    const results = await runPipeline<[number, string | null]>(p);
    return results.map(([changed, previous]) => ({ changed: changed === 1, previousAtMs: previous === null ? null : Number(previous) }));
  }

  async readOrders(queries: readonly OrdersQuery[]): Promise<ShopSnapshot[]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    for (const q of queries) p.rlReadOrders(this.key(q.shopId, 'orders'), this.key(q.shopId, 'version'), score(q.fromMs), score(q.toMs));
    const results = await runPipeline<[string, string[]]>(p);
    return results.map(([version, flat]) => {
      const orders: ShopOrder[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const member = flat[i]!;
        const sep = member.indexOf(SEP);
        orders.push({ orderId: member.slice(0, sep), buyerId: member.slice(sep + 1), atMs: Number(flat[i + 1]) });
      }
      return { version: Number(version), orders };
    });
  }

  async replaceWindows(replaces: readonly WindowsReplace[]): Promise<WindowsReplaceResult[]> {
    if (replaces.length === 0) return [];
    const p = this.redis.pipeline();
    for (const r of replaces) {
      const args = [String(r.expectVersion), score(r.fromStartMs), score(r.toStartMs), r.shopId, String(this.retentionMs)];
      for (const w of r.windows) {
        args.push(String(w.startMs), windowMember(w), String(w.startMs + r.pendingDueAfterMs), [r.shopId, w.startMs, w.endMs].join(SEP));
      }
      p.rlReplaceWindows(this.key(r.shopId, 'windows'), this.key(r.shopId, 'version'), this.shopsKey, this.pendingKey, ...args);
    }
    const results = await runPipeline<[number, string[]?]>(p);
    return results.map(([ok, added]) => (ok === 1 ? { ok: true, added: (added ?? []).map(parseWindow) } : { ok: false }));
  }

  async windows(queries: readonly WindowsQuery[]): Promise<BrushingWindow[][]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    for (const q of queries) {
      p.zrange(this.key(q.shopId, 'windows'), score(q.fromStartMs ?? -Infinity), score(q.toStartMs ?? Infinity), 'BYSCORE');
    }
    const results = await runPipeline<string[]>(p);
    return results.map((members) => members.map(parseWindow).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs));
  }

  async brushingShops(): Promise<string[]> {
    const shops = await asDependency('redis', () => this.redis.smembers(this.shopsKey));
    return shops.sort();
  }

  async addPending(windows: readonly PendingWindow[]): Promise<void> {
    if (windows.length === 0) return;
    const args: string[] = [];
    for (const w of windows) args.push(String(w.dueMs), [w.shopId, w.startMs, w.endMs].join(SEP));
    await asDependency('redis', () => this.redis.zadd(this.pendingKey, ...args));
  }

  async duePending(watermarkMs: number, limit: number): Promise<PendingWindow[]> {
    const flat = await asDependency('redis', () =>
      this.redis.zrange(this.pendingKey, '-inf', score(watermarkMs), 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES'),
    );
    const due: PendingWindow[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [shopId, startMs, endMs] = flat[i]!.split(SEP) as [string, string, string];
      due.push({ shopId, startMs: Number(startMs), endMs: Number(endMs), dueMs: Number(flat[i + 1]) });
    }
    return due;
  }

  async clearPending(windows: readonly PendingWindow[]): Promise<void> {
    if (windows.length === 0) return;
    await asDependency('redis', () => this.redis.zrem(this.pendingKey, ...windows.map((w) => [w.shopId, w.startMs, w.endMs].join(SEP))));
  }
}

class RedisProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  private key(eventId: string) {
    return `${this.prefix}:evt:${eventId}`;
  }

  async unprocessed(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const seen = await asDependency('redis', () => this.redis.mget(...eventIds.map((id) => this.key(id))));
    return new Set(eventIds.filter((_, n) => seen[n] === null));
  }

  async markProcessed(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const p = this.redis.pipeline();
    for (const id of eventIds) p.set(this.key(id), '1', 'PX', this.ttlMs);
    await runPipeline(p);
  }
}

/** Connection defaults for Lambda: fail fast (the consumer retries the batch), never queue forever. */
export const LAMBDA_REDIS_OPTIONS: RedisOptions = {
  connectTimeout: 2_000,
  commandTimeout: 2_000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
};

export function createRedisFeatureStore(connection: Redis | string, options: RedisFeatureStoreOptions = {}): FeatureStore {
  const redis = typeof connection === 'string' ? new Redis(connection, LAMBDA_REDIS_OPTIONS) : connection;
  const prefix = options.prefix ?? 'rl';
  redis.defineCommand('rlUpsertOrder', { numberOfKeys: 4, lua: UPSERT_ORDER });
  redis.defineCommand('rlReadOrders', { numberOfKeys: 2, lua: READ_ORDERS });
  redis.defineCommand('rlReplaceWindows', { numberOfKeys: 4, lua: REPLACE_WINDOWS });
  defineWindowedCommands(redis);
  defineReviewCommands(redis);
  return {
    name: 'redis',
    brushing: new RedisBrushingFeatures(redis, prefix, options.retentionMs ?? 30 * 24 * 3_600_000),
    processed: new RedisProcessedEvents(redis, prefix, options.processedTtlMs ?? 8 * 24 * 3_600_000),
    sets: new RedisWindowedSets(redis, prefix),
    prices: new RedisPriceHistograms(redis, prefix),
    orderFacts: new RedisOrderFacts(redis, prefix),
    reviews: new RedisReviewWindows(redis, prefix),
    reviewTrust: new RedisReviewTrust(redis, prefix),
    close: async () => {
      if (typeof connection === 'string') await redis.quit();
    },
  };
}
