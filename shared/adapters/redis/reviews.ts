/**
 * Redis order facts, review windows and review trust. One Lua script per order or review, every
 * script of a batch in one pipeline (one round trip). Scripts declare every key they touch.
 *
 * A review's windows reach both ways from its event time ([t - window, t + window]): a review that
 * arrives late (another shard, a producer retry) still meets the reviews posted after it. Members are
 * trimmed only once they are two windows old, for the same reason.
 *
 * Memory (the near-duplicate index): each review with an indexable text adds one member (~70 bytes
 * of id, ~120 bytes in a sorted set) to each of `bands` LSH buckets; a bucket keeps at most
 * `bucketCap` members and forgets members older than `ttlHours` (and the whole key `ttlHours` after
 * its last write). So the index holds at most bands × (indexed reviews within ttlHours) members, and
 * no bucket grows past the cap however common a phrase is: with the defaults (8 bands, 72 h) about
 * 8 × 120 B × 3 days of reviews, ~2.9 KB per indexed review per day of traffic (100,000 reviews a day:
 * ~290 MB).
 */
import type { ClientContext, Redis, Result } from 'ioredis';
import type { OrderFacts } from '../../domain/reviews/purchase';
import type { TrustFactorName } from '../../domain/reviews/trust';
import type {
  LinkedReview,
  OpenOrder,
  OrderFactsFeatures,
  OrderFactsResult,
  OrderFactsTtl,
  OrderFactsUpdate,
  ReviewPost,
  ReviewPostAnswer,
  ReviewTrust,
  ReviewTrustRecord,
  ReviewWindowParams,
  ReviewWindows,
  TrustUpdate,
} from '../../ports';
import { mergeHours, parseHourField } from '../memory/reviews';
import { sampledTrim } from '../../domain/sampledTrim';
import { runPipeline } from './pipeline';
import { BatchedScript, hgetallScript } from './batchedScript';

const SEP = '\u001f';
const ENTRY_SEP = '\u001e';
const HOUR_MS = 3_600_000;

const REVIEW_POST = `
local rec = KEYS[1]
if redis.call('HGET', rec, 'd') == '1' then return {0} end
local already = redis.call('HEXISTS', rec, 'k') == 1
local flags = ''
if already then flags = redis.call('HGET', rec, 'f') or '' end
local entries = {}
local newFlags = {}
local reviewId, buyer, merchant, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local sus = string.sub(ARGV[5], 1, 1) == '1'
local nb, nr, nl = tonumber(ARGV[20]), tonumber(ARGV[21]), tonumber(ARGV[22])
local k, a = 2, 28
-- Trimming old members is amortised (asked for on a share of posts): counts read explicit ranges.
local trim = ARGV[27] == '1'
local lookup = string.sub(ARGV[5], 2, 2) == '1'
local bursts = {}
for i = 1, nb do
  local sk, vk, dk = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local nh = tonumber(ARGV[a])
  a = a + 1
  local s
  if already then
    s = string.sub(flags, i, i) == '1'
  else
    s = sus
    if not s then
      local seen = redis.call('ZSCORE', vk, buyer)
      if seen and tonumber(seen) >= tonumber(ARGV[6]) and tonumber(seen) <= tonumber(ARGV[23]) then s = true end
    end
    local field
    if s then
      local m = reviewId .. '\\31' .. buyer
      redis.call('ZADD', sk, at, m)
      entries[#entries + 1] = 'z\\31' .. sk .. '\\31' .. m
      field = ARGV[8] .. 's'
    else
      redis.call('ZADD', vk, 'GT', at, buyer)
      entries[#entries + 1] = 'z\\31' .. vk .. '\\31' .. buyer
      field = ARGV[8] .. 'v'
    end
    redis.call('HINCRBY', dk, field, 1)
    entries[#entries + 1] = 'h\\31' .. dk .. '\\31' .. field
    expire(dk, ARGV[9])
    if trim then
      redis.call('ZREMRANGEBYSCORE', sk, '-inf', '(' .. ARGV[24])
      redis.call('ZREMRANGEBYSCORE', vk, '-inf', '(' .. ARGV[24])
    end
    expire(sk, ARGV[7])
    expire(vk, ARGV[7])
  end
  newFlags[#newFlags + 1] = s and '1' or '0'
  local sc = redis.call('ZCOUNT', sk, ARGV[6], ARGV[23])
  local vc = redis.call('ZCOUNT', vk, ARGV[6], ARGV[23])
  local members = {}
  if sc >= tonumber(ARGV[10]) then members = redis.call('ZREVRANGEBYSCORE', sk, ARGV[23], ARGV[6], 'LIMIT', 0, tonumber(ARGV[11])) end
  local history = {}
  for h = 1, nh do
    local flat = redis.call('HGETALL', KEYS[k + 2 + h])
    for j = 1, #flat do history[#history + 1] = flat[j] end
  end
  bursts[i] = {s and 1 or 0, sc, vc, members, history}
  k = k + 3 + nh
end
local rings = {}
for i = 1, nr do
  local rk, ck = KEYS[k], KEYS[k + 1]
  k = k + 2
  if not already then
    redis.call('ZADD', rk, 'GT', at, buyer)
    redis.call('HSET', ck, buyer, reviewId)
    entries[#entries + 1] = 'r\\31' .. rk .. '\\31' .. buyer .. '\\31' .. reviewId
    if trim then
      local old = redis.call('ZRANGEBYSCORE', rk, '-inf', '(' .. ARGV[26])
      if #old > 0 then
        redis.call('ZREM', rk, unpack(old))
        redis.call('HDEL', ck, unpack(old))
      end
    end
    expire(rk, ARGV[13])
    expire(ck, ARGV[13])
  end
  local n = redis.call('ZCOUNT', rk, ARGV[12], ARGV[25])
  local members = {}
  if n >= tonumber(ARGV[14]) then
    local buyers = redis.call('ZRANGEBYSCORE', rk, ARGV[12], ARGV[25], 'LIMIT', 0, tonumber(ARGV[11]))
    if #buyers > 0 then
      local ids = redis.call('HMGET', ck, unpack(buyers))
      for j = 1, #buyers do
        if ids[j] then
          members[#members + 1] = buyers[j]
          members[#members + 1] = ids[j]
        end
      end
    end
  end
  rings[i] = {n, members}
end
local self = reviewId .. '\\31' .. buyer .. '\\31' .. merchant .. '\\31' .. (sus and 's' or 'v')
local shared, order = {}, {}
for i = 1, nl do
  local lk = KEYS[k]
  k = k + 1
  if lookup then
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', lk, ARGV[15], '+inf')) do
      if shared[m] == nil then
        order[#order + 1] = m
        shared[m] = 0
      end
      shared[m] = shared[m] + 1
    end
  end
  if not already then
    redis.call('ZADD', lk, at, self)
    if trim then redis.call('ZREMRANGEBYSCORE', lk, '-inf', '(' .. ARGV[15]) end
    -- The cap is the index's memory bound: enforced on every add.
    if redis.call('ZCARD', lk) > tonumber(ARGV[17]) then redis.call('ZREMRANGEBYRANK', lk, 0, -(tonumber(ARGV[17]) + 1)) end
    expire(lk, ARGV[16])
    entries[#entries + 1] = 'z\\31' .. lk .. '\\31' .. self
  end
end
local near = {}
for _, m in ipairs(order) do
  if m ~= self and shared[m] >= tonumber(ARGV[18]) then
    near[#near + 1] = m
    near[#near + 1] = shared[m]
  end
end
if not already then
  redis.call('HSET', rec, 'k', table.concat(entries, '\\30'), 'f', table.concat(newFlags))
  expire(rec, ARGV[19])
end
return {1, bursts, rings, near}
`;

const REVIEW_REMOVE = `
local rec = KEYS[1]
if redis.call('HGET', rec, 'd') == '1' then return 0 end
local cur = redis.call('HGET', rec, 'k')
if (cur or '') ~= ARGV[1] then return -1 end
local k, a = 2, 3
while a <= #ARGV do
  local op = ARGV[a]
  if op == 'z' then
    redis.call('ZREM', KEYS[k], ARGV[a + 1])
    k, a = k + 1, a + 2
  elseif op == 'h' then
    if redis.call('HEXISTS', KEYS[k], ARGV[a + 1]) == 1 then redis.call('HINCRBY', KEYS[k], ARGV[a + 1], -1) end
    k, a = k + 1, a + 2
  else
    redis.call('ZREM', KEYS[k], ARGV[a + 1])
    if redis.call('HGET', KEYS[k + 1], ARGV[a + 1]) == ARGV[a + 2] then redis.call('HDEL', KEYS[k + 1], ARGV[a + 1]) end
    k, a = k + 2, a + 3
  end
end
redis.call('DEL', rec)
redis.call('HSET', rec, 'd', '1')
redis.call('PEXPIRE', rec, ARGV[2])
if cur then return 1 end
return 0
`;

// One read (HGETALL) and at most one write (HSET) of the order's hash, whatever changed: the merge is
// done in Lua on the table read, and the hash is answered from it.
const FACTS_RECORD = `
local key = KEYS[1]
local flat = redis.call('HGETALL', key)
local h = {}
for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
local writes = {}
local function put(field, value)
  h[field] = value
  writes[#writes + 1] = field
  writes[#writes + 1] = value
end
local function once(field, value)
  if value ~= '' and not h[field] then put(field, value) end
end
once('b', ARGV[1])
once('m', ARGV[2])
once('ca', ARGV[3])
once('s', ARGV[4])
local n = tonumber(ARGV[10])
for i = 0, n - 1 do
  local field, ms = ARGV[11 + 2 * i], ARGV[12 + 2 * i]
  local cur = h[field]
  if not cur or tonumber(ms) < tonumber(cur) then put(field, ms) end
end
local changed = #writes > 0
if changed then
  put('v', string.format('%d', (tonumber(h['v']) or 0) + 1))
  redis.call('HSET', key, unpack(writes))
end
expire(key, ARGV[5])
local manip = {}
if ARGV[6] ~= '' then
  for i = 2, #KEYS, 2 do
    redis.call('ZADD', KEYS[i], ARGV[6], ARGV[9])
    if ARGV[11 + 2 * n] == '1' then redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[7]) end
    expire(KEYS[i], ARGV[8])
    local u = redis.call('GET', KEYS[i + 1])
    if u and tonumber(u) >= tonumber(ARGV[6]) then manip[#manip + 1] = i / 2 end
  end
end
local out = {}
for field, value in pairs(h) do
  out[#out + 1] = field
  out[#out + 1] = value
end
return {changed and 1 or 0, out, manip}
`;

const FACTS_LINK = `
redis.call('HSET', KEYS[1], 'l:' .. ARGV[1], ARGV[2])
expire(KEYS[1], ARGV[3])
return redis.call('HGETALL', KEYS[1])
`;

const FACTS_MANIPULATED = `
local u = redis.call('GET', KEYS[1])
if not u or tonumber(u) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4]) end
return redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
`;

const TRUST_UPDATE = `
local key = KEYS[1]
if redis.call('HGET', key, 'd') == '1' then return false end
if ARGV[2] ~= '' then redis.call('HSETNX', key, 'sub', ARGV[2]) end
for a = 3, #ARGV, 4 do
  local name, value, version, reason = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local cur = redis.call('HGET', key, 'f:' .. name)
  if version ~= '' then
    local cv = redis.call('HGET', key, 'v:' .. name)
    if not cur or not cv or tonumber(version) >= tonumber(cv) then
      redis.call('HSET', key, 'f:' .. name, value, 'v:' .. name, version, 'w:' .. name, reason)
    end
  elseif not cur or tonumber(value) < tonumber(cur) then
    redis.call('HSET', key, 'f:' .. name, value, 'w:' .. name, reason)
    redis.call('HDEL', key, 'v:' .. name)
  end
end
local flat = redis.call('HGETALL', key)
local t = 1
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, 2) == 'f:' then t = t * math.min(1, math.max(0, tonumber(flat[i + 1]))) end
end
local ts = string.format('%.4f', t)
redis.call('HSET', key, 't', ts)
expire(key, ARGV[1])
return ts
`;

type RawBurst = [number, number, number, string[], string[]];
type RawPost = [0] | [1, RawBurst[], [number, string[]][], (string | number)[]];

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    rlReviewRemove(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    rlFactsManipulated(manipKey: string, openKey: string, untilMs: string, sinceMs: string, limit: string, ttlMs: string): Result<string[], Context>;
  }
}

export function defineReviewCommands(redis: Redis): void {
  redis.defineCommand('rlReviewRemove', { lua: REVIEW_REMOVE });
  redis.defineCommand('rlFactsManipulated', { numberOfKeys: 2, lua: FACTS_MANIPULATED });
}

function pairs(flat: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i]!, flat[i + 1]!);
  return m;
}

export class RedisReviewWindows implements ReviewWindows {
  private readonly posts: BatchedScript<RawPost>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.posts = new BatchedScript(redis, 'rlReviewPosts', REVIEW_POST, 32);
  }

  private key(...parts: string[]): string {
    return `${this.prefix}:rv:${parts.join(':')}`;
  }

  async post(posts: readonly ReviewPost[], params: ReviewWindowParams): Promise<ReviewPostAnswer[]> {
    const calls = posts.map((r) => {
      const hour = Math.floor(r.atMs / HOUR_MS);
      const keys = [this.key('rec', r.reviewId)];
      const perBurst: string[] = [];
      for (const b of r.bursts) {
        keys.push(this.key('bw', b.scope, 's'), this.key('bw', b.scope, 'v'), this.key('bh', b.scope, String(Math.floor(hour / 24))));
        const days: string[] = [];
        if (b.history) for (let d = Math.floor(b.history.fromHour / 24); d <= Math.floor((b.history.toHour - 1) / 24); d++) days.push(this.key('bh', b.scope, String(d)));
        keys.push(...days);
        perBurst.push(String(days.length));
      }
      for (const ring of r.rings) keys.push(this.key('ring', ring), this.key('ring', ring, 'r'));
      for (const band of r.bands) keys.push(this.key('lsh', band));
      const args = [
        r.reviewId,
        r.buyerId,
        r.merchantId,
        String(r.atMs),
        `${r.suspicious ? 1 : 0}${r.nearDuplicates ? 1 : 0}`,
        String(r.atMs - params.burstWindowMs),
        String(params.burstWindowMs * 3),
        String(hour),
        String(params.historyTtlMs),
        String(params.burstEvidenceFrom),
        String(params.evidenceLimit),
        String(r.atMs - params.ringWindowMs),
        String(params.ringWindowMs * 2),
        String(params.ringEvidenceFrom),
        String(r.atMs - params.textTtlMs),
        String(params.textTtlMs),
        String(params.bucketCap),
        String(params.minSharedBands),
        String(params.recordTtlMs),
        String(r.bursts.length),
        String(r.rings.length),
        String(r.bands.length),
        String(r.atMs + params.burstWindowMs),
        String(r.atMs - 2 * params.burstWindowMs),
        String(r.atMs + params.ringWindowMs),
        String(r.atMs - 2 * params.ringWindowMs),
        sampledTrim(r.reviewId) ? '1' : '0',
        ...perBurst,
      ];
      return { keys, args };
    });
    const raw = await this.posts.run(calls);
    return raw.map((answer, n) => {
      if (answer[0] === 0) return { counted: false, bursts: [], rings: [], near: [] };
      const [, bursts, rings, near] = answer;
      return {
        counted: true,
        bursts: bursts.map(([flag, suspicious, verified, members, history], i) => ({
          countedSuspicious: flag === 1,
          suspicious,
          verified,
          members: members.map((m) => {
            const [reviewId, buyerId] = m.split(SEP) as [string, string];
            return { reviewId, buyerId };
          }),
          history: mergeHours(
            [...pairs(history)].map(([field, count]) => parseHourField(field, Number(count))).filter((c) => inRange(c.hour, posts[n]!.bursts[i]!.history)),
          ),
        })),
        rings: rings.map(([accounts, flat]) => {
          const members: { reviewId: string; buyerId: string }[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2) members.push({ buyerId: flat[i]!, reviewId: flat[i + 1]! });
          return { accounts, members };
        }),
        near: nearOf(near),
      };
    });
  }

  async remove(reviewIds: readonly string[], params: ReviewWindowParams): Promise<boolean[]> {
    const out = new Array<boolean>(reviewIds.length).fill(false);
    let pending = reviewIds.map((id, n) => ({ id, n }));
    // The record says where the review was counted; the removal is refused if it changed in between.
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 5) throw new Error(`review windows of ${pending.length} reviews kept changing during removal`);
      const read = this.redis.pipeline();
      for (const { id } of pending) read.hget(this.key('rec', id), 'k');
      const counted = await runPipeline<string | null>(read);
      const p = this.redis.pipeline();
      pending.forEach(({ id }, i) => {
        const expected = counted[i] ?? '';
        const keys = [this.key('rec', id)];
        const args = [expected, String(params.recordTtlMs)];
        for (const entry of expected === '' ? [] : expected.split(ENTRY_SEP)) {
          // op, key, then the member (which may hold separators itself), or for a ring the buyer and review.
          const [op, key, ...rest] = entry.split(SEP) as [string, string, ...string[]];
          if (op === 'r') {
            keys.push(key, `${key}:r`);
            args.push(op, rest[0]!, rest[1]!);
          } else {
            keys.push(key);
            args.push(op, rest.join(SEP));
          }
        }
        p.rlReviewRemove(keys.length, ...keys, ...args);
      });
      const results = await runPipeline<number>(p);
      const retry: typeof pending = [];
      results.forEach((r, i) => {
        if (r === -1) retry.push(pending[i]!);
        else out[pending[i]!.n] = r === 1;
      });
      pending = retry;
    }
    return out;
  }
}

function inRange(hour: number, range: { fromHour: number; toHour: number } | undefined): boolean {
  return range !== undefined && hour >= range.fromHour && hour < range.toHour;
}

function nearOf(flat: readonly (string | number)[]) {
  const near: ReviewPostAnswer['near'] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [reviewId, buyerId, merchantId, flag] = String(flat[i]).split(SEP) as [string, string, string, string];
    near.push({ reviewId, buyerId, merchantId, suspicious: flag === 's', sharedBands: Number(flat[i + 1]) });
  }
  return near;
}

const STAGES = ['placed', 'paid', 'completed', 'cancelled', 'refunded'] as const;

function factsFrom(orderId: string, fields: Map<string, string>): { facts: OrderFacts | null; linked: LinkedReview[] } {
  const time = (stage: (typeof STAGES)[number]) => (fields.has(`t:${stage}`) ? Number(fields.get(`t:${stage}`)) : null);
  const linked: LinkedReview[] = [];
  for (const [field, value] of fields) if (field.startsWith('l:')) linked.push(JSON.parse(value) as LinkedReview);
  linked.sort((a, b) => a.postedAtMs - b.postedAtMs || a.reviewId.localeCompare(b.reviewId));
  const known = fields.has('b') || STAGES.some((s) => fields.has(`t:${s}`));
  if (!known) return { facts: null, linked };
  const skus = fields.get('s');
  return {
    facts: {
      orderId,
      merchantId: fields.get('m') ?? null,
      buyerId: fields.get('b') ?? null,
      buyerCreatedAtMs: fields.has('ca') ? Number(fields.get('ca')) : null,
      skuIds: skus === undefined || skus === '' ? [] : skus.split(SEP),
      placedAtMs: time('placed'),
      paidAtMs: time('paid'),
      completedAtMs: time('completed'),
      cancelledAtMs: time('cancelled'),
      refundedAtMs: time('refunded'),
      version: Number(fields.get('v') ?? '0'),
    },
    linked,
  };
}

export class RedisOrderFacts implements OrderFactsFeatures {
  private readonly records: BatchedScript<[number, string[], number[]]>;
  private readonly reads: BatchedScript<string[]>;
  private readonly links: BatchedScript<string[]>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.records = new BatchedScript(redis, 'rlFactsRecords', FACTS_RECORD);
    this.reads = hgetallScript(redis);
    this.links = new BatchedScript(redis, 'rlFactsLinks', FACTS_LINK);
  }

  private facts(orderId: string) {
    return `${this.prefix}:of:${orderId}`;
  }
  private open(skuId: string) {
    return `${this.prefix}:of:open:${skuId}`;
  }
  private manipulated(skuId: string) {
    return `${this.prefix}:of:manip:${skuId}`;
  }

  async record(updates: readonly OrderFactsUpdate[], ttl: OrderFactsTtl): Promise<OrderFactsResult[]> {
    const calls = updates.map((u) => {
      const keys = [this.facts(u.orderId)];
      for (const sku of u.open?.skuIds ?? []) keys.push(this.open(sku), this.manipulated(sku));
      const args = [
        u.buyerId,
        u.merchantId,
        u.buyerCreatedAtMs === null ? '' : String(u.buyerCreatedAtMs),
        u.skuIds.join(SEP),
        String(ttl.factsTtlMs),
        u.open ? String(u.open.atMs) : '',
        u.open ? String(u.open.atMs - ttl.openTtlMs) : '',
        String(ttl.openTtlMs),
        `${u.buyerId}${SEP}${u.orderId}`,
        String(u.times.length),
        ...u.times.flatMap((t) => [`t:${t.stage}`, String(t.atMs)]),
        sampledTrim(u.orderId) ? '1' : '0',
      ];
      return { keys, args };
    });
    const raw = await this.records.run(calls);
    return raw.map(([changed, flat, manipulated], n) => {
      const u = updates[n]!;
      const { facts, linked } = factsFrom(u.orderId, pairs(flat));
      return { changed: changed === 1, facts: facts!, linked: changed === 1 ? linked : [], manipulatedSkuIds: manipulated.map((i) => u.open!.skuIds[i - 1]!) };
    });
  }

  async link(reviews: readonly (LinkedReview & { orderId: string })[], ttl: OrderFactsTtl): Promise<(OrderFacts | null)[]> {
    const ttlMs = String(ttl.factsTtlMs);
    const raw = await this.links.run(reviews.map((r) => ({ keys: [this.facts(r.orderId)], args: [r.reviewId, JSON.stringify(r), ttlMs] })));
    return raw.map((flat, n) => factsFrom(reviews[n]!.orderId, pairs(flat)).facts);
  }

  async read(orderIds: readonly string[]): Promise<(OrderFacts | null)[]> {
    const raw = await this.reads.run(orderIds.map((id) => ({ keys: [this.facts(id)], args: [] })));
    return raw.map((flat, n) => factsFrom(orderIds[n]!, pairs(flat)).facts);
  }

  async markManipulated(marks: readonly { skuId: string; untilMs: number; sinceMs: number }[], limit: number, ttlMs: number): Promise<OpenOrder[][]> {
    if (marks.length === 0) return [];
    const p = this.redis.pipeline();
    for (const m of marks) p.rlFactsManipulated(this.manipulated(m.skuId), this.open(m.skuId), String(m.untilMs), String(m.sinceMs), String(limit), String(ttlMs));
    const raw = await runPipeline<string[]>(p);
    return raw.map((flat) => {
      const out: OpenOrder[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [buyerId, orderId] = flat[i]!.split(SEP) as [string, string];
        out.push({ buyerId, orderId, atMs: Number(flat[i + 1]) });
      }
      return out;
    });
  }
}

export class RedisReviewTrust implements ReviewTrust {
  private readonly updates: BatchedScript<string | null>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.updates = new BatchedScript(redis, 'rlTrustUpdates', TRUST_UPDATE);
  }

  private key(reviewId: string) {
    return `${this.prefix}:rv:t:${reviewId}`;
  }

  async update(updates: readonly TrustUpdate[], ttlMs: number): Promise<(number | null)[]> {
    const raw = await this.updates.run(
      updates.map((u) => {
        const args = [String(ttlMs), u.subject ? JSON.stringify(u.subject) : ''];
        for (const f of u.factors) args.push(f.name, String(f.value), f.version === undefined ? '' : String(f.version), f.reason ?? '');
        return { keys: [this.key(u.reviewId)], args };
      }),
    );
    return raw.map((t) => (t === null ? null : Number(t)));
  }

  async markDeleted(reviewIds: readonly string[], ttlMs: number): Promise<void> {
    if (reviewIds.length === 0) return;
    const p = this.redis.pipeline();
    for (const id of reviewIds) {
      p.hset(this.key(id), 'd', '1', 't', '0');
      p.pexpire(this.key(id), ttlMs);
    }
    await runPipeline(p);
  }

  async read(reviewIds: readonly string[]): Promise<(ReviewTrustRecord | null)[]> {
    if (reviewIds.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of reviewIds) p.hgetall(this.key(id));
    const raw = await runPipeline<Record<string, string>>(p);
    return raw.map((h, n) => {
      if (Object.keys(h).length === 0) return null;
      const factors: ReviewTrustRecord['factors'] = {};
      for (const [field, value] of Object.entries(h)) {
        if (!field.startsWith('f:')) continue;
        const name = field.slice(2) as TrustFactorName;
        const reason = h[`w:${name}`];
        const version = h[`v:${name}`];
        factors[name] = { value: Number(value), reason: reason === undefined || reason === '' ? null : reason, version: version === undefined ? null : Number(version) };
      }
      return {
        reviewId: reviewIds[n]!,
        subject: h.sub === undefined ? null : (JSON.parse(h.sub) as ReviewTrustRecord['subject']),
        trust: h.d === '1' ? 0 : Number(h.t ?? '1'),
        deleted: h.d === '1',
        factors,
      };
    });
  }
}
