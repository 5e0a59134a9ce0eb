/**
 * What the simulator injects into the ordinary traffic: labelled fraud (`fraud: true`) and honest
 * surprises that look unusual but are not fraud (`fraud: false`, scenario `honest_*`), so a run
 * measures both what is caught and what is wrongly flagged. Each planner adds one instance.
 */
import { CATEGORIES, DECLINE_REASONS, ESSENTIAL_CATEGORIES, FAKE_REVIEW_EDITS, FAKE_REVIEW_TEMPLATE, HIGH_VALUE_CATEGORIES, type Category, type IpRegion } from './catalog';
import type { PlanContext } from './marketplace';
import {
  DAY,
  HOUR,
  LOCAL_OFFSET,
  MINUTE,
  blockOf,
  countryOfRegion,
  ipIn,
  pickWeighted,
  reviewText,
  yuan,
  type Buyer,
  type Label,
  type Merchant,
  type OrderSpec,
  type Sku,
} from './world';

export type Planner = (ctx: PlanContext, index: number) => void;

const ORDINARY: Label = { fraud: false, scenario: 'ordinary' };

/** `ms` moved to a random time between local hours h0 and h1 of the same day, kept inside the run. */
function atLocalHours(ctx: PlanContext, ms: number, h0: number, h1: number): number {
  const dayStart = Math.floor((ms + LOCAL_OFFSET) / DAY) * DAY - LOCAL_OFFSET;
  let t = dayStart + (h0 + ctx.rnd.next() * (h1 - h0)) * HOUR;
  if (t < ctx.startMs) t += DAY;
  if (t > ctx.endMs - HOUR) t -= DAY;
  return Math.round(t < ctx.startMs ? ms : t);
}

/** A shop no scenario owns, for a buyer's everyday orders (scenario shops have prices of their own). */
function usualShop(ctx: PlanContext): Merchant {
  return ctx.bystander(() => true) ?? ctx.world.merchantPicker.pick(ctx.rnd);
}

function clock(ms: number): string {
  return new Date(ms + LOCAL_OFFSET).toISOString().slice(5, 16).replace('T', ' ') + ' (UTC+8)';
}

function single(ctx: PlanContext, spec: OrderSpec, sku: Sku, unitPrice: number, quantity = 1): OrderSpec {
  spec.items = [{ skuId: sku.id, category: sku.category, quantity, unitPrice }];
  spec.shipping = { ...spec.shipping, fee: ctx.world.shippingFee(spec.merchantId, spec.items) };
  return spec;
}

function skuOf(ctx: PlanContext, merchant: Merchant, category: Category): Sku {
  return merchant.skus.find((s) => s.category === category) ?? ctx.world.addSku(merchant, category);
}

function paidNow(ctx: PlanContext, spec: OrderSpec, fromS: number, toS: number): void {
  spec.outcome = { kind: 'paid', afterMs: ctx.rnd.int(fromS, toS) * 1000, status: spec.instrument.method === 'card' ? 'authorized' : 'captured' };
  if (spec.instrument.method === 'cod') spec.instrument = { method: 'wallet', id: ctx.world.id('pi'), billingCountry: 'CN', issuerCountry: 'CN' };
}

/** Order brushing (刷单): a shop's accomplices place many small orders within an hour, then praise them. */
const orderBrushing: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: true, scenario: 'order_brushing' };
  const merchant = ctx.reserveMerchant((m) => m.skus.some((s) => s.price < 20_000), 'small');
  const sku = [...merchant.skus].sort((a, b) => a.price - b.price)[0]!;
  const s = ctx.open(label.scenario, true, '');
  const devices = [world.id('dev'), ...(rnd.chance(0.5) ? [world.id('dev')] : [])];
  const block = blockOf(rnd, 'CN');
  const sharedAddress = world.id('addr');
  const ring: Buyer[] = Array.from({ length: rnd.int(2, 4) }, () =>
    world.newBuyer({
      region: 'CN',
      createdAtMs: ctx.startMs - rnd.int(3, 20) * DAY,
      devices: [rnd.pick(devices)],
      addresses: [rnd.chance(0.6) ? sharedAddress : world.id('addr')],
      instruments: [world.newInstrument('CN', 'wallet')],
      ipBlock: block,
    }),
  );
  const bursts = ctx.endMs - ctx.startMs > 12 * HOUR && rnd.chance(0.5) ? 2 : 1;
  let t0 = atLocalHours(ctx, ctx.at(0.05, 0.7), 9, 22);
  let orders = 0;
  for (let b = 0; b < bursts; b++) {
    const burstMs = rnd.int(25, 50) * MINUTE;
    for (const buyer of ring) {
      for (let k = rnd.int(3, 6); k > 0; k--) {
        const spec = single(ctx, world.ordinaryOrder(buyer, sku, t0 + rnd.int(0, burstMs), label), sku, sku.price);
        spec.device = { id: buyer.devices[0]!, ip: ipIn(rnd, block), ipCountry: 'CN' };
        paidNow(ctx, spec, 10, 60);
        // Empty parcels are "received" quickly, and every order earns a glowing review.
        spec.completeAfterMs = rnd.int(2, 8) * HOUR;
        spec.review = rnd.chance(0.7) ? { afterMs: rnd.int(10, 120) * MINUTE, rating: 5, text: reviewText(rnd, 5, sku.category) } : null;
        s.order(spec);
        orders++;
      }
    }
    t0 += rnd.int(3, 6) * HOUR;
  }
  s.setSummary(
    `${ring.length} accomplice accounts on ${devices.length} device(s) place ${orders} orders of ${sku.id} (${yuan(sku.price)}) at ${merchant.id} in ${bursts} burst(s) of under an hour, then post five-star reviews`,
    { accomplices: ring.length, orders, bursts, devices: devices.length },
  );
};

/** Fake reviews (炒信): twenty new accounts, no purchases, five stars within two hours, near-duplicate texts, shared devices. */
const fakeReviewRing: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: true, scenario: 'fake_review_ring' };
  const merchant = ctx.reserveMerchant(undefined, 'small');
  const sku = rnd.pick(merchant.skus);
  const s = ctx.open(label.scenario, true, '');
  const devices = [world.id('dev'), world.id('dev'), world.id('dev')];
  const subnet = `${blockOf(rnd, 'CN')}.${rnd.int(0, 255)}`;
  const t0 = atLocalHours(ctx, ctx.at(0.1, 0.85), 8, 21);
  const windowMs = rnd.int(60, 120) * MINUTE;
  const base = FAKE_REVIEW_TEMPLATE.replace('{noun}', CATEGORIES[sku.category].noun);
  const times = Array.from({ length: 20 }, () => t0 + rnd.int(0, windowMs)).sort((a, b) => a - b);
  s.touch('merchantIds', merchant.id);
  s.touch('skuIds', sku.id);
  for (const at of times) {
    const account = world.newBuyer({ region: 'CN', createdAtMs: at - rnd.int(1, 48) * HOUR });
    const device = rnd.pick(devices);
    const reviewId = world.id('r');
    s.touch('buyerIds', account.id);
    s.touch('deviceIds', device);
    s.event({
      atMs: at,
      event: {
        schemaVersion: 1,
        kind: 'review',
        eventId: `e-${reviewId.slice(2)}-v`,
        type: 'review.posted',
        occurredAt: new Date(at).toISOString(),
        reviewId,
        orderId: null,
        buyerId: account.id,
        merchantId: merchant.id,
        skuId: sku.id,
        rating: 5,
        text: rnd.pick(FAKE_REVIEW_EDITS)(base),
        device: { id: device, ip: `${subnet}.${rnd.int(1, 254)}`, ipCountry: 'CN' },
        label,
      },
    });
  }
  s.setSummary(
    `20 accounts created hours before, with no orders, post five-star reviews of ${sku.id} at ${merchant.id} within ${Math.round(windowMs / MINUTE)} minutes from ${clock(t0)}, near-duplicate texts, from 3 devices in one /24`,
    { accounts: 20, windowMinutes: Math.round(windowMs / MINUTE), devices: devices.length, rating: 5 },
  );
};

/** Price gouging (哄抬价格): during the declared emergency, a shop sells an essential at several times its price. */
const priceGouging: Planner = (ctx, index) => {
  const { world, rnd, emergency } = ctx;
  if (emergency === null) return;
  const label: Label = { fraud: true, scenario: 'price_gouging' };
  const category = ESSENTIAL_CATEGORIES[index % ESSENTIAL_CATEGORIES.length]!;
  const merchant = ctx.reserveMerchant((m) => m.skus.some((x) => x.category === category));
  const sku = skuOf(ctx, merchant, category);
  const s = ctx.open(label.scenario, true, '');
  const fromMs = Math.min(emergency.startMs + rnd.int(1, 4) * HOUR, ctx.endMs - 2 * HOUR);
  const factor = Math.round((2.5 + rnd.next() * 3.5) * 10) / 10;
  const gouged = Math.round(sku.price * factor);
  ctx.priceRegime(sku, fromMs, factor, label, s);
  // Panic buying at the shop that gouges (ordinary traffic at its new price comes on top).
  const crowd = ctx.crowd(rnd.int(10, 25));
  for (const buyer of crowd) {
    const at = fromMs + rnd.int(0, Math.min(10 * HOUR, ctx.endMs - fromMs));
    const spec = single(ctx, world.ordinaryOrder(buyer, sku, at, label), sku, gouged, rnd.int(1, 3));
    spec.reviewLabel = ORDINARY;
    s.order(spec);
  }
  s.setSummary(
    `${merchant.id} sells ${category} (${sku.id}) at ${factor}x its usual ${yuan(sku.price)} (${yuan(gouged)}) from ${clock(fromMs)}, after the emergency was declared`,
    { category, usualUnitPrice: sku.price, unitPrice: gouged, factor, from: new Date(fromMs).toISOString() },
  );
};

/** Card testing: many small declined payments on one card or from one device, then a large authorization. */
const cardTesting: Planner = (ctx, index) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: true, scenario: 'card_testing' };
  const oneCard = index % 2 === 0;
  const region = rnd.pick<IpRegion>(['VN', 'NG', 'BR', 'RU', 'CN-DC']);
  const country = countryOfRegion(region);
  const block = blockOf(rnd, region);
  const device = world.id('dev');
  const t0 = ctx.at(0.05, 0.85);
  const tester = world.newBuyer({ region, createdAtMs: t0 - rnd.int(5, 120) * MINUTE, devices: [device], ipBlock: block });
  let topUps = world.merchants.filter((m) => m.skus.some((x) => x.category === 'digital.topup'));
  if (topUps.length === 0) {
    const m = ctx.reserveMerchant();
    world.addSku(m, 'digital.topup');
    topUps = [m];
  }
  const s = ctx.open(label.scenario, true, '');
  const card = { method: 'card' as const, id: world.id('pi'), billingCountry: 'US', issuerCountry: 'US' };
  const attempts = rnd.int(12, 25);
  let t = t0;
  let instrument = card;
  for (let k = 0; k < attempts; k++) {
    t += rnd.int(15, 90) * 1000;
    const issuer = rnd.pick(['US', 'GB', 'DE', 'BR', 'CN']);
    instrument = oneCard ? card : { method: 'card', id: world.id('pi'), billingCountry: issuer, issuerCountry: issuer };
    const shop = rnd.pick(topUps);
    const sku = shop.skus.find((x) => x.category === 'digital.topup')!;
    const spec: OrderSpec = {
      orderId: world.id('o'),
      merchantId: shop.id,
      buyerId: tester.id,
      accountCreatedAtMs: tester.createdAtMs,
      placedAtMs: t,
      items: [{ skuId: sku.id, category: 'digital.topup', quantity: 1, unitPrice: rnd.int(1, 6) * 100 }],
      instrument,
      device: { id: device, ip: ipIn(rnd, block), ipCountry: country },
      shipping: { addressId: tester.addresses[0]!, country: 'CN', fee: 0 },
      label,
      // The last two small ones go through: the tester has found a live card.
      outcome:
        k < attempts - 2
          ? { kind: 'declined', afterMs: rnd.int(2, 8) * 1000, reason: rnd.pick(DECLINE_REASONS) }
          : { kind: 'paid', afterMs: rnd.int(2, 8) * 1000, status: 'authorized' },
      completeAfterMs: null,
      review: null,
    };
    s.order(spec);
  }
  t += rnd.int(2, 15) * MINUTE;
  const seller = ctx.bystander((m) => m.skus.some((x) => HIGH_VALUE_CATEGORIES.includes(x.category))) ?? ctx.bystander(() => true) ?? world.merchants[0]!;
  const prize = seller.skus.find((x) => HIGH_VALUE_CATEGORIES.includes(x.category)) ?? skuOf(ctx, seller, 'electronics.phones');
  const quantity = rnd.int(1, 2);
  const cashOut: OrderSpec = {
    orderId: world.id('o'),
    merchantId: seller.id,
    buyerId: tester.id,
    accountCreatedAtMs: tester.createdAtMs,
    placedAtMs: t,
    items: [{ skuId: prize.id, category: prize.category, quantity, unitPrice: prize.price }],
    instrument,
    device: { id: device, ip: ipIn(rnd, block), ipCountry: country },
    shipping: { addressId: world.id('addr'), country: 'CN', fee: 0 },
    label,
    outcome: { kind: 'paid', afterMs: rnd.int(5, 20) * 1000, status: 'authorized' },
    completeAfterMs: null,
    review: null,
  };
  s.order(cashOut);
  const details = { variant: oneCard ? 'one_card' : 'one_device', attempts, declines: attempts - 2, largeAmount: prize.price * quantity, ipCountry: country };
  s.setSummary(
    oneCard
      ? `card ${card.id} (issued in US) is tried on ${attempts} top-ups of ¥1-6 from device ${device} in ${country}: ${attempts - 2} declined, then a ${yuan(prize.price * quantity)} authorization for ${prize.category}`
      : `device ${device} in ${country} cycles ${attempts} card tokens through top-ups of ¥1-6 (${attempts - 2} declined), then a ${yuan(prize.price * quantity)} authorization for ${prize.category}`,
    details,
  );
};

/** Bot sign-ups: accounts created in a burst, each buying a hot item seconds after it exists. */
const botSignup: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: true, scenario: 'bot_signup' };
  const hot: Category[] = ['toys.games', 'electronics.audio', 'fashion.shoes'];
  const merchant = ctx.reserveMerchant((m) => m.skus.some((x) => hot.includes(x.category)), 'popular');
  const sku = merchant.skus.find((x) => hot.includes(x.category)) ?? skuOf(ctx, merchant, 'toys.games');
  const s = ctx.open(label.scenario, true, '');
  const devices = Array.from({ length: rnd.int(2, 4) }, () => world.id('dev'));
  const addresses = Array.from({ length: rnd.int(2, 3) }, () => world.id('addr'));
  const block = blockOf(rnd, 'CN-DC');
  const t0 = atLocalHours(ctx, ctx.at(0.05, 0.85), 10, 22);
  const spreadMin = rnd.int(5, 15);
  const n = rnd.int(15, 30);
  for (let k = 0; k < n; k++) {
    const createdAt = t0 + rnd.int(0, spreadMin * MINUTE);
    const bot = world.newBuyer({
      region: 'CN-DC',
      createdAtMs: createdAt,
      devices: [rnd.pick(devices)],
      addresses: [rnd.pick(addresses)],
      instruments: [world.newInstrument('CN', 'wallet')],
      ipBlock: block,
    });
    const spec = single(ctx, world.ordinaryOrder(bot, sku, createdAt + rnd.int(2, 20) * 1000, label), sku, sku.price, rnd.int(1, 2));
    paidNow(ctx, spec, 3, 10);
    spec.review = null;
    s.order(spec);
  }
  s.setSummary(
    `${n} accounts created within ${spreadMin} minutes each buy ${sku.id} (${sku.category}) at ${merchant.id} 2-20 s after signing up, from ${devices.length} devices in a data-centre address block, shipping to ${addresses.length} addresses`,
    { accounts: n, spreadMinutes: spreadMin, devices: devices.length, addresses: addresses.length, maxSecondsAfterSignup: 20 },
  );
};

/** Account takeover: an established account suddenly on a new device and country, new card, new address, buying high-value goods. */
const accountTakeover: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: true, scenario: 'account_takeover' };
  const victim = ctx.reserveBuyer();
  const atoMs = ctx.at(0.35, 0.9);
  // The owner's own history: ordinary orders from home before the takeover.
  for (let k = rnd.int(2, 3); k > 0 && atoMs - 2 * HOUR > ctx.startMs; k--) {
    const at = ctx.startMs + rnd.int(0, atoMs - 2 * HOUR - ctx.startMs);
    ctx.ordinary(world.ordinaryOrder(victim, rnd.pick(usualShop(ctx).skus), at, ORDINARY));
  }
  const region = rnd.pick<IpRegion>(['RU', 'BR', 'NG', 'US', 'VN']);
  const country = countryOfRegion(region);
  const block = blockOf(rnd, region);
  const device = world.id('dev');
  const issuer = rnd.pick(['US', 'GB', 'BR']);
  const card = { method: 'card' as const, id: world.id('pi'), billingCountry: issuer, issuerCountry: issuer };
  const address = world.id('addr');
  const shipTo = rnd.chance(0.7) ? victim.country : country;
  const s = ctx.open(label.scenario, true, '');
  const n = rnd.int(1, 3);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const seller = ctx.bystander((m) => m.skus.some((x) => HIGH_VALUE_CATEGORIES.includes(x.category))) ?? ctx.bystander(() => true) ?? world.merchants[0]!;
    const sku = seller.skus.find((x) => HIGH_VALUE_CATEGORIES.includes(x.category)) ?? skuOf(ctx, seller, 'electronics.laptops');
    const quantity = rnd.int(1, 2);
    total += sku.price * quantity;
    const spec: OrderSpec = {
      orderId: world.id('o'),
      merchantId: seller.id,
      buyerId: victim.id,
      accountCreatedAtMs: victim.createdAtMs,
      placedAtMs: atoMs + rnd.int(0, 40) * MINUTE,
      items: [{ skuId: sku.id, category: sku.category, quantity, unitPrice: sku.price }],
      instrument: card,
      device: { id: device, ip: ipIn(rnd, block), ipCountry: country },
      shipping: { addressId: address, country: shipTo, fee: 0 },
      label,
      outcome: { kind: 'paid', afterMs: rnd.int(10, 40) * 1000, status: 'authorized' },
      completeAfterMs: null,
      review: null,
    };
    s.order(spec);
  }
  const since = new Date(victim.createdAtMs).toISOString().slice(0, 7);
  s.setSummary(
    `account ${victim.id} (a ${victim.country} buyer since ${since}) orders ${n} high-value item(s) worth ${yuan(total)} from a new device in ${country}, with a new ${issuer} card, shipping to a new address in ${shipTo}`,
    { victimSince: since, orders: n, amount: total, ipCountry: country, cardIssuer: issuer, shipTo },
  );
};

/** Honest: a flash sale brings ten times a shop's usual orders in an hour, each from a different buyer. */
const flashSale: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: false, scenario: 'honest_flash_sale' };
  const merchant = ctx.reserveMerchant((m) => m.skus.some((x) => !HIGH_VALUE_CATEGORIES.includes(x.category)), 'popular');
  const sku = merchant.skus.find((x) => !HIGH_VALUE_CATEGORIES.includes(x.category))!;
  const s = ctx.open(label.scenario, false, '');
  const totalWeight = world.merchants.reduce((sum, m) => sum + m.weight, 0);
  const hours = (ctx.endMs - ctx.startMs) / HOUR;
  const usualPerHour = ((world.buyers.length * 3) / 2.3) * (merchant.weight / totalWeight) / hours;
  const n = Math.min(400, Math.max(60, Math.ceil(10 * usualPerHour)));
  const start = atLocalHours(ctx, ctx.at(0.1, 0.85), 20, 21);
  const price = Math.round(sku.price * 0.7);
  for (const buyer of ctx.crowd(n)) s.order(single(ctx, world.ordinaryOrder(buyer, sku, start + rnd.int(0, HOUR), label), sku, price));
  s.setSummary(`${merchant.id} sells ${sku.id} at 30% off for one hour from ${clock(start)}: ${n} orders, each from a different buyer, over ten times its usual rate`, {
    orders: n,
    usualOrdersPerHour: Math.round(usualPerHour * 10) / 10,
    unitPrice: price,
  });
};

/** Honest: a shop raises a price by 10-30% and buyers keep buying. */
const priceRise: Planner = (ctx, index) => {
  const { world, rnd, emergency } = ctx;
  const label: Label = { fraud: false, scenario: 'honest_price_rise' };
  // The first one is an essential, raised before any emergency: ordinary business, not gouging.
  const essential = index === 0 && emergency !== null;
  const category: Category = essential ? rnd.pick(ESSENTIAL_CATEGORIES) : rnd.pick(['home.kitchen', 'beauty.skincare', 'fashion.apparel', 'grocery.snacks'] as Category[]);
  const merchant = ctx.reserveMerchant((m) => m.skus.some((x) => x.category === category));
  const sku = skuOf(ctx, merchant, category);
  const s = ctx.open(label.scenario, false, '');
  const latest = essential ? (emergency.startMs - ctx.startMs) / (ctx.endMs - ctx.startMs) - 0.05 : 0.8;
  const fromMs = ctx.at(0.05, Math.max(0.06, latest));
  const factor = Math.round((1.1 + rnd.next() * 0.2) * 100) / 100;
  const raised = Math.round(sku.price * factor);
  ctx.priceRegime(sku, fromMs, factor, label, s);
  for (const buyer of ctx.crowd(rnd.int(8, 15))) {
    const at = fromMs + rnd.int(0, Math.min(12 * HOUR, ctx.endMs - fromMs));
    s.order(single(ctx, world.ordinaryOrder(buyer, sku, at, label), sku, raised));
  }
  s.setSummary(
    `${merchant.id} raises ${sku.id} (${category}) by ${Math.round((factor - 1) * 100)}% from ${yuan(sku.price)} to ${yuan(raised)} at ${clock(fromMs)}${essential ? ', before any emergency' : ''}; buyers keep buying`,
    { category, usualUnitPrice: sku.price, unitPrice: raised, factor, from: new Date(fromMs).toISOString() },
  );
};

/** Honest: a product goes viral; many reviews in a short time, all from verified purchases. */
const viralProduct: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: false, scenario: 'honest_viral_product' };
  const merchant = ctx.reserveMerchant((m) => m.skus.some((x) => !HIGH_VALUE_CATEGORIES.includes(x.category)));
  const sku = merchant.skus.find((x) => !HIGH_VALUE_CATEGORIES.includes(x.category))!;
  const s = ctx.open(label.scenario, false, '');
  const start = ctx.at(0.05, 0.35);
  const n = rnd.int(40, 70);
  let reviews = 0;
  for (const buyer of ctx.crowd(n)) {
    const spec = single(ctx, world.ordinaryOrder(buyer, sku, start + rnd.int(0, 8 * HOUR), label), sku, sku.price);
    paidNow(ctx, spec, 5, 120);
    spec.completeAfterMs = rnd.int(3 * 60, 8 * 60) * MINUTE;
    const rating = pickWeighted(rnd, [
      [5, 0.7],
      [4, 0.22],
      [3, 0.08],
    ]);
    spec.review = rnd.chance(0.85) ? { afterMs: rnd.int(10, 240) * MINUTE, rating, text: reviewText(rnd, rating, sku.category) } : null;
    if (spec.review) reviews++;
    s.order(spec);
  }
  s.setSummary(`${sku.id} at ${merchant.id} goes viral from ${clock(start)}: ${n} orders from different buyers within 8 hours and about ${reviews} reviews, every one from a verified purchase`, { orders: n, reviews });
};

/** Honest: returning buyers on a new phone, from home, with their usual card and address. */
const newDevice: Planner = (ctx) => {
  const { world, rnd } = ctx;
  const label: Label = { fraud: false, scenario: 'honest_new_device' };
  const s = ctx.open(label.scenario, false, '');
  const n = rnd.int(3, 5);
  for (let k = 0; k < n; k++) {
    const buyer = ctx.reserveBuyer();
    const at = ctx.at(0.3, 0.95);
    for (let h = rnd.int(1, 2); h > 0 && at - 2 * HOUR > ctx.startMs; h--) {
      ctx.ordinary(world.ordinaryOrder(buyer, rnd.pick(usualShop(ctx).skus), ctx.startMs + rnd.int(0, at - 2 * HOUR - ctx.startMs), ORDINARY));
    }
    const device = world.id('dev');
    const spec = world.ordinaryOrder(buyer, rnd.pick(usualShop(ctx).skus), at, label);
    spec.device = { id: device, ip: ipIn(rnd, buyer.ipBlock), ipCountry: buyer.country };
    spec.instrument = buyer.instruments[0]!;
    spec.shipping = { ...spec.shipping, addressId: buyer.addresses[0]! };
    // The new phone stays out of the buyer's usual devices: ordinary traffic is generated for all
    // times, and must not use it before this moment.
    s.order(spec);
  }
  s.setSummary(`${n} returning buyers order from a new phone, from their usual network, with their usual payment method and address`, { buyers: n });
};

/** Fraud first, then the honest surprises; each runs once per instance. */
export const PLANNERS: readonly Planner[] = [
  orderBrushing,
  fakeReviewRing,
  priceGouging,
  cardTesting,
  botSignup,
  accountTakeover,
  flashSale,
  priceRise,
  viralProduct,
  newDevice,
];

export const FRAUD_SCENARIOS = ['order_brushing', 'fake_review_ring', 'price_gouging', 'card_testing', 'bot_signup', 'account_takeover'] as const;
export const HONEST_SCENARIOS = ['honest_flash_sale', 'honest_price_rise', 'honest_viral_product', 'honest_new_device'] as const;
