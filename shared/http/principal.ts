/**
 * Who is calling a `jwt` route. In AWS the HTTP API's JWT authorizer has verified the token; the
 * handler reads the claims it passes on: `sub`, `cognito:groups` (the analyst roles viewer, analyst,
 * approver) and, for merchant users, `custom:merchantId`.
 *
 * Locally there is no identity provider: the development authenticator accepts
 * `Authorization: Bearer dev:<group>[+<group>...]:<id>` (e.g. `dev:approver:alice`,
 * `dev:merchant:m-42`, where a `merchant` token's id is its merchantId). It is wired only by the
 * local runtime and tests, never by a Lambda composition root.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { forbidden, unauthorized } from './errors';

export const ANALYST_ROLES = ['viewer', 'analyst', 'approver'] as const;
export type AnalystRole = (typeof ANALYST_ROLES)[number];

export interface Principal {
  /** The subject: who the audit trail names. */
  id: string;
  groups: readonly string[];
  /** Set for a merchant's own users. */
  merchantId?: string;
}

export type Authenticator = (event: APIGatewayProxyEventV2) => Principal;

/** Claims of the JWT the HTTP API's authorizer verified. */
export const jwtAuthenticator: Authenticator = (event) => {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthorized();
  const merchantId = claims?.['custom:merchantId'];
  return { id: sub, groups: groupsOf(claims?.['cognito:groups']), ...(typeof merchantId === 'string' && merchantId !== '' ? { merchantId } : {}) };
};

/** API Gateway passes a list claim as `[a b]` (or an array when the payload keeps it). */
function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim !== 'string') return [];
  return claim.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

/** Development tokens: `dev:<group>[+<group>]:<id>`; for local runs and tests only. */
export const devTokenAuthenticator: Authenticator = (event) => {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header === undefined ? null : /^Bearer dev:([a-z+]+):(\S+)$/.exec(header);
  if (match === null) throw unauthorized('a development token is required: Authorization: Bearer dev:<group>:<id>');
  const groups = match[1]!.split('+');
  const id = match[2]!;
  return { id, groups, ...(groups.includes('merchant') ? { merchantId: id } : {}) };
};

/** The principal holds one of the roles, or a role above them (viewer < analyst < approver). */
export function requireRole(principal: Principal, least: AnalystRole): void {
  const rank = Math.max(-1, ...principal.groups.map((g) => ANALYST_ROLES.indexOf(g as AnalystRole)));
  if (rank < ANALYST_ROLES.indexOf(least)) throw forbidden(`this needs the ${least} role`);
}

export function isAnalyst(principal: Principal): boolean {
  return principal.groups.some((g) => (ANALYST_ROLES as readonly string[]).includes(g));
}

/** The merchant itself, or (when `analystsToo`) any analyst role. */
export function requireMerchant(principal: Principal, merchantId: string, analystsToo = false): void {
  if (principal.merchantId === merchantId) return;
  if (analystsToo && isAnalyst(principal)) return;
  throw forbidden(`only merchant ${merchantId}${analystsToo ? ' or an analyst' : ''} may do this`);
}
