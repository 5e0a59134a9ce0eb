/**
 * Redis WindowedSets and PriceHistograms: one Lua call per query, all queries of a batch in one
 * pipeline (one round trip). Numbers travel as strings computed in JS; Lua never formats a time.
 */
import type { ClientContext, Redis, Result } from 'ioredis';
import type { PriceHistograms, PriceObservation, SetAnswer, SetQuery, WindowedSets } from '../../ports';
import { asDependency } from '../../errors';
import { runPipeline } from './pipeline';

// ARGV: record flag, the query's time, then the probes as one JSON array (one argument instead of
// a hundred: building and sending arguments is most of the client's cost per payment).
// Each probe: [member, flags, ttlMs, trimBefore, [countSince...]]; flags: add, check known, trim.
const SET_QUERY = `
local probes = cjson.decode(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local p = probes[i]
  local member, flags = p[1], p[2]
  local known = 0
  if string.sub(flags, 2, 2) == '1' and redis.call('ZSCORE', key, member) then known = 1 end
  if ARGV[1] == '1' and string.sub(flags, 1, 1) == '1' then
    redis.call('ZADD', key, 'GT', ARGV[2], member)
    if string.sub(flags, 3, 3) == '1' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. p[4]) end
    redis.call('PEXPIRE', key, p[3])
  end
  local res = {known}
  local since = p[5]
  for j = 1, #since do res[#res + 1] = redis.call('ZCOUNT', key, since[j], '+inf') end
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
    // One query (a checkout's risk score) goes as a plain command: a pipeline object costs more to
    // build than the round trip it would share, and the latency path allocates least this way.
    if (queries.length === 1) {
      const probes = await asDependency('redis', () => this.redis.rlSetQuery(...this.args(queries[0]!)));
      return [answer(probes)];
    }
    const p = this.redis.pipeline();
    for (const q of queries) p.rlSetQuery(...this.args(q));
    return (await runPipeline<number[][]>(p)).map(answer);
  }

  private args(q: SetQuery): [number, ...string[]] {
    const keys = q.probes.map((probe) => `${this.prefix}:ws:${probe.key}`);
    const probes = q.probes.map((probe) => {
      const ttlMs = probe.ttlMs ?? q.ttlMs;
      const flags = `${probe.add ? 1 : 0}${probe.checkKnown ? 1 : 0}${probe.trim === false ? 0 : 1}`;
      // Times as strings: Lua numbers must never be formatted back into a score.
      return [probe.member, flags, String(ttlMs), String(q.atMs - ttlMs), probe.countSince.map(String)];
    });
    return [keys.length, ...keys, q.record ? '1' : '0', String(q.atMs), JSON.stringify(probes)];
  }
}

const answer = (probes: number[][]): SetAnswer => ({ probes: probes.map(([known, ...counts]) => ({ known: known === 1, counts })) });

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

  async read(keys: readonly string[]): Promise<ReadonlyMap<number, number>[]> {
    if (keys.length === 0) return [];
    const p = this.redis.pipeline();
    for (const k of keys) p.hgetall(`${this.prefix}:ph:${k}`);
    const results = await runPipeline<Record<string, string>>(p);
    return results.map((h) => new Map(Object.entries(h).map(([price, units]) => [Number(price), Number(units)])));
  }
}
