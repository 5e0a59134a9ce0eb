/**
 * Buyer warnings in the local runtime, wired as the Lambda composition roots wire them but on the
 * embedded AWS APIs: warnings stored in the warnings table (dynalite), the buyer API
 * (functions/buyer-warnings), the WebSocket API (functions/warnings-socket behind
 * functions/warnings-socket-authorizer) on a local WebSocket gateway, and the live push through the
 * SDK's PostToConnection to that gateway's @connections API.
 *
 * One difference, because dynalite has no streams: the warning service hands its changes straight to
 * the push service that, in AWS, the warnings table's stream consumer (functions/warnings-push) calls.
 *
 * Development tokens replace the identity provider: `dev.<buyerId>.<signature>` (buyerAuth.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeBuyerWarningsHandler } from '../../functions/buyer-warnings/handler';
import { makeWarningsSocketHandler, type WebSocketRouteEvent } from '../../functions/warnings-socket/handler';
import { makeSocketAuthorizerHandler, type SocketAuthorizerEvent } from '../../functions/warnings-socket-authorizer/handler';
import { ApiGatewayConnectionPusher, createManagementClient } from '../adapters/apigateway/connectionPusher';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../adapters/dynamodb/client';
import { DynamoWarningConnections, DynamoWarningStore } from '../adapters/dynamodb/warnings';
import { MemoryMerchantStanding } from '../adapters/memory/warnings';
import type { BuyerWarningSources } from '../app/detectors/buyerWarnings';
import { createWarningService, type WarningService } from '../app/warnings/outbox';
import { createWarningPush, type PushReport } from '../app/warnings/push';
import { devBuyerAuthenticator, devBuyerToken, devTokenSecret, devTokenVerifier } from '../http/buyerAuth';
import type { Log } from '../lambda/kinesisConsumer';
import type { ConfigSource, MerchantStanding, WarningChange } from '../ports';
import { startBuyerPage } from './buyerPage';
import type { HttpHandler } from './httpGateway';
import { startWebSocketGateway } from './websocketGateway';

export interface LocalWarningsDeps {
  documents: DynamoDBDocumentClient;
  tables: { warnings: string; warningConnections: string };
  config: ConfigSource;
  /** The penalty ladder's view of merchants (default: an empty one, so no merchant warnings). */
  standing?: MerchantStanding;
  /** Open orders by SKU (default: in memory). */
  /** Development-token secret (default: RISKLINE_DEV_TOKEN_SECRET or the fixed development one). */
  devSecret?: string;
  webSocketPort?: number;
  buyerPagePort?: number;
  /** The reports function, whose buyer routes the buyer page serves too (the page's report form). */
  reports?: HttpHandler;
  /** Told of every change the service stored, after it was pushed (the run's progress, tests, the benchmark). */
  onChange?: (changes: readonly WarningChange[], push: PushReport | undefined) => void;
  log?: Pick<Log, 'warn' | 'error'>;
}

export interface LocalWarnings {
  /** The order pipeline's `warnings` (and the review stream's outbox). */
  service: WarningService;
  /** The order pipeline's `buyerWarnings`. */
  sources: BuyerWarningSources;
  /** Handlers of the HTTP API's buyer routes, by functionId, for the local HTTP gateway. */
  httpHandlers: Record<string, HttpHandler>;
  endpoints: { webSocket: string; buyerPage: string };
  /** A development token for a buyer (what the buyer page asks for). */
  devToken(buyerId: string): string;
  /** Open WebSocket connections now. */
  connections(): number;
  stop(): Promise<void>;
}

export async function startLocalWarnings(deps: LocalWarningsDeps): Promise<LocalWarnings> {
  const secret = deps.devSecret ?? devTokenSecret();
  const log = deps.log;
  const connections = new DynamoWarningConnections(deps.documents, deps.tables.warningConnections);
  const closers: (() => Promise<void> | void)[] = [];
  const authorize = makeSocketAuthorizerHandler({ verify: devTokenVerifier(secret) });
  try {
    const gateway = await startWebSocketGateway({
      authorizer: (event) => authorize(event as SocketAuthorizerEvent),
      routes: (() => {
        const socket = makeWarningsSocketHandler({ connections, ...(log ? { log } : {}) });
        const route = (event: unknown) => socket(event as WebSocketRouteEvent);
        return { $connect: route, $disconnect: route, $default: route };
      })(),
      ...(deps.webSocketPort !== undefined ? { port: deps.webSocketPort } : {}),
      onError: (message, error) => log?.error(message, { error }),
    });
    closers.push(() => gateway.close());

    const management = createManagementClient(gateway.callbackUrl, { region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
    closers.push(() => management.destroy());
    const push = createWarningPush({ connections, pusher: new ApiGatewayConnectionPusher(management), ...(log ? { log } : {}) });

    // The local runtime replays simulated history: its "now" is the latest event time a warning was
    // issued at (the wall clock before any), so what the run warned about is listed, not expired.
    let eventTimeMs: number | undefined;
    const service = createWarningService({
      store: new DynamoWarningStore(deps.documents, deps.tables.warnings),
      config: deps.config,
      ...(log ? { log } : {}),
      onChange: async (changes) => {
        for (const c of changes) if (c.kind === 'issued') eventTimeMs = Math.max(eventTimeMs ?? c.warning.issuedAtMs, c.warning.issuedAtMs);
        let report: PushReport | undefined;
        try {
          report = await push.deliver(changes);
        } finally {
          deps.onChange?.(changes, report);
        }
      },
    });
    const buyerWarnings = makeBuyerWarningsHandler({
      warnings: service,
      authenticate: devBuyerAuthenticator(secret),
      now: (event) => eventTimeMs ?? event.requestContext.timeEpoch,
    });
    const page = await startBuyerPage({
      buyerWarnings,
      webSocketUrl: gateway.url,
      devSecret: secret,
      ...(deps.reports ? { reports: deps.reports } : {}),
      ...(deps.buyerPagePort !== undefined ? { port: deps.buyerPagePort } : {}),
    });
    closers.unshift(() => page.close());

    return {
      service,
      sources: { withdrawals: service, standing: deps.standing ?? new MemoryMerchantStanding() },
      httpHandlers: { 'buyer-warnings': buyerWarnings },
      endpoints: { webSocket: gateway.url, buyerPage: page.url },
      devToken: (buyerId) => devBuyerToken(buyerId, secret),
      connections: () => gateway.connections(),
      stop: async () => {
        for (const close of closers.splice(0)) await close();
      },
    };
  } catch (error) {
    for (const close of closers.splice(0)) await close();
    throw error;
  }
}
