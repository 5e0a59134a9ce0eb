/**
 * Redis WindowedSets and PriceHistograms: one Lua call per query, all queries of a batch in one
 * pipeline (one round trip). Numbers travel as strings computed in JS; Lua never formats a time.
 */
import type { ClientContext, Redis, Result } from 'ioredis';
import type { PriceHistograms, PriceObservation, SetAnswer, SetQuery, WindowedSets } from '../../ports';
import { runPipeline } from './pipeline';

const SET_QUERY = `
local out = {}
local a = 3
for i, key in ipairs(KEYS) do
  local member = ARGV[a]
  local flags = ARGV[a + 1]
  local ttl = ARGV[a + 2]
  local trimBefore = ARGV[a + 3]
  local n = tonumber(ARGV[a + 4])
  a = a + 5
  -- flags: [1] add, [2] check known, [3] trim
  local known = 0
  if string.sub(flags, 2, 2) == '1' and redis.call('ZSCORE', key, member) then known = 1 end
  if ARGV[1] == '1' and string.sub(flags, 1, 1) == '1' then
    redis.call('ZADD', key, 'GT', ARGV[2], member)
    if string.sub(flags, 3, 3) == '1' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. trimBefore) end
    redis.call('PEXPIRE', key, ttl)
  end
  local res = {known}
  for j = 0, n - 1 do res[#res + 1] = redis.call('ZCOUNT', key, ARGV[a + j], '+inf') end
  a = a + n
  out[#out + 1] = res
end
return out
`;

const ADD_PRICE = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    rlSetQuery(numKeys: number, ...keysAndArgs: string[]): Result<number[][], Context>;
    rlAddPrice(histogram: string, seen: string, observationId: string, unitPrice: string, units: string, ttlMs: string): Result<number, Context>;
  }
}

export function defineWindowedCommands(redis: Redis): void {
  redis.defineCommand('rlSetQuery', { lua: SET_QUERY });
  redis.defineCommand('rlAddPrice', { numberOfKeys: 2, lua: ADD_PRICE });
}

export class RedisWindowedSets implements WindowedSets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async run(queries: readonly SetQuery[]): Promise<SetAnswer[]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    for (const q of queries) {
      const keys = q.probes.map((probe) => `${this.prefix}:ws:${probe.key}`);
      const args = [q.record ? '1' : '0', String(q.atMs)];
      for (const probe of q.probes) {
        const ttlMs = probe.ttlMs ?? q.ttlMs;
        const flags = `${probe.add ? 1 : 0}${probe.checkKnown ? 1 : 0}${probe.trim === false ? 0 : 1}`;
        args.push(probe.member, flags, String(ttlMs), String(q.atMs - ttlMs), String(probe.countSince.length), ...probe.countSince.map(String));
      }
      p.rlSetQuery(keys.length, ...keys, ...args);
    }
    const results = await runPipeline<number[][]>(p);
    return results.map((probes) => ({ probes: probes.map(([known, ...counts]) => ({ known: known === 1, counts })) }));
  }
}

export class RedisPriceHistograms implements PriceHistograms {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async add(observations: readonly PriceObservation[]): Promise<void> {
    if (observations.length === 0) return;
    const p = this.redis.pipeline();
    for (const o of observations) {
      const key = `${this.prefix}:ph:${o.key}`;
      p.rlAddPrice(key, `${key}:seen`, o.observationId, String(o.unitPrice), String(o.units), String(o.ttlMs));
    }
    await runPipeline(p);
  }

  async read(keys: readonly string[]): Promise<Map<number, number>[]> {
    if (keys.length === 0) return [];
    const p = this.redis.pipeline();
    for (const k of keys) p.hgetall(`${this.prefix}:ph:${k}`);
    const results = await runPipeline<Record<string, string>>(p);
    return results.map((h) => new Map(Object.entries(h).map(([price, units]) => [Number(price), Number(units)])));
  }
}
