/**
 * POST /v1/risk-score (API Gateway HTTP API, payload v2). Validates the candidate order (400 with
 * field-level errors), honours an `Idempotency-Key` header (the same answer for a retried request;
 * 422 when the key is reused with another body), and answers within the scorer's budget.
 */
import { createHash, randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CandidateOrderSchema } from '../../shared/contracts/riskScore';
import type { RiskScorer } from '../../shared/app/riskScore';
import { within } from '../../shared/app/riskScore';
import { stableId } from '../../shared/domain/ids';
import { httpErrors, json, parseBody, unprocessable, type ErrorLog } from '../../shared/http/errors';
import type { IdempotencyStore } from '../../shared/ports';

export interface RiskScoreHandlerDeps {
  score: RiskScorer;
  idempotency: IdempotencyStore;
  /** How long an Idempotency-Key keeps its answer. */
  idempotencyTtlSeconds: number;
  /** Time allowed to each idempotency read or write; past it the request is answered without it. */
  idempotencyBudgetMs?: number;
  log?: ErrorLog & { warn(message: string, ...extra: unknown[]): void };
}

const MAX_KEY_LENGTH = 255;

export function makeRiskScoreHandler(deps: RiskScoreHandlerDeps) {
  const budget = deps.idempotencyBudgetMs ?? 20;
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      const candidate = parseBody(event, CandidateOrderSchema);
      const key = event.headers['idempotency-key'];
      if (key === undefined) return json(200, await deps.score(candidate, randomUUID()));
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw unprocessable('invalid_idempotency_key', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`);

      const fingerprint = createHash('sha256').update(event.body ?? '').digest('hex');
      const seen = await within(deps.idempotency.get(key), budget, 'idempotency store');
      if (seen.ok && seen.value) {
        if (seen.value.fingerprint !== fingerprint) throw unprocessable('idempotency_key_reused', 'this Idempotency-Key was used with a different request body');
        return json(200, JSON.parse(seen.value.response), { 'idempotent-replayed': 'true' });
      }
      if (!seen.ok) deps.log?.warn('answering without idempotency', { reason: seen.reason });

      const response = await deps.score(candidate, stableId('rs', key));
      const stored = await within(
        deps.idempotency.putIfAbsent(key, { fingerprint, response: JSON.stringify(response) }, deps.idempotencyTtlSeconds),
        budget,
        'idempotency store',
      );
      // A concurrent twin may have answered first: everyone gets the first answer.
      if (stored.ok && stored.value.fingerprint === fingerprint) return json(200, JSON.parse(stored.value.response));
      return json(200, response);
    });
}
