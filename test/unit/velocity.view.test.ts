/** The analysts' velocity view: what the order stream recorded about a card, device or account, read back by windows. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ANALYST_ROUTE_KEYS as R, makeAnalystApiHandler } from '../../functions/analyst-api/handler';
import { MemoryBacktestJobs, MemoryConfigAuditLog, MemoryConfigStore, MemoryShadowResults } from '../../shared/adapters/memory/config';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createConfigService } from '../../shared/app/config/service';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { velocityView } from '../../shared/app/velocity';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import { devTokenAuthenticator } from '../../shared/http/principal';
import { createRedisFeatureStore } from '../../shared/adapters/redis/featureStore';
import type { FeatureStore, WindowedSets } from '../../shared/ports';
import { orderEvent } from '../support/orders';
import { redisOrSkip, suiteRedis } from '../support/redis';

const redisAvailable = await redisOrSkip('velocity view on Redis');

const T0 = Date.parse('2026-11-28T08:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

function payment(type: 'order.paid' | 'order.payment_failed' | 'order.placed', hours: number, o: { card: string; buyer: string; device: string; amount?: number }): OrderEvent {
  return orderEvent({
    type,
    at: at(hours),
    amount: o.amount ?? 30_000,
    buyer: { id: o.buyer },
    payment: { method: 'card', instrumentId: o.card, status: type === 'order.payment_failed' ? 'declined' : 'captured', billingCountry: 'CN' },
    device: { id: o.device, ip: '203.0.113.7', ipCountry: 'CN' },
    shipping: { addressId: `addr-${o.buyer}`, country: 'CN' },
  });
}

/** A device over a week: two buyers, three cards, payments 6 days, 5 hours and minutes before T0. */
async function recordedHistory(features: FeatureStore = createMemoryFeatureStore()): Promise<WindowedSets> {
  const pipeline = createOrderPipeline({
    features,
    decisions: new MemoryDecisionLog(),
    violations: new MemoryViolationLedger(),
    config: new StaticConfigSource(defaultThresholds),
  });
  const events = [
    payment('order.paid', -6 * 24, { card: 'pi-a', buyer: 'b-1', device: 'dev-1' }),
    payment('order.payment_failed', -5, { card: 'pi-b', buyer: 'b-1', device: 'dev-1', amount: 100 }),
    payment('order.payment_failed', -0.5, { card: 'pi-c', buyer: 'b-2', device: 'dev-1', amount: 100 }),
    payment('order.paid', -0.25, { card: 'pi-c', buyer: 'b-2', device: 'dev-1' }),
    // Placed orders are scored but never counted: only an outcome is a payment.
    payment('order.placed', -0.2, { card: 'pi-d', buyer: 'b-3', device: 'dev-1' }),
    // After T0: left out of a view as of T0, in one as of later.
    payment('order.paid', 2, { card: 'pi-e', buyer: 'b-3', device: 'dev-1' }),
  ];
  for (const event of events) await pipeline([{ event, occurredAtMs: Date.parse(event.occurredAt) }]);
  return features.sets;
}

for (const [name, available] of [['memory', true], ['redis', redisAvailable]] as const) {
  describe.skipIf(!available)(`velocity view (${name} feature store)`, () => {
    const { redis, newPrefix } = suiteRedis(name === 'redis' && available);
    const history = () => recordedHistory(name === 'redis' ? createRedisFeatureStore(redis, { prefix: newPrefix() }) : createMemoryFeatureStore());

    it("counts a device's authorizations, declines, small declines, buyers and cards over 1 h, 24 h and 7 d", async () => {
      const sets = await history();

      const view = await velocityView(sets, 'device', 'dev-1', T0);

      expect(view).toEqual({
        entity: 'device',
        id: 'dev-1',
        at: '2026-11-28T08:00:00.000Z',
        payments: { authorized: { '1h': 1, '24h': 1, '7d': 2 }, declined: { '1h': 1, '24h': 2, '7d': 2 } },
        smallDeclines: { '1h': 1, '24h': 2, '7d': 2 },
        distinctBuyers: { '1h': 1, '24h': 2, '7d': 2 },
        distinctInstruments: { '1h': 1, '24h': 2, '7d': 3 },
      });
    });

    it('shows an account what it is familiar with, and a card only its own sections', async () => {
      const sets = await history();

      const buyer = await velocityView(sets, 'buyer', 'b-2', T0);
      const card = await velocityView(sets, 'instrument', 'pi-c', T0);

      expect(buyer.payments).toEqual({ authorized: { '1h': 1, '24h': 1, '7d': 1 }, declined: { '1h': 1, '24h': 1, '7d': 1 } });
      expect(buyer.distinctInstruments).toEqual({ '1h': 1, '24h': 1, '7d': 1 });
      expect(buyer.familiar).toEqual({ devices: 1, instruments: 1, addresses: 1, ipCountries: 1 });
      expect(buyer.smallDeclines).toBeUndefined();
      expect(card.distinctBuyers).toEqual({ '1h': 1, '24h': 1, '7d': 1 });
      expect(card.distinctInstruments).toBeUndefined();
      expect(card.familiar).toBeUndefined();
    });

    it('leaves out what happened after the time it is asked as of, and reads zeros for an unknown entity', async () => {
      const sets = await history();

      const later = await velocityView(sets, 'device', 'dev-1', T0 + 3 * HOUR);
      const unknown = await velocityView(sets, 'ip', '198.51.100.1', T0);

      expect(later.payments.authorized).toEqual({ '1h': 1, '24h': 2, '7d': 3 });
      expect(later.distinctBuyers).toEqual({ '1h': 1, '24h': 3, '7d': 3 });
      expect(unknown.payments).toEqual({ authorized: { '1h': 0, '24h': 0, '7d': 0 }, declined: { '1h': 0, '24h': 0, '7d': 0 } });
    });
  });
}

describe('analyst API: GET /v1/velocity/{entity}/{entityId}', () => {
  function api(velocity?: WindowedSets) {
    const handler = makeAnalystApiHandler({
      config: createConfigService({ store: new MemoryConfigStore(), audit: new MemoryConfigAuditLog(), seed: defaultThresholds }),
      shadow: new MemoryShadowResults(),
      backtests: new MemoryBacktestJobs(),
      launcher: { launch: async () => {} },
      decisions: { recent: async () => [], byOrder: async () => [] },
      ladder: { merchants: async () => [] },
      ...(velocity ? { velocity } : {}),
      authenticate: devTokenAuthenticator,
      consoleAuth: { mode: 'dev', users: [] },
    });
    return async (entity: string, entityId: string, query?: Record<string, string>, token = 'dev:viewer:carol') => {
      const event = {
        version: '2.0',
        routeKey: R.velocity,
        rawPath: `/v1/velocity/${entity}/${entityId}`,
        rawQueryString: '',
        headers: { authorization: `Bearer ${token}` },
        pathParameters: { entity, entityId },
        ...(query ? { queryStringParameters: query } : {}),
        isBase64Encoded: false,
        requestContext: { timeEpoch: T0 + 3 * HOUR, http: { method: 'GET' } },
      } as unknown as APIGatewayProxyEventV2;
      const result = (await handler(event, {} as never)) as APIGatewayProxyStructuredResultV2;
      return { status: result.statusCode, body: JSON.parse(result.body as string) as Record<string, unknown> };
    };
  }

  it('answers a viewer with the view now or as of an earlier time', async () => {
    const get = api(await recordedHistory());

    const now = await get('device', 'dev-1');
    const asOf = await get('device', 'dev-1', { at: at(0) });

    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ entity: 'device', id: 'dev-1', at: at(3), payments: { authorized: { '24h': 2 } } });
    expect(asOf.body).toMatchObject({ at: '2026-11-28T08:00:00.000Z', payments: { authorized: { '24h': 1 } } });
  });

  it('refuses an unknown entity, a future time and one older than the sets keep, naming the field', async () => {
    const get = api(await recordedHistory());

    const entity = await get('merchant', 'm-1');
    const future = await get('device', 'dev-1', { at: at(4) });
    const old = await get('device', 'dev-1', { at: at(-22) });
    const garbled = await get('device', 'dev-1', { at: 'yesterday' });

    expect([entity.status, future.status, old.status, garbled.status]).toEqual([400, 400, 400, 400]);
    expect(entity.body).toMatchObject({ issues: [{ path: 'entity' }] });
    expect(old.body).toMatchObject({ issues: [{ path: 'at' }] });
  });

  it('needs a signed-in viewer, and says so where no feature store is wired', async () => {
    const anonymous = await api(await recordedHistory())('device', 'dev-1', undefined, '');
    const unwired = await api()('device', 'dev-1');

    expect(anonymous.status).toBe(401);
    expect(unwired).toMatchObject({ status: 501, body: { error: 'not_implemented' } });
  });
});
