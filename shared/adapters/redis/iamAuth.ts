/**
 * ElastiCache IAM authentication for ioredis.
 *
 * With IAM authentication the password of an ElastiCache user is a short-lived token: a SigV4
 * presigned `GET http://<replication-group-id>/?Action=connect&User=<user-id>` for the service
 * `elasticache`, without its scheme, valid for 15 minutes
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html); signed as the AWS SDK's own
 * `@aws-sdk/rds-signer` signs RDS tokens (SignatureV4.presign, a `host` header). The server checks it only
 * when a connection authenticates, so a live connection outlives its token; ElastiCache closes
 * IAM-authenticated connections after 12 hours, and the client then reconnects with a fresh one.
 *
 * ioredis sends `options.username` / `options.password` on every (re)connect, so keeping a fresh
 * token in `options.password` is all a client needs: `RedisTokenRefresher.fresh()` does that, and the
 * Lambda entry points call it before each invocation (timers do not run while Lambda freezes the
 * environment, so a refresh on a timer could leave a stale token after a long idle period).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Redis } from 'ioredis';

/** How long a token is valid: the most ElastiCache accepts. */
export const TOKEN_EXPIRES_IN_SECONDS = 900;

export interface IamTokenRequest {
  /** The replication group id (the host the token is signed for); lower-cased, as ElastiCache names are. */
  cacheName: string;
  /** The ElastiCache user id (for IAM users it equals the user name). */
  userId: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time (tests); default now. */
  signingDate?: Date;
}

/** RFC 3986 encoding, as SigV4 canonicalizes query strings. */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The IAM auth token to send as the password of `userId` (a presigned URL without `http://`). */
export async function elastiCacheIamToken(request: IamTokenRequest): Promise<string> {
  const host = request.cacheName.toLowerCase();
  const signer = new SignatureV4({
    service: 'elasticache',
    region: request.region,
    credentials: request.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: host, path: '/', query: { Action: 'connect', User: request.userId }, headers: { host } },
    { expiresIn: TOKEN_EXPIRES_IN_SECONDS, ...(request.signingDate ? { signingDate: request.signingDate } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${encode(key)}=${encode(String(v ?? ''))}`))
    .sort()
    .join('&');
  return `${host}/?${query}`;
}

export interface RefresherOptions {
  /** Issues a new password (for ElastiCache: `elastiCacheIamToken`). */
  token: () => Promise<string>;
  /** A token older than this is replaced by `fresh()`; well under the token's 15 minutes. Default 5 minutes. */
  refreshAfterMs?: number;
  now?: () => number;
}

/**
 * Keeps the password ioredis sends on its next (re)connect fresh. Create the client with
 * `lazyConnect: true` and the user name, and call `fresh()` before using it.
 */
export class RedisTokenRefresher {
  private issuedAtMs = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;
  private readonly refreshAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RefresherOptions,
  ) {
    this.refreshAfterMs = options.refreshAfterMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Resolves once the client holds a token younger than `refreshAfterMs` (concurrent calls share one refresh). */
  fresh(): Promise<void> {
    if (this.now() - this.issuedAtMs < this.refreshAfterMs) return Promise.resolve();
    this.pending ??= (async () => {
      try {
        const startedAtMs = this.now();
        this.redis.options.password = await this.options.token();
        this.issuedAtMs = startedAtMs;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

export interface IamRefresherConfig {
  cacheName: string;
  userId: string;
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  now?: () => number;
}

/** A refresher that signs ElastiCache IAM tokens with the function's own credentials (the default provider chain). */
export function elastiCacheIamRefresher(redis: Redis, config: IamRefresherConfig): RedisTokenRefresher {
  const credentials = config.credentials ?? defaultProvider();
  const now = config.now ?? Date.now;
  return new RedisTokenRefresher(redis, {
    now,
    token: () => elastiCacheIamToken({ cacheName: config.cacheName, userId: config.userId, region: config.region, credentials, signingDate: new Date(now()) }),
  });
}
