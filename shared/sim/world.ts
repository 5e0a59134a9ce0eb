/**
 * The simulated marketplace's population and its order lifecycle: merchants with SKUs priced around
 * each category's baseline, buyers with their devices, payment instruments and addresses, and the
 * events one order produces over time (placed, paid or declined, completed, refunded, reviewed).
 * Deterministic for a seed; ids are opaque hashes, so nothing in an id tells a detector what it is.
 */
import type { OrderEvent, ReviewEvent } from '../contracts/events';
import {
  BUYER_COUNTRIES,
  CATEGORIES,
  CATEGORY_DEMAND,
  IP_BLOCKS,
  REVIEW_PHRASES,
  SHOP_CATEGORIES,
  type Category,
  type IpRegion,
} from './catalog';
import { Random } from './random';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The simulated shoppers live in Beijing time; the daily rhythm reads local hours. */
export const LOCAL_OFFSET = 8 * HOUR;

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

export interface Label {
  fraud: boolean;
  scenario: string;
}

export interface Sku {
  id: string;
  merchantId: string;
  category: Category;
  /** The SKU's usual unit price (minor units). */
  price: number;
}

export interface Merchant {
  id: string;
  skus: Sku[];
  /** Relative popularity. */
  weight: number;
  /** The shop's shipping policy: this fee per order, free from `freeShippingFrom` (满99包邮). */
  shippingFee: number;
  freeShippingFrom: number;
}

export type PaymentMethod = 'card' | 'wallet' | 'bank_transfer' | 'cod';

export interface Instrument {
  method: PaymentMethod;
  /** A token, never a card number; absent for cash on delivery. */
  id?: string;
  billingCountry?: string;
  issuerCountry?: string;
}

export interface Buyer {
  id: string;
  createdAtMs: number;
  country: string;
  /** The address block the buyer's home connection sits in. */
  ipBlock: string;
  devices: string[];
  instruments: Instrument[];
  addresses: string[];
  weight: number;
}

export interface DeviceUse {
  id: string;
  ip: string;
  ipCountry: string;
}

export type PaymentOutcome =
  | { kind: 'paid'; afterMs: number; status: 'authorized' | 'captured' }
  | { kind: 'declined'; afterMs: number; reason: string; thenPaidAfterMs?: number }
  | { kind: 'abandoned'; cancelAfterMs: number }
  | { kind: 'on_delivery' };

export interface ReviewPlan {
  /** Time after receipt was confirmed (or after the order when it is never completed in the run). */
  afterMs: number;
  rating: number;
  text: string;
}

export interface OrderSpec {
  orderId: string;
  merchantId: string;
  buyerId: string;
  accountCreatedAtMs?: number;
  placedAtMs: number;
  items: { skuId: string; category: Category; quantity: number; unitPrice: number }[];
  instrument: Instrument;
  device: DeviceUse;
  shipping: { addressId: string; country: string; fee: number };
  label: Label;
  /** Drawn from the marketplace's usual rates when omitted. */
  outcome?: PaymentOutcome;
  /** Receipt confirmed this long after payment; null: not within the run; omitted: usual rates. */
  completeAfterMs?: number | null;
  /** The buyer's review; null: none; omitted: usual rates. */
  review?: ReviewPlan | null;
  /** The review's own label, when it differs from the order's. */
  reviewLabel?: Label;
}

export interface TimedEvent {
  atMs: number;
  event: OrderEvent | ReviewEvent;
}

/** A short, stable, opaque id (FNV-1a, two lanes): the same parts always give the same id. */
export function token(...parts: readonly (string | number)[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const part of parts) {
    const s = String(part) + '\u001f';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
    }
  }
  return (a >>> 0).toString(16).padStart(8, '0') + ((b >>> 0) & 0xffff).toString(16).padStart(4, '0');
}

/** Standard normal draw (Box-Muller). */
export function normal(rnd: Random): number {
  const u = Math.max(rnd.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.next());
}

/** Picks by weight in O(log n). */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private total = 0;
  constructor(private readonly items: readonly T[], weight: (item: T) => number) {
    for (const item of items) {
      this.total += Math.max(0, weight(item));
      this.cumulative.push(this.total);
    }
  }
  get isEmpty(): boolean {
    return this.total === 0;
  }
  pick(rnd: Random): T {
    const x = rnd.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

export function pickWeighted<T>(rnd: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rnd.next() * total;
  for (const [value, w] of entries) {
    x -= w;
    if (x < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

/** A retail-looking price around `base`: a log-normal spread, ending in 90 fen. */
export function priceAround(rnd: Random, base: number, spread = 0.25): number {
  const raw = base * Math.exp(normal(rnd) * spread);
  return Math.max(90, Math.round(raw / 100) * 100 - 10);
}

export function ipIn(rnd: Random, block: string): string {
  return `${block}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
}

export function blockOf(rnd: Random, region: IpRegion): string {
  return rnd.pick(IP_BLOCKS[region]);
}

/** The country an address block belongs to (data-centre blocks are in China). */
export function countryOfRegion(region: IpRegion): string {
  return region === 'CN-DC' ? 'CN' : region;
}

export interface WorldOptions {
  seed: number;
  startMs: number;
  merchants: number;
  buyers: number;
}

export class World {
  readonly merchants: Merchant[] = [];
  readonly buyers: Buyer[] = [];
  readonly skus = new Map<string, Sku>();
  readonly merchantById = new Map<string, Merchant>();
  readonly buyerById = new Map<string, Buyer>();
  readonly merchantPicker: WeightedPicker<Merchant>;
  readonly buyerPicker: WeightedPicker<Buyer>;
  private counter = 0;

  constructor(readonly seed: number, readonly rnd: Random, readonly options: WorldOptions) {
    for (let i = 0; i < options.merchants; i++) this.addMerchant(i);
    for (let i = 0; i < options.buyers; i++) this.buyers.push(this.newBuyer({ createdAtMs: this.establishedSince(), weight: 1 / Math.pow(i + 1, 0.6) }));
    for (const b of this.buyers) this.buyerById.set(b.id, b);
    this.merchantPicker = new WeightedPicker(this.merchants, (m) => m.weight);
    this.buyerPicker = new WeightedPicker(this.buyers, (b) => b.weight);
  }

  /** A fresh opaque id of a kind: `o-`, `b-`, `dev-`, `pi-`, `addr-`, `r-`. */
  id(prefix: string): string {
    return `${prefix}-${token(this.seed, prefix, this.counter++)}`;
  }

  private addMerchant(rank: number): void {
    const rnd = this.rnd;
    const id = `m-${token(this.seed, 'merchant', rank).slice(0, 6)}`;
    // A shop sells one or two neighbouring kinds of goods; a few platform shops sell top-ups.
    const topUp = rank % 97 === 3;
    const first: Category = topUp ? 'digital.topup' : pickWeighted(rnd, SHOP_CATEGORIES.map((c) => [c, CATEGORY_DEMAND[c]] as const));
    const categories = new Set<Category>([first]);
    if (!topUp && rnd.chance(0.4)) categories.add(pickWeighted(rnd, SHOP_CATEGORIES.map((c) => [c, CATEGORY_DEMAND[c]] as const)));
    const shippingFee = pickWeighted(rnd, [
      [0, 0.55],
      [600, 0.12],
      [800, 0.1],
      [1000, 0.15],
      [1200, 0.08],
    ]);
    const merchant: Merchant = { id, skus: [], weight: 1 / Math.pow(rank + 1, 0.9), shippingFee, freeShippingFrom: 9_900 };
    for (const category of categories) for (let k = rnd.int(2, 4); k > 0; k--) this.addSku(merchant, category);
    this.merchants.push(merchant);
    this.merchantById.set(id, merchant);
  }

  addSku(merchant: Merchant, category: Category, price?: number): Sku {
    const sku: Sku = {
      id: `sku-${token(this.seed, 'sku', merchant.id, merchant.skus.length).slice(0, 8)}`,
      merchantId: merchant.id,
      category,
      price: price ?? priceAround(this.rnd, CATEGORIES[category].basePrice),
    };
    merchant.skus.push(sku);
    this.skus.set(sku.id, sku);
    return sku;
  }

  /** When an established account was created: 30 days to 5 years before the run. */
  establishedSince(): number {
    return this.options.startMs - Math.round(30 * DAY + this.rnd.next() * 1800 * DAY);
  }

  newBuyer(overrides: Partial<Buyer> & { region?: IpRegion } = {}): Buyer {
    const rnd = this.rnd;
    const region = overrides.region ?? pickWeighted(rnd, BUYER_COUNTRIES);
    const country = countryOfRegion(region);
    const instruments: Instrument[] = [this.newInstrument(country)];
    if (rnd.chance(0.3)) instruments.push(this.newInstrument(country));
    const buyer: Buyer = {
      id: this.id('b'),
      createdAtMs: this.establishedSince(),
      country,
      ipBlock: blockOf(rnd, region),
      devices: [this.id('dev')],
      instruments,
      addresses: [this.id('addr')],
      weight: 1,
      ...overrides,
    };
    if (rnd.chance(0.25)) buyer.devices.push(this.id('dev'));
    if (rnd.chance(0.15)) buyer.addresses.push(this.id('addr'));
    return buyer;
  }

  newInstrument(country: string, method?: PaymentMethod): Instrument {
    const m = method ?? pickWeighted<PaymentMethod>(this.rnd, [['wallet', 0.6], ['card', 0.32], ['bank_transfer', 0.05], ['cod', 0.03]]);
    if (m === 'cod') return { method: 'cod' };
    return { method: m, id: this.id('pi'), billingCountry: country, issuerCountry: country };
  }

  /** An ordinary order of `buyer` at `merchant`, from the buyer's usual device, instrument and address. */
  ordinaryOrder(buyer: Buyer, sku: Sku, atMs: number, label: Label, unitPrice = sku.price): OrderSpec {
    const rnd = this.rnd;
    const merchant = this.merchantById.get(sku.merchantId)!;
    const items = [{ skuId: sku.id, category: sku.category, quantity: quantity(rnd, sku.category), unitPrice }];
    if (rnd.chance(0.12) && merchant.skus.length > 1) {
      const other = rnd.pick(merchant.skus.filter((s) => s.id !== sku.id));
      items.push({ skuId: other.id, category: other.category, quantity: 1, unitPrice: other.price });
    }
    return {
      orderId: this.id('o'),
      merchantId: merchant.id,
      buyerId: buyer.id,
      accountCreatedAtMs: buyer.createdAtMs,
      placedAtMs: atMs,
      items,
      instrument: rnd.pick(buyer.instruments),
      device: { id: rnd.pick(buyer.devices), ip: ipIn(rnd, buyer.ipBlock), ipCountry: buyer.country },
      shipping: { addressId: rnd.pick(buyer.addresses), country: buyer.country, fee: this.shippingFee(merchant.id, items) },
      label,
    };
  }

  /** What the shop charges for shipping an order of these items. */
  shippingFee(merchantId: string, items: readonly { quantity: number; unitPrice: number }[]): number {
    const merchant = this.merchantById.get(merchantId);
    if (!merchant) return 0;
    const total = items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
    return total >= merchant.freeShippingFrom ? 0 : merchant.shippingFee;
  }
}

function quantity(rnd: Random, category: Category): number {
  if (category === 'electronics.phones' || category === 'electronics.laptops') return 1;
  return pickWeighted(rnd, [
    [1, 0.75],
    [2, 0.17],
    [rnd.int(3, 5), 0.08],
  ]);
}

/** The usual payment outcome of an order paid with `instrument`. */
export function usualOutcome(rnd: Random, instrument: Instrument): PaymentOutcome {
  if (instrument.method === 'cod') return { kind: 'on_delivery' };
  const declineRate = instrument.method === 'card' ? 0.035 : 0.01;
  if (rnd.chance(0.025)) return { kind: 'abandoned', cancelAfterMs: rnd.int(15, 45) * MINUTE };
  if (rnd.chance(declineRate)) {
    const reason = rnd.pick(['insufficient_funds', 'do_not_honor', 'expired_card']);
    return { kind: 'declined', afterMs: rnd.int(5, 40) * 1000, reason, ...(rnd.chance(0.6) ? { thenPaidAfterMs: rnd.int(1, 6) * MINUTE } : {}) };
  }
  return { kind: 'paid', afterMs: rnd.int(5, 180) * 1000, status: instrument.method === 'card' ? 'authorized' : 'captured' };
}

/** Usual review behaviour: a fifth of buyers review, mostly kindly. */
export function usualReview(rnd: Random, category: Category): ReviewPlan | null {
  if (!rnd.chance(0.2)) return null;
  const rating = pickWeighted(rnd, [
    [5, 0.6],
    [4, 0.22],
    [3, 0.08],
    [2, 0.04],
    [1, 0.06],
  ]);
  return { afterMs: rnd.int(10, 720) * MINUTE, rating, text: reviewText(rnd, rating, category) };
}

export function reviewText(rnd: Random, rating: number, category: Category): string {
  const tone = rating >= 4 ? REVIEW_PHRASES.positive : rating === 3 ? REVIEW_PHRASES.neutral : REVIEW_PHRASES.negative;
  const parts = new Set<string>([rnd.pick(tone)]);
  if (rnd.chance(0.5)) parts.add(rnd.pick(tone));
  if (rating >= 4 && rnd.chance(0.35)) parts.add(`${CATEGORIES[category].noun}${rnd.pick(['很好用', '不错', '很满意', '物有所值'])}`);
  return [...parts].join('，');
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Every event of one order, timed: `order.placed`; then `order.paid`, or `order.payment_failed`
 * (perhaps followed by a successful retry), or a cancellation; later `order.completed` (receipt
 * confirmed) or a refund; and perhaps the buyer's review.
 */
export function orderLifecycle(rnd: Random, spec: OrderSpec): TimedEvent[] {
  const itemsTotal = spec.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
  const base = {
    schemaVersion: 1 as const,
    kind: 'order' as const,
    orderId: spec.orderId,
    merchantId: spec.merchantId,
    buyer: { id: spec.buyerId, ...(spec.accountCreatedAtMs !== undefined ? { accountCreatedAt: iso(spec.accountCreatedAtMs) } : {}) },
    amount: itemsTotal + spec.shipping.fee,
    currency: 'CNY',
    items: spec.items.map((i) => ({ ...i })),
    label: spec.label,
  };
  const payment = {
    method: spec.instrument.method,
    ...(spec.instrument.id !== undefined ? { instrumentId: spec.instrument.id } : {}),
    ...(spec.instrument.billingCountry !== undefined ? { billingCountry: spec.instrument.billingCountry } : {}),
    ...(spec.instrument.issuerCountry !== undefined ? { issuerCountry: spec.instrument.issuerCountry } : {}),
  };
  const device = { ...spec.device };
  const shipping = { ...spec.shipping };
  const out: TimedEvent[] = [];
  const emit = (suffix: string, type: OrderEvent['type'], atMs: number, extra: Partial<OrderEvent> = {}) =>
    out.push({ atMs, event: { ...base, eventId: `e-${spec.orderId.slice(2)}-${suffix}`, type, occurredAt: iso(atMs), ...extra } as OrderEvent });

  emit('p', 'order.placed', spec.placedAtMs, { payment, device, shipping });
  const outcome = spec.outcome ?? usualOutcome(rnd, spec.instrument);
  let paidAtMs: number | undefined;
  switch (outcome.kind) {
    case 'paid':
      paidAtMs = spec.placedAtMs + outcome.afterMs;
      emit('y', 'order.paid', paidAtMs, { payment: { ...payment, status: outcome.status }, device, shipping });
      break;
    case 'declined': {
      const failedAt = spec.placedAtMs + outcome.afterMs;
      emit('f', 'order.payment_failed', failedAt, { payment: { ...payment, status: 'declined', declineReason: outcome.reason }, device });
      if (outcome.thenPaidAfterMs !== undefined) {
        paidAtMs = failedAt + outcome.thenPaidAfterMs;
        emit('y', 'order.paid', paidAtMs, { payment: { ...payment, status: spec.instrument.method === 'card' ? 'authorized' : 'captured' }, device, shipping });
      } else {
        emit('x', 'order.cancelled', failedAt + rnd.int(20, 60) * MINUTE);
      }
      break;
    }
    case 'abandoned':
      emit('x', 'order.cancelled', spec.placedAtMs + outcome.cancelAfterMs);
      break;
    case 'on_delivery':
      paidAtMs = spec.placedAtMs;
      break;
  }
  if (paidAtMs === undefined) return out;

  const completeAfter = spec.completeAfterMs === undefined ? (rnd.chance(0.04) ? -1 : rnd.int(6 * 60, 40 * 60) * MINUTE) : spec.completeAfterMs;
  if (completeAfter === -1) {
    emit('r', 'order.refunded', paidAtMs + rnd.int(2, 30) * HOUR);
    return out;
  }
  if (completeAfter === null) return out;
  const completedAt = paidAtMs + completeAfter;
  emit('c', 'order.completed', completedAt);

  const first = spec.items[0]!;
  const review = spec.review === undefined ? usualReview(rnd, first.category) : spec.review;
  if (review) {
    const at = completedAt + review.afterMs;
    const reviewId = `r-${spec.orderId.slice(2)}`;
    const event: ReviewEvent = {
      schemaVersion: 1,
      kind: 'review',
      eventId: `e-${reviewId.slice(2)}-v`,
      type: 'review.posted',
      occurredAt: iso(at),
      reviewId,
      orderId: spec.orderId,
      buyerId: spec.buyerId,
      merchantId: spec.merchantId,
      skuId: first.skuId,
      rating: review.rating,
      text: review.text,
      device: { id: spec.device.id, ip: ipNear(rnd, spec.device.ip), ipCountry: spec.device.ipCountry },
      label: spec.reviewLabel ?? spec.label,
    };
    out.push({ atMs: at, event });
  }
  return out;
}

/** Another address in the same /16: the same connection, a day later. */
function ipNear(rnd: Random, ip: string): string {
  const [a, b] = ip.split('.');
  return `${a}.${b}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`;
}

export { Random };
