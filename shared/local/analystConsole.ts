/**
 * The analysts' console on one machine: the analyst API wired as functions/analyst-api/index.ts wires
 * it (DynamoDB adapters, here on dynalite), with development tokens instead of Cognito, backtests run
 * in this process by the backtest worker on the JSONL history `npm start` wrote, and the built web
 * app (`npm run build:console`, out/console) served from the same origin as the API, as CloudFront
 * serves both in AWS.
 *
 * `startAnalystConsole(deps)` is all a runner needs; `makeLocalAnalystApi` and `localLiveConfig` let
 * the local runtime serve the same API on its own gateway and read the config as the Lambdas do.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeAnalystApiHandler, type ConsoleAuth } from '../../functions/analyst-api/handler';
import { makeBacktestWorker } from '../../functions/backtest-worker/handler';
import { DynamoFlaggedDecisions, DynamoPenaltyLadder } from '../adapters/dynamodb/analystReads';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoBacktestJobs } from '../adapters/dynamodb/backtestJobs';
import { DynamoConfigAuditLog } from '../adapters/dynamodb/configAudit';
import { DynamoConfigStore } from '../adapters/dynamodb/configStore';
import { DynamoShadowResults } from '../adapters/dynamodb/shadowResults';
import { FileHistorySource } from '../adapters/history/fileHistory';
import { LiveConfig } from '../app/config/liveConfig';
import { createConfigService } from '../app/config/service';
import type { Thresholds } from '../domain/config/thresholds';
import { devTokenAuthenticator } from '../http/principal';
import { HTTP_ROUTES } from '../http/routes';
import { CONFIG_CACHE_ENV } from '../lambda/liveConfig';
import type { ShadowDeps } from '../app/shadow';
import type { WindowedSets } from '../ports';
import { startHttpGateway, type HttpHandler } from './httpGateway';
import type { TableNames } from './provision';

/** The development sign-ins the console offers (shared/http/principal.ts: `dev:<groups>:<id>`). */
export const DEV_USERS: Extract<ConsoleAuth, { mode: 'dev' }>['users'] = [
  { token: 'dev:analyst:alice', label: 'alice (analyst)' },
  { token: 'dev:approver:bob', label: 'bob (approver)' },
  { token: 'dev:approver:dana', label: 'dana (approver)' },
  { token: 'dev:viewer:carol', label: 'carol (viewer)' },
];

export interface LocalAnalystApiDeps {
  documents: DynamoDBDocumentClient;
  tables: Pick<TableNames, 'configVersions' | 'configAudit' | 'shadowResults' | 'backtests' | 'decisions' | 'penaltyCases'>;
  /** What is live until analysts publish a version (the run's thresholds). */
  seed: Thresholds;
  /** The JSONL history backtests replay; read when a backtest runs. */
  historyPath: () => string;
  /** Where backtests write their replays (kept, so an analyst can open them). */
  workDir: string;
  /** The feature store's payment sets, for the velocity view (without them that route answers 501). */
  velocity?: WindowedSets;
  log?: (line: string) => void;
}

/** The analyst API's handler with local adapters (what the runtime's gateway and the console server serve). */
export function makeLocalAnalystApi(deps: LocalAnalystApiDeps): HttpHandler {
  const store = new DynamoConfigStore(deps.documents, deps.tables.configVersions);
  const jobs = new DynamoBacktestJobs(deps.documents, deps.tables.backtests);
  const worker = makeBacktestWorker({
    jobs,
    versions: store,
    history: new FileHistorySource(deps.historyPath),
    workDir: deps.workDir,
    keepFiles: true,
    log: { info: () => {}, error: (message, extra) => deps.log?.(`${message} ${JSON.stringify(extra)}`) },
  });
  return makeAnalystApiHandler({
    config: createConfigService({ store, audit: new DynamoConfigAuditLog(deps.documents, deps.tables.configAudit), seed: deps.seed }),
    shadow: new DynamoShadowResults(deps.documents, deps.tables.shadowResults),
    backtests: jobs,
    // In AWS the jobs table's stream starts the worker; here it runs in this process, in the background.
    launcher: {
      launch: async (job) => {
        void worker.run(job.backtestId).catch((error: unknown) => deps.log?.(`backtest ${job.backtestId} failed: ${String(error)}`));
      },
    },
    decisions: new DynamoFlaggedDecisions(deps.documents, deps.tables.decisions),
    ladder: new DynamoPenaltyLadder(deps.documents, deps.tables.penaltyCases),
    ...(deps.velocity ? { velocity: deps.velocity } : {}),
    authenticate: devTokenAuthenticator,
    consoleAuth: { mode: 'dev', users: DEV_USERS },
  }) as HttpHandler;
}

/** The live config as the Lambdas read it (LiveConfig over the config table), for the local consumers. */
export function localLiveConfig(
  documents: DynamoDBDocumentClient,
  tables: Pick<TableNames, 'configVersions' | 'shadowResults'>,
  seed: Thresholds,
  ttlMs = Number(process.env[CONFIG_CACHE_ENV] ?? 30) * 1000,
): { config: LiveConfig; shadow: ShadowDeps } {
  const config = new LiveConfig(new DynamoConfigStore(documents, tables.configVersions, false), { seed, ttlMs, onUnavailable: 'throw' });
  return { config, shadow: { config, sink: new DynamoShadowResults(documents, tables.shadowResults) } };
}

export interface AnalystConsoleDeps extends LocalAnalystApiDeps {
  /** The built web app (out/console). */
  staticDir: string;
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** The reports function (buyer reports' queue and decisions), served on the same origin when given. */
  reports?: HttpHandler;
}

export interface RunningConsole {
  /** The console, e.g. http://127.0.0.1:40123/ (the API under /v1/ on the same origin). */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves the built console and the analyst API on one loopback port. */
export async function startAnalystConsole(deps: AnalystConsoleDeps): Promise<RunningConsole> {
  const root = resolve(deps.staticDir);
  try {
    await stat(join(root, 'index.html'));
  } catch {
    throw new Error(`the console is not built: ${join(root, 'index.html')} is missing (npm run build:console)`);
  }
  const gateway = await startHttpGateway({
    routes: HTTP_ROUTES.filter((r) => r.functionId === 'analyst-api' || (deps.reports !== undefined && r.functionId === 'reports')),
    handlers: { 'analyst-api': makeLocalAnalystApi(deps), ...(deps.reports ? { reports: deps.reports } : {}) },
  });

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', gateway.url);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Bad Gateway"}'));
    req.pipe(upstream);
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (file !== root && !file.startsWith(root + sep)) return res.writeHead(403).end();
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      // Hashed asset names never change content; the page itself is always re-read.
      const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size, 'cache-control': cache });
      createReadStream(file).pipe(res);
    } catch {
      // A client-side route: the app's page.
      const html = await readFile(join(root, 'index.html'));
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' }).end(html);
    }
  };

  const server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/v1/')) return proxy(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405).end();
    serveFile(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(deps.port ?? 0, deps.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${address}:${port}/`,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((done, fail) => {
          server.close((error) => (error ? fail(error) : done()));
          server.closeAllConnections();
        });
        await gateway.close();
      })();
      return closing;
    },
  };
}

/** Where a local run's history is (`npm start` writes events.jsonl into its out dir) and where its backtests go. */
export function localHistory(outDir: string): Pick<LocalAnalystApiDeps, 'historyPath' | 'workDir'> {
  return { historyPath: () => join(outDir, 'events.jsonl'), workDir: join(outDir, 'backtests') };
}

/**
 * `npm start -- --serve`: the console on the run's dynalite and history, until `signal` aborts.
 * Returns the line to print: where the console is, or why it is not served (it was not built).
 */
export async function serveAnalystConsole(options: {
  dynamodbEndpoint: string;
  tables: TableNames;
  seed: Thresholds;
  outDir: string;
  staticDir?: string;
  signal?: AbortSignal;
  reports?: HttpHandler;
}): Promise<string> {
  const staticDir = options.staticDir ?? join('out', 'console');
  const documents = createDocumentClient({ endpoint: options.dynamodbEndpoint });
  try {
    const running = await startAnalystConsole({ documents, tables: options.tables, seed: options.seed, staticDir, ...localHistory(options.outDir), ...(options.reports ? { reports: options.reports } : {}) });
    options.signal?.addEventListener('abort', () => void running.close().finally(() => documents.destroy()), { once: true });
    return `analysts console: ${running.url} (sign in as ${DEV_USERS.map((u) => u.label).join(', ')}; backtests replay ${join(options.outDir, 'events.jsonl')})`;
  } catch (error) {
    documents.destroy();
    return `analysts console not served: ${error instanceof Error ? error.message : String(error)}`;
  }
}
