import { createHash, createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { elastiCacheIamToken, RedisTokenRefresher } from '../../shared/adapters/redis/iamAuth';
import { featureStoreAccessString, FEATURE_STORE } from '../../shared/resources';
import { redisFromEnv } from '../../shared/lambda/redis';
import { silentLog } from '../../shared/lambda/kinesisConsumer';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+1' };
const signingDate = new Date('2026-12-05T17:30:00Z');

/** SigV4 query signing written out from the specification, to check the library's token against. */
function expectedSignature(host: string, params: URLSearchParams): string {
  const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...params.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join('&');
  const emptyPayload = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, '', 'host', emptyPayload].join('\n');
  const [, day, region, service] = params.get('X-Amz-Credential')!.split('/') as [string, string, string, string];
  const stringToSign = ['AWS4-HMAC-SHA256', params.get('X-Amz-Date')!, `${day}/${region}/${service}/aws4_request`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

describe('ElastiCache IAM auth token', () => {
  it('is a presigned connect request for the user, for the elasticache service, valid 15 minutes, without its scheme', async () => {
    const token = await elastiCacheIamToken({ cacheName: 'Riskline-Features', userId: 'riskline-functions', region: 'ap-southeast-1', credentials, signingDate });
    expect(token.startsWith('riskline-features/?')).toBe(true);
    const params = new URLSearchParams(token.slice('riskline-features/?'.length));
    expect(Object.fromEntries(params)).toMatchObject({
      Action: 'connect',
      User: 'riskline-functions',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261205/ap-southeast-1/elasticache/aws4_request',
      'X-Amz-Date': '20261205T173000Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Security-Token': 'session/token+1',
    });
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature('riskline-features', params));
  });

  it('changes with the user, the cache and the time, and is the same for the same inputs', async () => {
    const base = { cacheName: 'c1', userId: 'u1', region: 'us-east-1', credentials, signingDate };
    const token = await elastiCacheIamToken(base);
    expect(await elastiCacheIamToken(base)).toBe(token);
    expect(await elastiCacheIamToken({ ...base, userId: 'u2' })).not.toBe(token);
    expect(await elastiCacheIamToken({ ...base, cacheName: 'c2' })).not.toBe(token);
    expect(await elastiCacheIamToken({ ...base, signingDate: new Date(signingDate.getTime() + 1_000) })).not.toBe(token);
  });
});

describe('RedisTokenRefresher', () => {
  const fakeClient = () => ({ options: {} as { password?: string } }) as unknown as Redis;

  it('issues a token on first use, keeps it while young, and replaces it once older than refreshAfterMs', async () => {
    let now = 0;
    let issued = 0;
    const redis = fakeClient();
    const refresher = new RedisTokenRefresher(redis, { token: async () => `t${++issued}`, refreshAfterMs: 300_000, now: () => now });
    await refresher.fresh();
    expect(redis.options.password).toBe('t1');
    now = 299_999;
    await refresher.fresh();
    expect(redis.options.password).toBe('t1');
    now = 300_000;
    await refresher.fresh();
    expect(redis.options.password).toBe('t2');
  });

  it('shares one signing among concurrent callers', async () => {
    let issued = 0;
    const redis = fakeClient();
    const refresher = new RedisTokenRefresher(redis, { token: async () => `t${++issued}` });
    await Promise.all([refresher.fresh(), refresher.fresh(), refresher.fresh()]);
    expect(issued).toBe(1);
  });

  it('keeps the previous token when signing fails, and tries again on the next call', async () => {
    let now = 0;
    let fail = false;
    const redis = fakeClient();
    const refresher = new RedisTokenRefresher(redis, {
      token: async () => {
        if (fail) throw new Error('no credentials');
        return `t${now}`;
      },
      refreshAfterMs: 10,
      now: () => now,
    });
    await refresher.fresh();
    fail = true;
    now = 20;
    await expect(refresher.fresh()).rejects.toThrow('no credentials');
    expect(redis.options.password).toBe('t0');
    fail = false;
    await refresher.fresh();
    expect(redis.options.password).toBe('t20');
  });
});

describe('the functions’ Redis client from the environment', () => {
  it('connects as it is without REDIS_IAM_USER (local), and as the IAM user, lazily, with it', () => {
    const local = redisFromEnv({ lazyConnect: true }, silentLog, { REDIS_URL: 'redis://127.0.0.1:6399' });
    expect(local.redis.options).toMatchObject({ username: null, password: null });
    local.redis.disconnect();

    const aws = redisFromEnv({}, silentLog, { REDIS_URL: 'rediss://primary.example:6379', REDIS_IAM_USER: 'riskline-functions', REDIS_CACHE_NAME: 'rg-1', AWS_REGION: 'eu-west-1' });
    expect(aws.redis.options).toMatchObject({ username: 'riskline-functions', lazyConnect: true, tls: {} });
    expect(aws.redis.status).toBe('wait');
    aws.redis.disconnect();
  });

  const iamEnv = { REDIS_URL: 'rediss://primary.example:6379', REDIS_IAM_USER: 'riskline-functions', REDIS_CACHE_NAME: 'rg-1', AWS_REGION: 'eu-west-1' };

  it('signs the password with the given credentials before an invocation', async () => {
    const store = redisFromEnv({}, silentLog, iamEnv, async () => credentials);
    await store.beforeInvoke();
    expect(store.redis.options.password).toMatch(/^rg-1\/\?.*User=riskline-functions.*X-Amz-Signature=[0-9a-f]{64}/);
    store.redis.disconnect();
  });

  it('waits at most maxWaitMs for a token, and logs (never throws) when signing fails', async () => {
    const hanging = redisFromEnv({}, silentLog, iamEnv, () => new Promise(() => {}));
    const settled = await Promise.race([hanging.beforeInvoke(20).then(() => 'returned'), new Promise((r) => setTimeout(() => r('hung'), 5_000))]);
    expect(settled).toBe('returned');
    expect(hanging.redis.options.password).toBeNull();
    hanging.redis.disconnect();

    const errors: unknown[] = [];
    const failing = redisFromEnv({}, { ...silentLog, error: (_m, ...extra) => errors.push(...extra) }, iamEnv, async () => {
      throw new Error('no credentials in this environment');
    });
    await expect(failing.beforeInvoke()).resolves.toBeUndefined();
    expect(errors).toEqual([{ error: expect.objectContaining({ message: 'no credentials in this environment' }) }]);
    failing.redis.disconnect();
  });

  it('names what is missing', () => {
    expect(() => redisFromEnv({}, silentLog, {})).toThrow('REDIS_URL');
    expect(() => redisFromEnv({}, silentLog, { REDIS_URL: 'rediss://x:6379', REDIS_IAM_USER: 'u' })).toThrow(/REDIS_CACHE_NAME and AWS_REGION/);
  });
});

describe('the functions’ ACL on the feature store', () => {
  it('confines them to the store’s keys and keeps the dangerous commands out', () => {
    expect(featureStoreAccessString()).toBe(`on ~${FEATURE_STORE.keyPrefix}:* +@all -@dangerous +info`);
  });
});
