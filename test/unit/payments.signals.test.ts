import { describe, expect, it } from 'vitest';
import { createMemoryFeatureStore } from '../../shared/adapters/memory/featureStore';
import { MemoryDecisionLog, MemoryViolationLedger, StaticConfigSource } from '../../shared/adapters/memory/sinks';
import { createOrderPipeline } from '../../shared/app/orderPipeline';
import { defaultThresholds } from '../../shared/config';
import type { OrderEvent } from '../../shared/contracts/events';
import type { WarningRequest } from '../../shared/domain/records';
import { orderEvent } from '../support/orders';

const T0 = Date.parse('2026-11-28T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const DAY = 86_400_000;

function setup() {
  const decisions = new MemoryDecisionLog();
  const warnings: WarningRequest[] = [];
  const pipeline = createOrderPipeline({
    features: createMemoryFeatureStore(),
    decisions,
    violations: new MemoryViolationLedger(),
    config: new StaticConfigSource(defaultThresholds),
    warnings: { request: async (w) => void warnings.push(...w) },
  });
  const run = async (...events: OrderEvent[]) => {
    for (const event of events) await pipeline([{ event, occurredAtMs: Date.parse(event.occurredAt) }]);
  };
  const decisionOf = (eventId: string) => decisions.byEventId.get(eventId)!;
  const codes = (eventId: string) => decisionOf(eventId).reasons.map((r) => r.code);
  return { run, decisionOf, codes, warnings };
}

function paid(overrides: Partial<OrderEvent> & { at?: string } = {}): OrderEvent {
  return orderEvent({ type: 'order.paid', payment: { method: 'card', instrumentId: 'pi-1', status: 'captured' }, ...overrides });
}

function declined(overrides: Partial<OrderEvent> & { at?: string } = {}): OrderEvent {
  return orderEvent({ type: 'order.payment_failed', payment: { method: 'card', instrumentId: 'pi-1', status: 'declined' }, ...overrides });
}

describe('suspicious payments', () => {
  it('blocks the large authorization that follows a run of small declines on one card', async () => {
    const { run, decisionOf, codes } = setup();
    const probes = [1, 2, 3].map((m) => declined({ eventId: `probe-${m}`, amount: 100, at: at(m), buyer: { id: `b-${m}` } }));
    const cashout = paid({ eventId: 'cashout', amount: 250_000, at: at(10), buyer: { id: 'b-9' } });

    await run(...probes, cashout);

    expect(codes('probe-1')).toEqual([]);
    expect(codes('probe-3')).toContain('CARD_TESTING_PROBES');
    expect(decisionOf('cashout').decision).toBe('block');
    expect(codes('cashout')).toContain('CARD_TESTING_CASHOUT');
    expect(decisionOf('cashout').reasons.find((r) => r.code === 'CARD_TESTING_CASHOUT')!.detail).toMatch(/after 3 small declines on the same instrument/);
  });

  it('does not flag a buyer whose card was declined once and who then paid', async () => {
    const { run, codes, decisionOf } = setup();

    await run(declined({ eventId: 'd', amount: 100, at: at(0) }), paid({ eventId: 'p', amount: 250_000, at: at(2) }));

    expect(codes('p')).toEqual([]);
    expect(decisionOf('p').decision).toBe('allow');
  });

  it('flags an account that pays seconds after it was created, and not one created yesterday', async () => {
    const { run, codes } = setup();

    await run(
      paid({ eventId: 'bot', at: at(0), buyer: { id: 'b-new', accountCreatedAt: new Date(T0 - 4_000).toISOString() } }),
      paid({ eventId: 'human', at: at(0), buyer: { id: 'b-old', accountCreatedAt: new Date(T0 - DAY).toISOString() }, payment: { method: 'wallet', instrumentId: 'pi-2' } }),
    );

    expect(codes('bot')).toContain('BOT_SIGNUP');
    expect(codes('human')).toEqual([]);
  });

  it('flags a device that many accounts share', async () => {
    const { run, codes } = setup();
    const farm = [1, 2, 3, 4].map((n) =>
      paid({ eventId: `farm-${n}`, at: at(n), buyer: { id: `acct-${n}` }, payment: { method: 'wallet', instrumentId: `pi-f${n}` }, device: { id: 'dev-farm' } }),
    );

    await run(...farm);

    expect(codes('farm-3')).not.toContain('DEVICE_SHARED_BY_ACCOUNTS');
    expect(codes('farm-4')).toContain('DEVICE_SHARED_BY_ACCOUNTS');
  });

  it('flags cycling through cards on one device or one account, and not a buyer with a spare card', async () => {
    const { run, codes, decisionOf } = setup();
    const card = (n: number) => ({ method: 'card' as const, instrumentId: `pi-stolen-${n}`, status: 'declined' as const });
    // A fraudster's phone tries four stolen cards within an hour, each with a fresh account.
    const onDevice = [1, 2, 3, 4].map((n) =>
      declined({ eventId: `dev-${n}`, amount: 60_000, at: at(n * 10), buyer: { id: `mule-${n}` }, payment: card(n), device: { id: 'dev-x' } }),
    );
    // An account tries four cards from four devices within minutes, and a fifth a day later.
    const onAccount = [1, 2, 3, 4].map((n) =>
      declined({ eventId: `acct-${n}`, amount: 60_000, at: at(n), buyer: { id: 'b-cycler' }, payment: card(10 + n), device: { id: `dev-a${n}` } }),
    );
    const dayLater = declined({ eventId: 'acct-late', amount: 60_000, at: at(24 * 60 + 3.5), buyer: { id: 'b-cycler' }, payment: card(15), device: { id: 'dev-a5' } });
    // A buyer whose first card fails pays with a second and a third: ordinary.
    const spare = [1, 2, 3].map((n) =>
      (n < 3 ? declined : paid)({ eventId: `spare-${n}`, amount: 20_000, at: at(n), buyer: { id: 'b-spare' }, payment: card(20 + n), device: { id: 'dev-s' } }),
    );

    await run(...onDevice, ...onAccount, dayLater, ...spare);

    expect(codes('dev-3')).not.toContain('INSTRUMENT_CYCLING');
    expect(codes('dev-4')).toContain('INSTRUMENT_CYCLING');
    expect(decisionOf('dev-4').reasons.find((r) => r.code === 'INSTRUMENT_CYCLING')!.detail).toMatch(/^4 different payment instruments tried from the same device within 24 hours/);
    expect(codes('acct-4')).toContain('INSTRUMENT_CYCLING');
    expect(codes('acct-late')).not.toContain('INSTRUMENT_CYCLING'); // the first three fell out of its 24 hours
    expect(decisionOf('acct-4').reasons.find((r) => r.code === 'INSTRUMENT_CYCLING')!.detail).toMatch(/from the same account/);
    for (const n of [1, 2, 3]) expect(codes(`spare-${n}`)).toEqual([]);
  });

  it('lets a returning buyer on a new device through, and flags an established account changing everything at once', async () => {
    const { run, codes, decisionOf, warnings } = setup();
    const owner = { id: 'b-owner', accountCreatedAt: new Date(T0 - 400 * DAY).toISOString() };
    const usual = {
      buyer: owner,
      payment: { method: 'card' as const, instrumentId: 'pi-own', status: 'captured' as const, billingCountry: 'CN', issuerCountry: 'CN' },
      device: { id: 'dev-phone', ip: '203.0.113.7', ipCountry: 'CN' },
      shipping: { addressId: 'addr-home', country: 'CN' },
    };
    await run(paid({ eventId: 'history', at: at(-3 * 24 * 60), amount: 30_000, ...usual }));

    const newPhone = paid({ eventId: 'new-phone', at: at(0), amount: 30_000, ...usual, device: { id: 'dev-new-phone', ip: '203.0.113.9', ipCountry: 'CN' } });
    const takeover = paid({
      eventId: 'takeover',
      at: at(30),
      amount: 480_000,
      buyer: owner,
      payment: { method: 'card', instrumentId: 'pi-stolen', status: 'captured', billingCountry: 'CN', issuerCountry: 'CN' },
      device: { id: 'dev-unknown', ip: '198.51.100.4', ipCountry: 'RU' },
      shipping: { addressId: 'addr-drop', country: 'CN' },
    });
    await run(newPhone, takeover);

    expect(codes('new-phone')).toEqual([]);
    expect(codes('takeover')).toContain('ACCOUNT_TAKEOVER_PATTERN');
    expect(decisionOf('takeover').decision).not.toBe('allow');
    expect(warnings).toEqual([expect.objectContaining({ buyerId: 'b-owner', type: 'payment_not_by_owner', orderId: takeover.orderId })]);
  });

  it('weighs country mismatches by how many countries disagree', async () => {
    const { run, decisionOf } = setup();
    const two = paid({ eventId: 'two', device: { ipCountry: 'US' }, payment: { method: 'card', instrumentId: 'pi-a', billingCountry: 'CN', issuerCountry: 'CN' } });
    const three = paid({ eventId: 'three', device: { ipCountry: 'US' }, payment: { method: 'card', instrumentId: 'pi-b', billingCountry: 'CN', issuerCountry: 'NG' } });

    await run(two, three);

    expect(decisionOf('two').score).toBe(defaultThresholds.rules.payments.countryMismatch.twoCountriesWeight);
    expect(decisionOf('three').score).toBe(defaultThresholds.rules.payments.countryMismatch.threeCountriesWeight);
  });

  it('counts a redelivered decline once', async () => {
    const { run, codes } = setup();
    const d1 = declined({ eventId: 'd1', amount: 100, at: at(1) });
    const d2 = declined({ eventId: 'd2', amount: 100, at: at(2) });

    await run(d1, d1, d1, d2);

    expect(codes('d2')).not.toContain('CARD_TESTING_PROBES');
  });
});
