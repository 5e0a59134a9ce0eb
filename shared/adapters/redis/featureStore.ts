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
import { BatchedScript } from './batchedScript';
import { RedisPriceHistograms, RedisWindowedSets } from './windowedSets';
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
  /** Processing-time clock: which day's set a processed eventId goes to. */
  now?: () => number;
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
expire(KEYS[1], ARGV[4])
expire(KEYS[2], ARGV[4])
expire(KEYS[3], ARGV[4])
expire(KEYS[4], ARGV[4])
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
  expire(KEYS[1], ARGV[5])
end
return {1, added}
`;

const ZRANGE_BYSCORE = `return redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYSCORE')`;

// Processed eventIds, one set per UTC day of processing: a batch checks the days a redelivery can
// come from (SMISMEMBER per day) and adds its ids to today's set, instead of a key per event.
const PROCESSED_CHECK = `
local hits = {}
for i = 1, #ARGV do hits[i] = 0 end
for _, key in ipairs(KEYS) do
  for from = 1, #ARGV, 1000 do
    local found = redis.call('SMISMEMBER', key, unpack(ARGV, from, math.min(from + 999, #ARGV)))
    for i = 1, #found do if found[i] == 1 then hits[from + i - 1] = 1 end end
  end
end
return hits
`;

const PROCESSED_MARK = `
for from = 2, #ARGV, 1000 do redis.call('SADD', KEYS[1], unpack(ARGV, from, math.min(from + 999, #ARGV))) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    rlProcessedCheck(numKeys: number, ...keysAndArgs: string[]): Result<number[], Context>;
    rlProcessedMark(key: string, expireAtMs: string, ...ids: string[]): Result<number, Context>;
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
  private readonly upsert: BatchedScript<[number, string | null]>;
  private readonly read: BatchedScript<[string, string[]]>;
  private readonly replace: BatchedScript<[number, string[]?]>;
  private readonly range: BatchedScript<string[]>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionMs: number,
  ) {
    this.upsert = new BatchedScript(redis, 'rlUpsertOrders', UPSERT_ORDER);
    this.read = new BatchedScript(redis, 'rlReadOrders', READ_ORDERS, 64);
    this.replace = new BatchedScript(redis, 'rlReplaceWindows', REPLACE_WINDOWS, 64);
    this.range = new BatchedScript(redis, 'rlZrangeByScore', ZRANGE_BYSCORE);
  }

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
    const ttl = String(this.retentionMs);
    const results = await this.upsert.run(
      upserts.map((u) => ({
        keys: [this.key(u.shopId, 'byId'), this.key(u.shopId, 'orders'), this.key(u.shopId, 'version'), this.key(u.shopId, 'windows')],
        args: [u.orderId, u.buyerId, String(u.atMs), ttl],
      })),
    );
    return results.map(([changed, previous]) => ({ changed: changed === 1, previousAtMs: previous === null ? null : Number(previous) }));
  }

  async readOrders(queries: readonly OrdersQuery[]): Promise<ShopSnapshot[]> {
    const results = await this.read.run(
      queries.map((q) => ({ keys: [this.key(q.shopId, 'orders'), this.key(q.shopId, 'version')], args: [score(q.fromMs), score(q.toMs)] })),
    );
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
    const results = await this.replace.run(
      replaces.map((r) => {
        const args = [String(r.expectVersion), score(r.fromStartMs), score(r.toStartMs), r.shopId, String(this.retentionMs)];
        for (const w of r.windows) {
          args.push(String(w.startMs), windowMember(w), String(w.startMs + r.pendingDueAfterMs), [r.shopId, w.startMs, w.endMs].join(SEP));
        }
        return { keys: [this.key(r.shopId, 'windows'), this.key(r.shopId, 'version'), this.shopsKey, this.pendingKey], args };
      }),
    );
    return results.map(([ok, added]) => (ok === 1 ? { ok: true, added: (added ?? []).map(parseWindow) } : { ok: false }));
  }

  async windows(queries: readonly WindowsQuery[]): Promise<BrushingWindow[][]> {
    const results = await this.range.run(
      queries.map((q) => ({ keys: [this.key(q.shopId, 'windows')], args: [score(q.fromStartMs ?? -Infinity), score(q.toStartMs ?? Infinity)] })),
    );
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

const DAY_MS = 86_400_000;

class RedisProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  private key(day: number) {
    return `${this.prefix}:evt:d:${day}`;
  }

  async unprocessed(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    // Every day whose set can still hold an id processed within the TTL.
    const today = Math.floor(this.now() / DAY_MS);
    const keys: string[] = [];
    for (let day = today - Math.ceil(this.ttlMs / DAY_MS); day <= today; day++) keys.push(this.key(day));
    const hits = await asDependency('redis', () => this.redis.rlProcessedCheck(keys.length, ...keys, ...eventIds));
    return new Set(eventIds.filter((_, n) => hits[n] === 0));
  }

  async markProcessed(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const day = Math.floor(this.now() / DAY_MS);
    const expireAt = String((day + 1) * DAY_MS + this.ttlMs);
    await asDependency('redis', () => this.redis.rlProcessedMark(this.key(day), expireAt, ...eventIds));
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
  redis.defineCommand('rlProcessedCheck', { lua: PROCESSED_CHECK });
  redis.defineCommand('rlProcessedMark', { numberOfKeys: 1, lua: PROCESSED_MARK });
  defineReviewCommands(redis);
  return {
    name: 'redis',
    brushing: new RedisBrushingFeatures(redis, prefix, options.retentionMs ?? 30 * 24 * 3_600_000),
    processed: new RedisProcessedEvents(redis, prefix, options.processedTtlMs ?? 8 * 24 * 3_600_000, options.now ?? Date.now),
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
