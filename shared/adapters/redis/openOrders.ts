/**
 * OpenOrders on Redis: per order a hash `oo:o:<orderId>` (skuId -> buyer and merchant; `!closed`
 * once closed) and per SKU a sorted set `oo:s:<skuId>` of `buyer<US>order<US>merchant` scored by the
 * time the order opened. Each open or close is one small Lua script (atomic, so a close racing an open
 * cannot leave the order listed); a batch's scripts go in one pipeline, one round trip. A close
 * touches the SKU sets it finds in the order's hash: keys computed in the script, which suits the
 * non-cluster (primary + replicas) group the feature store runs on.
 */
import type { ClientContext, Redis, Result } from 'ioredis';
import type { OpenOrderLine, OpenOrders } from '../../ports';
import { runPipeline } from './pipeline';

const SEP = '\u001f';

// KEYS: order hash, sku set. ARGV: skuId, buyerId, merchantId, orderId, atMs, retentionMs, trimBeforeMs
const OPEN = `
if redis.call('HEXISTS', KEYS[1], '!closed') == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '\\31' .. ARGV[3])
redis.call('ZADD', KEYS[2], 'LT', ARGV[5], ARGV[2] .. '\\31' .. ARGV[4] .. '\\31' .. ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1
`;

// KEYS: order hash. ARGV: sku key prefix, orderId, retentionMs
const CLOSE = `
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local sku = fields[i]
  if sku ~= '!closed' then
    local value = fields[i + 1]
    local sep = string.find(value, '\\31', 1, true)
    local buyer = string.sub(value, 1, sep - 1)
    local merchant = string.sub(value, sep + 1)
    redis.call('ZREM', ARGV[1] .. sku, buyer .. '\\31' .. ARGV[2] .. '\\31' .. merchant)
    redis.call('HDEL', KEYS[1], sku)
  end
end
redis.call('HSET', KEYS[1], '!closed', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    rlOpenOrder(order: string, sku: string, ...args: string[]): Result<number, Context>;
    rlCloseOrder(order: string, ...args: string[]): Result<number, Context>;
  }
}

export class RedisOpenOrders implements OpenOrders {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'rl',
  ) {
    redis.defineCommand('rlOpenOrder', { numberOfKeys: 2, lua: OPEN });
    redis.defineCommand('rlCloseOrder', { numberOfKeys: 1, lua: CLOSE });
  }

  private orderKey(orderId: string): string {
    return `${this.prefix}:oo:o:${orderId}`;
  }

  private skuKey(skuId: string): string {
    return `${this.prefix}:oo:s:${skuId}`;
  }

  async apply(open: readonly OpenOrderLine[], close: readonly string[], retentionMs: number): Promise<void> {
    if (open.length === 0 && close.length === 0) return;
    const p = this.redis.pipeline();
    const ttl = String(Math.max(1, Math.round(retentionMs)));
    for (const l of open) {
      p.rlOpenOrder(this.orderKey(l.orderId), this.skuKey(l.skuId), l.skuId, l.buyerId, l.merchantId, l.orderId, String(l.atMs), ttl, String(l.atMs - retentionMs));
    }
    for (const orderId of close) p.rlCloseOrder(this.orderKey(orderId), this.skuKey(''), orderId, ttl);
    await runPipeline(p);
  }

  async bySku(queries: readonly { skuId: string; sinceMs: number }[]): Promise<OpenOrderLine[][]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    for (const q of queries) p.zrangebyscore(this.skuKey(q.skuId), String(q.sinceMs), '+inf', 'WITHSCORES');
    const replies = await runPipeline<string[]>(p);
    return queries.map((q, n) => {
      const flat = replies[n]!;
      const lines: OpenOrderLine[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const [buyerId, orderId, merchantId] = flat[i]!.split(SEP) as [string, string, string];
        lines.push({ orderId, buyerId, merchantId, skuId: q.skuId, atMs: Number(flat[i + 1]) });
      }
      return lines.sort((a, b) => a.atMs - b.atMs || (a.orderId < b.orderId ? -1 : 1));
    });
  }
}
