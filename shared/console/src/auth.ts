/**
 * Who is signed in. Locally the console offers the development tokens the local API accepts
 * (`dev:<role>:<id>`); in AWS it signs in through the Cognito hosted UI (authorization code + PKCE)
 * and sends the ID token, whose `cognito:groups` claim carries the analyst roles.
 */
import type { ConsoleAuth } from './api';

export interface Session {
  token: string;
  /** Who, as the audit log will name them. */
  id: string;
  roles: string[];
}

const STORE = 'riskline.session';
const VERIFIER = 'riskline.pkce';

export function sessionFromToken(token: string): Session {
  const dev = /^dev:([a-z+]+):(\S+)$/.exec(token);
  if (dev) return { token, id: dev[2]!, roles: dev[1]!.split('+') };
  const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  const groups = payload['cognito:groups'];
  return { token, id: String(payload.sub ?? ''), roles: Array.isArray(groups) ? groups.map(String) : [] };
}

export function savedSession(): Session | null {
  const token = sessionStorage.getItem(STORE);
  return token ? sessionFromToken(token) : null;
}

export function saveSession(token: string | null): void {
  if (token === null) sessionStorage.removeItem(STORE);
  else sessionStorage.setItem(STORE, token);
}

const ROLE_RANK = ['viewer', 'analyst', 'approver'];

export function can(session: Session | null, role: 'viewer' | 'analyst' | 'approver'): boolean {
  if (!session) return false;
  return Math.max(-1, ...session.roles.map((r) => ROLE_RANK.indexOf(r))) >= ROLE_RANK.indexOf(role);
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Sends the browser to the Cognito hosted UI. */
export async function signInWithCognito(auth: Extract<ConsoleAuth, { mode: 'cognito' }>): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, verifier);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: `${location.origin}/`,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`${auth.domain}/oauth2/authorize?${params}`);
}

/** Back from the hosted UI with `?code=`: trades it for tokens and keeps the ID token. */
export async function completeCognitoSignIn(auth: Extract<ConsoleAuth, { mode: 'cognito' }>): Promise<Session | null> {
  const code = new URLSearchParams(location.search).get('code');
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!code || !verifier) return null;
  const response = await fetch(`${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: auth.clientId, code, redirect_uri: `${location.origin}/`, code_verifier: verifier }),
  });
  sessionStorage.removeItem(VERIFIER);
  history.replaceState(null, '', '/');
  if (!response.ok) return null;
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) return null;
  saveSession(tokens.id_token);
  return sessionFromToken(tokens.id_token);
}
