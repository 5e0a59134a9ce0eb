/** The local WebSocket API with the warnings functions, a `ws` client and the SDK's management client. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { makeWarningsSocketHandler, type WebSocketRouteEvent } from '../../functions/warnings-socket/handler';
import { makeSocketAuthorizerHandler, type SocketAuthorizerEvent } from '../../functions/warnings-socket-authorizer/handler';
import { ApiGatewayConnectionPusher, createManagementClient } from '../../shared/adapters/apigateway/connectionPusher';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from '../../shared/adapters/dynamodb/client';
import { MemoryWarningConnections } from '../../shared/adapters/memory/warnings';
import { createWarningPush } from '../../shared/app/warnings/push';
import { defaultThresholds } from '../../shared/config';
import { issueWarning } from '../../shared/domain/warnings/policy';
import { devBuyerToken, devTokenVerifier } from '../../shared/http/buyerAuth';
import { startWebSocketGateway, type RunningWebSocketGateway } from '../../shared/local/websocketGateway';
import { warningRequest } from '../contract/warnings.contract';

const SECRET = 'ws-test-secret';
const closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup() {
  const connections = new MemoryWarningConnections();
  const socket = makeWarningsSocketHandler({ connections });
  const authorize = makeSocketAuthorizerHandler({ verify: devTokenVerifier(SECRET) });
  const route = (event: unknown) => socket(event as WebSocketRouteEvent);
  const gateway: RunningWebSocketGateway = await startWebSocketGateway({
    authorizer: (event) => authorize(event as SocketAuthorizerEvent),
    routes: { $connect: route, $disconnect: route, $default: route },
  });
  closers.push(() => gateway.close());
  const management = createManagementClient(gateway.callbackUrl, { region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
  closers.push(() => management.destroy());
  return { connections, gateway, pusher: new ApiGatewayConnectionPusher(management) };
}

function connect(url: string): Promise<{ ws: WebSocket; messages: string[] }> {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  ws.on('message', (data) => messages.push(data.toString()));
  closers.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('local WebSocket API', () => {
  it('refuses a connection without a valid token', async () => {
    const { gateway, connections } = await setup();

    await expect(connect(gateway.url)).rejects.toThrow('refused: 401');
    await expect(connect(`${gateway.url}?token=dev.b-1.forged`)).rejects.toThrow('refused: 401');
    expect(await connections.ofBuyer('b-1')).toEqual([]);
  });

  it('records a buyer\'s connection, delivers what is posted to it, and forgets it when it closes', async () => {
    const { gateway, connections, pusher } = await setup();
    const { ws, messages } = await connect(`${gateway.url}?token=${devBuyerToken('b-1', SECRET)}`);
    const [connectionId] = await connections.ofBuyer('b-1');

    const outcome = await pusher.post(connectionId!, '{"type":"hello"}');
    await new Promise<void>((resolve) => (messages.length > 0 ? resolve() : ws.once('message', () => resolve())));
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close();
    await closed;
    await expect.poll(() => connections.ofBuyer('b-1')).toEqual([]);

    expect(outcome).toBe('sent');
    expect(messages).toEqual(['{"type":"hello"}']);
  });

  it('answers 410 for a connection that is gone, and the push forgets it', async () => {
    const { connections, pusher } = await setup();
    await connections.add({ buyerId: 'b-2', connectionId: 'c-stale', connectedAtMs: 0, expiresAtMs: 1 });
    const push = createWarningPush({ connections, pusher });

    const warning = issueWarning(warningRequest({ buyerId: 'b-2' }), defaultThresholds.warnings)!;

    const outcome = await pusher.post('c-stale', 'x');
    const report = await push.deliver([{ kind: 'issued', warning }]);

    expect(outcome).toBe('gone');
    expect(report).toEqual({ sent: 0, gone: 1 });
    expect(await connections.ofBuyer('b-2')).toEqual([]);
  });
});
