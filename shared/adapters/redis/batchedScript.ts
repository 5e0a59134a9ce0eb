/**
 * Many calls of one Lua script in one EVALSHA.
 *
 * A port call used to send one EVALSHA per item in a pipeline: one round trip, but Redis still paid
 * the script's set-up per item, and ioredis built a command object per item. Measured on the
 * order-stream benchmark, that per-item overhead was most of Redis's CPU (217,000 EVALSHA for
 * 50,000 events, about 14 µs each beyond the commands they ran) and much of the client's.
 *
 * The script's body is written as for one item (its own `KEYS` and `ARGV`, `return` a value) and is
 * wrapped into a function that a loop calls for each item of a chunk, in order, so the semantics are
 * exactly those of the per-item script run item after item. Every key an item touches is declared in
 * `KEYS`. Bodies call `expire(key, ttlMs)` instead of `PEXPIRE`: a key refreshed several times in one
 * chunk with the same TTL is refreshed once (the refreshes are microseconds apart).
 *
 * Chunks are bounded (`maxItems`) so one script never holds Redis for long: other clients, such as
 * the checkout's risk-score queries, wait at most one chunk.
 */
import type { Redis } from 'ioredis';
import { asDependency } from '../../errors';

export interface ScriptCall {
  keys: readonly string[];
  args: readonly string[];
}

const wrap = (body: string) => `
local spec = cjson.decode(ARGV[1])
local expired = {}
local function expire(key, ttl)
  if expired[key] == ttl then return end
  expired[key] = ttl
  redis.call('PEXPIRE', key, ttl)
end
local function item(KEYS, ARGV)
${body}
end
local out = {}
local k, a, n = 0, 1, 0
for i = 1, #spec, 2 do
  local nk, na = spec[i], spec[i + 1]
  local keys, argv = {}, {}
  for j = 1, nk do keys[j] = KEYS[k + j] end
  for j = 1, na do argv[j] = ARGV[a + j] end
  k = k + nk
  a = a + na
  local r = item(keys, argv)
  if r == nil then r = false end
  n = n + 1
  out[n] = r
end
return out
`;

type Invoke = (numKeys: number, ...keysAndArgs: string[]) => Promise<unknown[]>;

export class BatchedScript<R> {
  private readonly invoke: Invoke;

  constructor(
    redis: Redis,
    name: string,
    body: string,
    private readonly maxItems = 128,
  ) {
    if (!(name in redis)) redis.defineCommand(name, { lua: wrap(body) });
    this.invoke = (redis as unknown as Record<string, Invoke>)[name]!.bind(redis);
  }

  /** Runs the script once per call, in order; one EVALSHA per chunk, all chunks in one round trip. */
  async run(calls: readonly ScriptCall[]): Promise<R[]> {
    if (calls.length === 0) return [];
    const chunks: Promise<unknown[]>[] = [];
    for (let from = 0; from < calls.length; from += this.maxItems) chunks.push(this.send(calls, from, Math.min(calls.length, from + this.maxItems)));
    const replies = await asDependency('redis', () => Promise.all(chunks));
    return (replies.length === 1 ? replies[0]! : replies.flat(1)) as R[];
  }

  private send(calls: readonly ScriptCall[], from: number, to: number): Promise<unknown[]> {
    const spec: number[] = [];
    const keys: string[] = [];
    const args: string[] = [];
    for (let n = from; n < to; n++) {
      const c = calls[n]!;
      spec.push(c.keys.length, c.args.length);
      for (const k of c.keys) keys.push(k);
      for (const a of c.args) args.push(a);
    }
    return this.invoke(keys.length, ...keys, JSON.stringify(spec), ...args);
  }
}

/** HGETALL of many hashes in one EVALSHA per chunk: each answer is the hash as a flat field, value list. */
export function hgetallScript(redis: Redis): BatchedScript<string[]> {
  return new BatchedScript(redis, 'rlHgetalls', `return redis.call('HGETALL', KEYS[1])`);
}
