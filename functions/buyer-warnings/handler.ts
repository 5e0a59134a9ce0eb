/**
 * A buyer's warnings (API Gateway HTTP API, payload v2), one function for both routes:
 *
 *   GET  /v1/buyers/{buyerId}/warnings?limit=&cursor=        unread first, newest first; `nextCursor` is opaque
 *   POST /v1/buyers/{buyerId}/warnings/{warningId}/ack       marks it read (again: no change)
 *
 * Only the buyer: 401 without a valid token, 403 for another buyer's path, 400 for a bad query or
 * cursor, 404 for a warning the buyer has not (or no longer: withdrawn, expired). Errors go through
 * the shared mapper. Times come from the request (`requestContext.timeEpoch`) unless a clock is given.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { buyerView } from '../../shared/domain/warnings/policy';
import { requireBuyer, type BuyerAuthenticator } from '../../shared/http/buyerAuth';
import { httpErrors, json, notFound, parseQuery, pathParam, type ErrorLog } from '../../shared/http/errors';
import type { BuyerWarnings } from '../../shared/ports';

export const BUYER_WARNING_ROUTE_KEYS = {
  list: 'GET /v1/buyers/{buyerId}/warnings',
  ack: 'POST /v1/buyers/{buyerId}/warnings/{warningId}/ack',
} as const;

export const MAX_PAGE = 100;

export const ListWarningsQuerySchema = z.object({
  limit: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`).default(20),
  cursor: z.string().min(1, 'must not be empty').max(1_024, 'is too long').optional(),
});

export interface BuyerWarningsHandlerDeps {
  warnings: BuyerWarnings;
  authenticate: BuyerAuthenticator;
  /** "Now" for expiry and read times: the request's time (default); the local runtime runs in event time. */
  now?: (event: APIGatewayProxyEventV2) => number;
  log?: ErrorLog;
}

export function makeBuyerWarningsHandler(deps: BuyerWarningsHandlerDeps) {

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      // Who first (401), then whose (403), then what (400 / 404).
      const principal = deps.authenticate(event);
      const buyerId = pathParam(event, 'buyerId');
      requireBuyer(principal, buyerId);
      const nowMs = deps.now ? deps.now(event) : event.requestContext.timeEpoch;

      switch (event.routeKey) {
        case BUYER_WARNING_ROUTE_KEYS.list: {
          const q = parseQuery(event, ListWarningsQuerySchema);
          const page = await deps.warnings.list(buyerId, { limit: q.limit, nowMs, ...(q.cursor ? { cursor: q.cursor } : {}) });
          return json(200, { buyerId, unread: page.unread, warnings: page.items.map(buyerView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
        }
        case BUYER_WARNING_ROUTE_KEYS.ack: {
          const warningId = pathParam(event, 'warningId');
          const warning = await deps.warnings.acknowledge(buyerId, warningId, nowMs);
          if (warning === null) throw notFound(`buyer ${buyerId} has no warning ${warningId}`);
          return json(200, { warning: buyerView(warning) });
        }
        default:
          throw notFound(`no route ${event.routeKey}`);
      }
    });
}
