/**
 * The analysts' admin API (API Gateway HTTP API, payload v2), one function for all its routes:
 * the thresholds lifecycle, suppressions, shadow mode, backtests, and the reads the console needs.
 * Roles come from the caller's groups (viewer < analyst < approver); nobody approves their own change.
 *
 *   GET    /v1/console/config                              public   how the console signs people in
 *   GET    /v1/config/live                                 viewer+  the live version
 *   GET    /v1/config/versions                             viewer+  every version with its status
 *   GET    /v1/config/versions/{version}                   viewer+  one version
 *   POST   /v1/config/validate                             analyst+ validate a document (400 with field-level issues)
 *   POST   /v1/config/versions                             analyst+ a new draft from a document
 *   PUT    /v1/config/versions/{version}                   analyst+ edit a draft (If-Match: revision)
 *   POST   /v1/config/versions/{version}/approve           approver approve a draft someone else wrote
 *   POST   /v1/config/versions/{version}/reject            approver reject a draft
 *   POST   /v1/config/versions/{version}/publish           approver make an approved version live
 *   POST   /v1/config/rollback                             approver make an earlier live version live again
 *   GET    /v1/config/diff?from=&to=                       viewer+  JSON diff of two versions (`live` names the live one)
 *   GET    /v1/config/audit                                viewer+  the audit log, newest first
 *   GET    /v1/config/suppressions                         viewer+  suppressions
 *   POST   /v1/config/suppressions                         analyst+ silence a rule for one merchant or buyer
 *   DELETE /v1/config/suppressions/{suppressionId}         analyst+ lift a suppression
 *   GET    /v1/config/shadow                               viewer+  the shadow candidate, its summary and disagreements
 *   PUT    /v1/config/shadow                               analyst+ start shadow mode with a version
 *   DELETE /v1/config/shadow                               analyst+ stop shadow mode
 *   GET    /v1/backtests                                   viewer+  backtest jobs
 *   POST   /v1/backtests                                   analyst+ backtest a candidate against the live version on stored history
 *   GET    /v1/backtests/{backtestId}                      viewer+  a job and its report
 *   GET    /v1/decisions?orderId=|before=&limit=           viewer+  an order's decisions, or recent review / block decisions
 *   GET    /v1/penalties/ladder                            viewer+  merchants on the penalty ladder
 *   GET    /v1/velocity/{entity}/{entityId}?at=            viewer+  payment velocity of an instrument, device, IP, buyer or address
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { ConfigRefusedError, type ConfigService } from '../../shared/app/config/service';
import { asSeen, BacktestRequestSchema, type BacktestJob } from '../../shared/domain/backtest/compare';
import { diffVersions } from '../../shared/domain/config/lifecycle';
import { SuppressionInputSchema } from '../../shared/domain/config/suppressions';
import { ThresholdsSchema } from '../../shared/domain/config/thresholds';
import { badRequest, conflict, forbidden, HttpError, httpErrors, json, notFound, parseBody, pathParam, type ErrorLog } from '../../shared/http/errors';
import { requireRole, type Authenticator, type Principal } from '../../shared/http/principal';
import { VELOCITY_VIEW_LOOKBACK_MS, VelocityEntitySchema, velocityView } from '../../shared/app/velocity';
import type { BacktestJobs, BacktestLauncher, PenaltyLadder, RecentDecisions, ShadowResults, WindowedSets } from '../../shared/ports';

/** How the console signs people in: development tokens locally, the Cognito hosted UI in AWS. */
export type ConsoleAuth = { mode: 'dev'; users: { token: string; label: string }[] } | { mode: 'cognito'; domain: string; clientId: string };

export interface AnalystApiDeps {
  config: ConfigService;
  shadow: ShadowResults;
  backtests: BacktestJobs;
  launcher: BacktestLauncher;
  decisions: RecentDecisions;
  ladder: PenaltyLadder;
  /** The feature store's payment sets (Redis in AWS), for the velocity view; absent: that route answers 501. */
  velocity?: WindowedSets;
  authenticate: Authenticator;
  consoleAuth: ConsoleAuth;
  newBacktestId?: () => string;
  /** The backtest worker's time limit (Lambda's): a job running longer than this died, and is shown failed. */
  backtestWorkerLimitMs?: number;
  log?: ErrorLog;
}

export const ANALYST_ROUTE_KEYS = {
  consoleConfig: 'GET /v1/console/config',
  live: 'GET /v1/config/live',
  versions: 'GET /v1/config/versions',
  version: 'GET /v1/config/versions/{version}',
  validate: 'POST /v1/config/validate',
  createDraft: 'POST /v1/config/versions',
  editDraft: 'PUT /v1/config/versions/{version}',
  approve: 'POST /v1/config/versions/{version}/approve',
  reject: 'POST /v1/config/versions/{version}/reject',
  publish: 'POST /v1/config/versions/{version}/publish',
  rollback: 'POST /v1/config/rollback',
  diff: 'GET /v1/config/diff',
  audit: 'GET /v1/config/audit',
  suppressions: 'GET /v1/config/suppressions',
  suppress: 'POST /v1/config/suppressions',
  lift: 'DELETE /v1/config/suppressions/{suppressionId}',
  shadow: 'GET /v1/config/shadow',
  startShadow: 'PUT /v1/config/shadow',
  stopShadow: 'DELETE /v1/config/shadow',
  backtests: 'GET /v1/backtests',
  startBacktest: 'POST /v1/backtests',
  backtest: 'GET /v1/backtests/{backtestId}',
  decisions: 'GET /v1/decisions',
  ladder: 'GET /v1/penalties/ladder',
  velocity: 'GET /v1/velocity/{entity}/{entityId}',
} as const;

const note = z.string().trim().max(2_000);
const ApprovalSchema = z.object({ note: note.optional() });
const RejectionSchema = z.object({ note: note.min(1, 'a reason is required: it goes into the audit log') });
const PublishSchema = z.object({ note: note.optional() });
const RollbackSchema = z.object({ version: z.string().trim().min(1).max(100), note: note.min(1, 'a reason is required: it goes into the audit log') });
const ShadowSchema = z.object({ version: z.string().trim().min(1).max(100) });
const LiftSchema = z.object({ note: note.optional() });

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

function limitOf(event: APIGatewayProxyEventV2, fallback: number, max: number): number {
  const raw = event.queryStringParameters?.limit;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`limit must be an integer from 1 to ${max}`, [{ path: 'limit', message: `1 to ${max}` }]);
  return n;
}

export function makeAnalystApiHandler(deps: AnalystApiDeps) {
  const at = (event: APIGatewayProxyEventV2) => new Date(event.requestContext.timeEpoch).toISOString();
  const newBacktestId = deps.newBacktestId ?? (() => `bt-${randomUUID()}`);
  /** An optional JSON body: absent is `{}`. */
  const optionalBody = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> =>
    event.body === undefined || event.body === '' ? schema.parse({}) : parseBody(event, schema);

  /** Each route with the least role it needs (null: public). */
  const routes: Record<string, [role: 'viewer' | 'analyst' | 'approver' | null, Route]> = {
    [ANALYST_ROUTE_KEYS.consoleConfig]: [null, async () => json(200, deps.consoleAuth)],

    [ANALYST_ROUTE_KEYS.live]: ['viewer', async (event) => json(200, await deps.config.live(at(event)))],

    [ANALYST_ROUTE_KEYS.versions]: [
      'viewer',
      async (event) => {
        // The list leaves the documents out: the console fetches the one it shows.
        const versions = (await deps.config.versions(at(event))).map(({ document: _d, ...rest }) => rest);
        return json(200, { versions });
      },
    ],

    [ANALYST_ROUTE_KEYS.version]: ['viewer', async (event) => json(200, await deps.config.version(pathParam(event, 'version'), at(event)))],

    [ANALYST_ROUTE_KEYS.validate]: [
      'analyst',
      async (event) => {
        const document = parseBody(event, ThresholdsSchema);
        const live = await deps.config.live(at(event));
        return json(200, { valid: true, against: live.version, diff: diffVersions(live.document, document) });
      },
    ],

    [ANALYST_ROUTE_KEYS.createDraft]: [
      'analyst',
      async (event) => json(201, await deps.config.createDraft(parseBody(event, ThresholdsSchema), principalOf(event).id, at(event))),
    ],

    [ANALYST_ROUTE_KEYS.editDraft]: [
      'analyst',
      async (event) => {
        const document = parseBody(event, ThresholdsSchema);
        const ifMatch = event.headers['if-match'];
        const expect = ifMatch === undefined ? undefined : Number(ifMatch.replace(/"/g, ''));
        if (expect !== undefined && !Number.isInteger(expect)) throw badRequest('If-Match must be the revision number the edit is based on');
        return json(200, await deps.config.editDraft(pathParam(event, 'version'), document, principalOf(event).id, at(event), expect));
      },
    ],

    [ANALYST_ROUTE_KEYS.approve]: [
      'approver',
      async (event) => {
        const body = optionalBody(event, ApprovalSchema);
        return json(200, await deps.config.approve(pathParam(event, 'version'), principalOf(event).id, at(event), body.note || undefined));
      },
    ],

    [ANALYST_ROUTE_KEYS.reject]: [
      'approver',
      async (event) => json(200, await deps.config.reject(pathParam(event, 'version'), principalOf(event).id, at(event), parseBody(event, RejectionSchema).note)),
    ],

    [ANALYST_ROUTE_KEYS.publish]: [
      'approver',
      async (event) => {
        const body = optionalBody(event, PublishSchema);
        const done = await deps.config.publish(pathParam(event, 'version'), principalOf(event).id, at(event), body.note || undefined);
        return json(200, { live: done.pointer, audit: done.audit });
      },
    ],

    [ANALYST_ROUTE_KEYS.rollback]: [
      'approver',
      async (event) => {
        const body = parseBody(event, RollbackSchema);
        const done = await deps.config.rollback(body.version, principalOf(event).id, at(event), body.note);
        return json(200, { live: done.pointer, audit: done.audit });
      },
    ],

    [ANALYST_ROUTE_KEYS.diff]: [
      'viewer',
      async (event) => {
        const from = event.queryStringParameters?.from ?? 'live';
        const to = event.queryStringParameters?.to;
        if (to === undefined) throw badRequest('to is required', [{ path: 'to', message: 'a version id' }]);
        return json(200, await deps.config.diff(from, to, at(event)));
      },
    ],

    [ANALYST_ROUTE_KEYS.audit]: ['viewer', async (event) => json(200, { entries: await deps.config.auditLog(limitOf(event, 100, 500)) })],

    [ANALYST_ROUTE_KEYS.suppressions]: ['viewer', async () => json(200, { suppressions: await deps.config.suppressions() })],

    [ANALYST_ROUTE_KEYS.suppress]: [
      'analyst',
      async (event) => json(201, await deps.config.suppress(parseBody(event, SuppressionInputSchema), principalOf(event).id, at(event))),
    ],

    [ANALYST_ROUTE_KEYS.lift]: [
      'analyst',
      async (event) => {
        const body = optionalBody(event, LiftSchema);
        await deps.config.lift(pathParam(event, 'suppressionId'), principalOf(event).id, at(event), body.note || undefined);
        return json(200, { suppressionId: pathParam(event, 'suppressionId'), lifted: true });
      },
    ],

    [ANALYST_ROUTE_KEYS.shadow]: [
      'viewer',
      async (event) => {
        const pointer = await deps.config.shadow();
        const version = event.queryStringParameters?.version ?? pointer?.version;
        if (version === undefined) return json(200, { shadow: null, summary: null, decisions: [], violations: [] });
        const limit = limitOf(event, 50, 500);
        const [summary, decisions, violations] = await Promise.all([deps.shadow.summary(version), deps.shadow.decisions(version, limit), deps.shadow.violations(version, limit)]);
        return json(200, { shadow: pointer, version, summary, decisions, violations });
      },
    ],

    [ANALYST_ROUTE_KEYS.startShadow]: [
      'analyst',
      async (event) => json(200, { shadow: await deps.config.startShadow(parseBody(event, ShadowSchema).version, principalOf(event).id, at(event)) }),
    ],

    [ANALYST_ROUTE_KEYS.stopShadow]: [
      'analyst',
      async (event) => {
        await deps.config.stopShadow(principalOf(event).id, at(event));
        return json(200, { shadow: null });
      },
    ],

    [ANALYST_ROUTE_KEYS.backtests]: [
      'viewer',
      async (event) => json(200, { backtests: (await deps.backtests.list(limitOf(event, 20, 100))).map((job) => asSeen(job, event.requestContext.timeEpoch, deps.backtestWorkerLimitMs)) }),
    ],

    [ANALYST_ROUTE_KEYS.startBacktest]: [
      'analyst',
      async (event) => {
        const body = parseBody(event, BacktestRequestSchema);
        const when = at(event);
        const candidate = await deps.config.version(body.candidate, when);
        const baseline = body.baseline === undefined ? await deps.config.live(when) : await deps.config.version(body.baseline, when);
        if (candidate.version === baseline.version) throw conflict(`the candidate is the baseline (${baseline.version}): pick another version`);
        if (body.from !== undefined && body.to !== undefined && Date.parse(body.from) >= Date.parse(body.to)) {
          throw badRequest('from must be before to', [{ path: 'from', message: 'must be before to' }]);
        }
        const job: BacktestJob = {
          backtestId: newBacktestId(),
          status: 'queued',
          requestedBy: principalOf(event).id,
          requestedAt: when,
          candidate: candidate.version,
          baseline: baseline.version,
          ...(body.from ? { from: body.from } : {}),
          ...(body.to ? { to: body.to } : {}),
        };
        await deps.backtests.submit(job);
        await deps.launcher.launch(job);
        return json(202, job, { location: `/v1/backtests/${job.backtestId}` });
      },
    ],

    [ANALYST_ROUTE_KEYS.backtest]: [
      'viewer',
      async (event) => {
        const job = await deps.backtests.get(pathParam(event, 'backtestId'));
        if (job === null) throw notFound(`no backtest ${pathParam(event, 'backtestId')}`);
        return json(200, asSeen(job, event.requestContext.timeEpoch, deps.backtestWorkerLimitMs));
      },
    ],

    [ANALYST_ROUTE_KEYS.decisions]: [
      'viewer',
      async (event) => {
        const orderId = event.queryStringParameters?.orderId;
        if (orderId !== undefined) return json(200, { decisions: await deps.decisions.byOrder(orderId) });
        const before = event.queryStringParameters?.before;
        const beforeMs = before === undefined ? event.requestContext.timeEpoch : Date.parse(before);
        if (!Number.isFinite(beforeMs)) throw badRequest('before must be an ISO time', [{ path: 'before', message: 'an ISO 8601 time' }]);
        return json(200, { decisions: await deps.decisions.recent(beforeMs, limitOf(event, 50, 200)) });
      },
    ],

    [ANALYST_ROUTE_KEYS.ladder]: ['viewer', async (event) => json(200, { merchants: await deps.ladder.merchants(limitOf(event, 200, 1_000)) })],

    [ANALYST_ROUTE_KEYS.velocity]: [
      'viewer',
      async (event) => {
        if (deps.velocity === undefined) throw new HttpError(501, 'not_implemented', 'the velocity view needs the feature store, which is not wired here');
        const entity = VelocityEntitySchema.safeParse(pathParam(event, 'entity'));
        if (!entity.success) throw badRequest(`entity must be one of ${VelocityEntitySchema.options.join(', ')}`, [{ path: 'entity', message: VelocityEntitySchema.options.join(' | ') }]);
        const now = event.requestContext.timeEpoch;
        const raw = event.queryStringParameters?.at;
        const atMs = raw === undefined ? now : Date.parse(raw);
        if (!Number.isFinite(atMs) || atMs > now || atMs < now - VELOCITY_VIEW_LOOKBACK_MS) {
          throw badRequest('at must be an ISO time within the last 24 hours (the counts keep 8 days, the longest window is 7)', [
            { path: 'at', message: 'an ISO 8601 time, not in the future, at most 24 hours ago' },
          ]);
        }
        return json(200, await velocityView(deps.velocity, entity.data, pathParam(event, 'entityId'), atMs));
      },
    ],
  };

  // The principal of the request in flight (set once per request before its route runs).
  const principals = new WeakMap<APIGatewayProxyEventV2, Principal>();
  const principalOf = (event: APIGatewayProxyEventV2): Principal => principals.get(event)!;

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(httpErrors(deps.log))
    .handler(async (event) => {
      const route = routes[event.routeKey];
      if (route === undefined) throw notFound(`no route ${event.routeKey}`);
      const [role, run] = route;
      if (role !== null) {
        const principal = deps.authenticate(event);
        requireRole(principal, role);
        principals.set(event, principal);
      }
      try {
        return await run(event);
      } catch (error) {
        if (error instanceof ConfigRefusedError) {
          throw error.kind === 'forbidden' ? forbidden(error.message) : error.kind === 'not_found' ? notFound(error.message) : conflict(error.message);
        }
        throw error;
      }
    });
}
