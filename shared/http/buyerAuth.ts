/**
 * Who a buyer is, on the buyer routes and the warnings WebSocket. Every path ends in `buyerOf(claims)`:
 *
 *  - AWS, HTTP API: API Gateway's JWT authorizer verified the identity provider's token; the
 *    handler reads the claims it passes on (`jwtBuyerAuthenticator`).
 *  - AWS, WebSocket $connect: browsers cannot set headers on a WebSocket, so the token comes as the
 *    `token` query parameter and the Lambda authorizer verifies it (functions/warnings-socket-authorizer,
 *    with the identity provider's JWKS).
 *  - Locally there is no identity provider. The development token is
 *    `dev.<buyerId>.<signature>`, the signature being base64url(HMAC-SHA256(secret, buyerId)) under
 *    a development secret (RISKLINE_DEV_TOKEN_SECRET, or a fixed default). `verifyDevBuyerToken`
 *    turns it into the claims a JWT would carry, and the same `buyerOf` reads them. It is wired only
 *    by the local runtime and tests, never by a Lambda composition root.
 *
 * The buyer is the `custom:buyerId` claim (the platform's buyer id), or `sub` when the identity
 * provider's subject is the buyer id itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { forbidden, unauthorized } from './errors';

export type Claims = Readonly<Record<string, unknown>>;

export interface BuyerPrincipal {
  buyerId: string;
}

export type BuyerAuthenticator = (event: APIGatewayProxyEventV2) => BuyerPrincipal;

/** Verifies a bearer token and returns its claims; throws `unauthorized` when it is not valid. */
export type TokenVerifier = (token: string) => Promise<Claims>;

const BUYER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** The buyer a verified token speaks for. */
export function buyerOf(claims: Claims | undefined): BuyerPrincipal {
  const custom = claims?.['custom:buyerId'];
  const sub = claims?.sub;
  const buyerId = typeof custom === 'string' && custom !== '' ? custom : typeof sub === 'string' ? sub : '';
  if (!BUYER_ID.test(buyerId)) throw unauthorized('the token names no buyer');
  return { buyerId };
}

/** The claims API Gateway's JWT authorizer verified (HTTP API, payload 2.0). */
export const jwtBuyerAuthenticator: BuyerAuthenticator = (event) => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt?.claims;
  if (claims === undefined) throw unauthorized();
  return buyerOf(claims);
};

/** Only the buyer may see or change their own warnings and reports. */
export function requireBuyer(principal: BuyerPrincipal, buyerId: string): void {
  if (principal.buyerId !== buyerId) throw forbidden(`buyer ${principal.buyerId} may only see or change their own warnings and reports`);
}

/** The fixed development secret: local runs only, never a deployment (no Lambda reads it). */
export const DEFAULT_DEV_TOKEN_SECRET = 'riskline-local-development-only';

export function devTokenSecret(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.RISKLINE_DEV_TOKEN_SECRET || DEFAULT_DEV_TOKEN_SECRET;
}

function signature(buyerId: string, secret: string): string {
  return createHmac('sha256', secret).update(buyerId, 'utf8').digest('base64url');
}

/** `dev.<buyerId>.<signature>` for a local buyer. */
export function devBuyerToken(buyerId: string, secret: string): string {
  if (!BUYER_ID.test(buyerId)) throw new RangeError(`not a buyer id: ${JSON.stringify(buyerId)}`);
  return `dev.${buyerId}.${signature(buyerId, secret)}`;
}

/** The claims of a valid development token (as a JWT for the same buyer would carry them). */
export function verifyDevBuyerToken(token: string, secret: string): Claims {
  const last = token.lastIndexOf('.');
  if (!token.startsWith('dev.') || last <= 4) throw unauthorized('a development token is required: dev.<buyerId>.<signature>');
  const buyerId = token.slice(4, last);
  const given = Buffer.from(token.slice(last + 1), 'utf8');
  const expected = Buffer.from(signature(buyerId, secret), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('the development token is not signed with this runtime\'s secret');
  return { sub: buyerId, 'custom:buyerId': buyerId, token_use: 'dev' };
}

export function devTokenVerifier(secret: string): TokenVerifier {
  return async (token) => verifyDevBuyerToken(token, secret);
}

/** `Authorization: Bearer dev.<buyerId>.<signature>`, for the local HTTP API. */
export function devBuyerAuthenticator(secret: string): BuyerAuthenticator {
  return (event) => {
    const header = event.headers?.authorization ?? event.headers?.Authorization;
    const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
    if (match === null) throw unauthorized('Authorization: Bearer dev.<buyerId>.<signature> is required');
    return buyerOf(verifyDevBuyerToken(match[1]!, secret));
  };
}
