/**
 * Composition root of the WebSocket $connect authorizer: JWTs of the identity provider the HTTP API
 * trusts (the same issuer and audience as its JWT authorizer), verified against the issuer's JWKS.
 * Like API Gateway's JWT authorizer, the audience is checked against `aud` or `client_id` (Cognito
 * access tokens carry only the latter).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { JwtVerifier } from 'aws-jwt-verify';
import { unauthorized } from '../../shared/http/errors';
import { requireEnv } from '../../shared/lambda/env';
import { makeSocketAuthorizerHandler, type SocketAuthorizerEvent, type SocketAuthorizerResult } from './handler';

const logger = new Logger({ serviceName: 'warnings-socket-authorizer' });
const issuer = requireEnv('JWT_ISSUER');
const audience = requireEnv('JWT_AUDIENCE').split(',').filter(Boolean);
const verifier = JwtVerifier.create({
  issuer,
  jwksUri: `${issuer}/.well-known/jwks.json`,
  audience: null,
  customJwtCheck: ({ payload }) => {
    const aud = payload.aud;
    const claimed = [...(Array.isArray(aud) ? aud : aud ? [aud] : []), ...(typeof payload.client_id === 'string' ? [payload.client_id] : [])];
    if (!claimed.some((a) => audience.includes(a))) throw unauthorized('the token is not for this API');
  },
});

export const handler: (event: SocketAuthorizerEvent) => Promise<SocketAuthorizerResult> = makeSocketAuthorizerHandler({
  log: logger,
  verify: async (token) => (await verifier.verify(token)) as Record<string, unknown>,
});
