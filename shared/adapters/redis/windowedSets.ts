/**
 * Redis WindowedSets and PriceHistograms: the queries of a batch run as one Lua script call per
 * chunk (see BatchedScript), all in one round trip; a checkout's single query is one plain EVALSHA.
 * Numbers travel as strings computed in JS; Lua never formats a time.
 */
import type { Redis } from 'ioredis';
import type { PriceHistograms, PriceObservation, SetAnswer, SetQuery, WindowedSets } from '../../ports';
import { BatchedScript, hgetallScript, type ScriptCall } from './batchedScript';

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
    expire(key, p[3])
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
expire(KEYS[1], ARGV[4])
expire(KEYS[2], ARGV[4])
return 1
`;

export class RedisWindowedSets implements WindowedSets {
  private readonly query: BatchedScript<number[][]>;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.query = new BatchedScript(redis, 'rlSetQueries', SET_QUERY, 64);
  }

  async run(queries: readonly SetQuery[]): Promise<SetAnswer[]> {
    return (await this.query.run(queries.map((q) => this.call(q)))).map(answer);
  }

  private call(q: SetQuery): ScriptCall {
    const keys = q.probes.map((probe) => `${this.prefix}:ws:${probe.key}`);
    const probes = q.probes.map((probe) => {
      const ttlMs = probe.ttlMs ?? q.ttlMs;
      const flags = `${probe.add ? 1 : 0}${probe.checkKnown ? 1 : 0}${probe.trim === false ? 0 : 1}`;
      // Times as strings: Lua numbers must never be formatted back into a score.
      return [probe.member, flags, String(ttlMs), String(q.atMs - ttlMs), probe.countSince.map(String)];
    });
    return { keys, args: [q.record ? '1' : '0', String(q.atMs), JSON.stringify(probes)] };
  }
}

const answer = (probes: number[][]): SetAnswer => ({ probes: probes.map(([known, ...counts]) => ({ known: known === 1, counts })) });

export class RedisPriceHistograms implements PriceHistograms {
  private readonly adds: BatchedScript<number>;
  private readonly reads: BatchedScript<string[]>;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.adds = new BatchedScript(redis, 'rlAddPrices', ADD_PRICE);
    this.reads = hgetallScript(redis);
  }

  async add(observations: readonly PriceObservation[]): Promise<void> {
    await this.adds.run(
      observations.map((o) => {
        const key = `${this.prefix}:ph:${o.key}`;
        return { keys: [key, `${key}:seen`], args: [o.observationId, String(o.unitPrice), String(o.units), String(o.ttlMs)] };
      }),
    );
  }

  async read(keys: readonly string[]): Promise<ReadonlyMap<number, number>[]> {
    const results = await this.reads.run(keys.map((k) => ({ keys: [`${this.prefix}:ph:${k}`], args: [] })));
    return results.map((flat) => {
      const histogram = new Map<number, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) histogram.set(Number(flat[i]), Number(flat[i + 1]));
      return histogram;
    });
  }
}
