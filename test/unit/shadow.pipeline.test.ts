/**
 * Shadow mode and suppressions in the order pipeline: a candidate re-scores each batch from the live
 * pass's features and records where it disagrees, writing nothing else; a suppressed rule still shows
 * in the decision's reasons but adds nothing to its score.
 */
import { describe, expect, it } from 'vitest';
import { MemoryShadowResults } from '../../shared/adapters/memory/config';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import type { TimedOrderEvent } from '../../shared/app/detectors/types';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import type { Suppression } from '../../shared/domain/config/suppressions';
import type { Thresholds } from '../../shared/domain/config/thresholds';
import type { FeatureStore, WarningOutbox } from '../../shared/ports';
import { orderEvent } from '../support/orders';

const timed = (event: OrderEvent): TimedOrderEvent => ({ event, occurredAtMs: Date.parse(event.occurredAt) });
const at = (minute: number) => new Date(Date.parse('2026-11-28T08:00:00Z') + minute * 60_000).toISOString();

/** A sign-up bot's order (BOT_SIGNUP, weight 60: review) and an order from an established account. */
function traffic(): TimedOrderEvent[] {
  return [
    orderEvent({ eventId: 'bot', orderId: 'o-bot', buyer: { id: 'b-bot', accountCreatedAt: at(0) }, at: at(0.1), merchantId: 'm-1' }),
    orderEvent({ eventId: 'ok', orderId: 'o-ok', buyer: { id: 'b-ok', accountCreatedAt: '2025-01-01T00:00:00Z' }, at: at(1), merchantId: 'm-2' }),
  ].map(timed);
}

/** Three orders of one buyer in one shop within the hour: brushing at the default rate of 3, not at 4. */
function brushing(): TimedOrderEvent[] {
  return [0, 10, 20].map((m) => timed(orderEvent({ eventId: `br-${m}`, orderId: `o-br-${m}`, buyer: { id: 'b-ring' }, merchantId: 'm-brush', at: at(m) })));
}

/** Counts every write the live pass makes to features, violations and warnings. */
function counting(store: FeatureStore) {
  const writes: Record<string, number> = {};
  const count = <T extends object>(target: T, name: string, methods: (keyof T)[]): T => {
    for (const m of methods) {
      const original = (target[m] as (...args: unknown[]) => unknown).bind(target);
      (target as Record<keyof T, unknown>)[m] = (...args: unknown[]) => {
        const recording = name !== 'sets' || (args[0] as { record: boolean }[]).some((q) => q.record);
        if (recording) writes[`${name}.${String(m)}`] = (writes[`${name}.${String(m)}`] ?? 0) + 1;
        return original(...args);
      };
    }
    return target;
  };
  count(store.brushing, 'brushing', ['upsertOrders', 'replaceWindows', 'addPending', 'clearPending']);
  count(store.sets, 'sets', ['run']);
  count(store.prices, 'prices', ['add']);
  count(store.processed, 'processed', ['markProcessed']);
  return writes;
}

async function run(items: TimedOrderEvent[], options: { live?: Thresholds; candidate?: Thresholds; suppressions?: Suppression[] } = {}) {
  const features = createMemoryFeatureStore();
  const writes = counting(features);
  const violations = new MemoryViolationLedger();
  const decisions = new MemoryDecisionLog();
  const warned: unknown[] = [];
  const warnings: WarningOutbox = { request: async (ws) => void warned.push(...ws) };
  const shadow = new MemoryShadowResults(() => 0);
  const pipeline = createOrderPipeline({
    features,
    violations,
    decisions,
    config: new StaticConfigSource(options.live ?? defaultThresholds),
    warnings,
    ...(options.suppressions ? { suppressions: { suppressions: async () => options.suppressions! } } : {}),
    ...(options.candidate ? { shadow: { config: { candidate: async () => options.candidate! }, sink: shadow } } : {}),
  });
  const result = await pipeline(items);
  await pipeline.flush(Number.POSITIVE_INFINITY);
  return { result, writes, violations: [...violations.byId.keys()], warned, shadow };
}

describe('shadow mode', () => {
  const lenient: Thresholds = { ...defaultThresholds, version: 'lenient', rules: { ...defaultThresholds.rules, payments: { ...defaultThresholds.rules.payments, botSignup: { maxAccountAgeSeconds: 60, weight: 20 } } } };

  it('records the orders whose decision the candidate would change', async () => {
    const { shadow } = await run(traffic(), { candidate: lenient });

    const summary = await shadow.summary('lenient');
    expect(summary).toMatchObject({ liveVersions: [defaultThresholds.version], compared: 2, changed: 1, transitions: { 'review->allow': 1, 'allow->allow': 1 } });
    expect(await shadow.decisions('lenient', 10)).toEqual([
      expect.objectContaining({ eventId: 'bot', live: { decision: 'review', score: 60, codes: ['BOT_SIGNUP'] }, candidate: { decision: 'allow', score: 20, codes: ['BOT_SIGNUP'] } }),
    ]);
  });

  it('writes no features, violations or warnings of its own: the live pass does the same with or without it', async () => {
    const stricter: Thresholds = { ...defaultThresholds, version: 'strict', scoring: { reviewAt: 10, blockAt: 20 } };
    const items = [...traffic(), ...brushing()];

    const alone = await run(items);
    const shadowed = await run(items, { candidate: stricter });

    expect(shadowed.writes).toEqual(alone.writes);
    expect(shadowed.violations).toEqual(alone.violations);
    expect(shadowed.warned).toEqual(alone.warned);
    expect(shadowed.result.decisions).toEqual(alone.result.decisions);
    expect((await shadowed.shadow.summary('strict'))?.changed).toBeGreaterThan(0);
  });

  it('says which brushing violations a stricter rate would not record', async () => {
    const rate4: Thresholds = { ...defaultThresholds, version: 'rate-4', rules: { ...defaultThresholds.rules, orderBrushing: { ...defaultThresholds.rules.orderBrushing, concentrateRate: 4 } } };

    const { shadow, violations } = await run(brushing(), { candidate: rate4 });

    expect(violations).toHaveLength(1);
    expect(await shadow.violations('rate-4', 10)).toEqual([expect.objectContaining({ violationId: violations[0], merchantId: 'm-brush', type: 'fake_orders', side: 'live_only' })]);
    // Signals are causal: only the third order had three orders from one buyer behind it when placed.
    expect((await shadow.summary('rate-4'))?.transitions).toEqual({ 'allow->allow': 2, 'block->allow': 1 });
  });

  it('scores a rule the live version has off on the same features, when the candidate turns it on', async () => {
    const { instrumentCycling: _off, ...payments } = defaultThresholds.rules.payments;
    const live: Thresholds = { ...defaultThresholds, version: 'no-cycling', rules: { ...defaultThresholds.rules, payments } };
    // One phone tries four cards, each declined.
    const cycling = [1, 2, 3, 4].map((n) =>
      timed(
        orderEvent({
          eventId: `try-${n}`,
          type: 'order.payment_failed',
          at: at(n),
          amount: 60_000,
          buyer: { id: `b-try-${n}`, accountCreatedAt: '2025-01-01T00:00:00Z' },
          payment: { method: 'card', instrumentId: `pi-try-${n}`, status: 'declined' },
          device: { id: 'dev-try' },
        }),
      ),
    );

    const { shadow } = await run(cycling, { live, candidate: { ...defaultThresholds, version: 'cycling-on' } });

    expect(await shadow.decisions('cycling-on', 10)).toEqual([
      expect.objectContaining({
        eventId: 'try-4',
        live: { decision: 'allow', score: 30, codes: ['DEVICE_SHARED_BY_ACCOUNTS'] },
        candidate: { decision: 'review', score: 75, codes: ['INSTRUMENT_CYCLING', 'DEVICE_SHARED_BY_ACCOUNTS'] },
      }),
    ]);
  });

  it('does nothing when the candidate is the live version', async () => {
    const { shadow } = await run(traffic(), { candidate: defaultThresholds });

    expect(await shadow.summary(defaultThresholds.version)).toBeNull();
  });
});

describe('suppressions where signals are scored', () => {
  const suppression = (overrides: Partial<Suppression> = {}): Suppression => ({
    suppressionId: 's-1',
    scope: 'buyer',
    entityId: 'b-bot',
    code: 'BOT_SIGNUP',
    until: '2026-12-01T00:00:00Z',
    reason: 'QA test account',
    createdBy: 'alice',
    createdAt: '2026-11-27T00:00:00Z',
    ...overrides,
  });

  it('lists a suppressed rule as suppressed and leaves it out of the score', async () => {
    const { result } = await run(traffic(), { suppressions: [suppression()] });

    const bot = result.decisions.find((d) => d.eventId === 'bot')!;
    expect(bot).toMatchObject({ score: 0, decision: 'allow' });
    expect(bot.reasons).toEqual([{ code: 'BOT_SIGNUP', suppressed: true, detail: expect.stringContaining('suppressed for buyer b-bot until 2026-12-01T00:00:00Z by alice (QA test account)') }]);
  });

  it('ignores a suppression that expired before the event, was lifted, or names another entity', async () => {
    const expired = await run(traffic(), { suppressions: [suppression({ until: '2026-11-28T08:00:00Z' })] });
    const lifted = await run(traffic(), { suppressions: [suppression({ liftedAt: '2026-11-27T12:00:00Z', liftedBy: 'bob' })] });
    const other = await run(traffic(), { suppressions: [suppression({ scope: 'merchant', entityId: 'b-bot' })] });

    for (const { result } of [expired, lifted, other]) expect(result.decisions.find((d) => d.eventId === 'bot')).toMatchObject({ score: 60, decision: 'review' });
  });
});
