/**
 * The marketplace simulator: a seeded population of shops and buyers trading with a daily rhythm
 * (Beijing time), honest surprises, and injected, labelled fraud (see scenarios.ts). Every event is
 * in the event contract (`shared/contracts/events.md`) with `label: { fraud, scenario }`, emitted in
 * event-time order, so the traffic can go to the streams, to `npm run replay`, or to an analyst.
 *
 * It also returns a scenario manifest: each injected scenario with its time range and the ids it
 * touched, and the emergency it declares, so a run can report what was caught and declare the
 * emergency to the detectors.
 */
import type { StreamEvent } from '../contracts/events';
import { ESSENTIAL_CATEGORIES, type Category } from './catalog';
import { EventQueue } from './eventQueue';
import { Random } from './random';
import { PLANNERS } from './scenarios';
import {
  DAY,
  HOUR,
  LOCAL_OFFSET,
  MINUTE,
  WeightedPicker,
  World,
  orderLifecycle,
  type Buyer,
  type Label,
  type Merchant,
  type OrderSpec,
  type Sku,
  type TimedEvent,
} from './world';

export interface MarketplaceOptions {
  seed: number;
  /** About this many events in total (scenarios included); the manifest says how many exactly. */
  events: number;
  /** Event-time span of the traffic. */
  minutes: number;
  /** Event time of the first moment of the run (ISO 8601). */
  startAt: string;
  /**
   * Days of thin order history before startAt: a few paid orders of every SKU at its usual price, as
   * a live platform has, so that price baselines exist when the run begins. 0 for none.
   */
  historyDays: number;
}

export const DEFAULT_MARKETPLACE: MarketplaceOptions = {
  seed: 7,
  events: 30_000,
  minutes: 2 * 24 * 60,
  // Midnight in Beijing, where the simulated shoppers live: the rhythm reads local hours.
  startAt: '2026-11-01T16:00:00.000Z',
  historyDays: 14,
};

export interface ScenarioInstance {
  /** e.g. `order_brushing#2` */
  id: string;
  /** The `label.scenario` of its events. */
  scenario: string;
  fraud: boolean;
  /** What happens, in one sentence with its numbers. */
  summary: string;
  startAt: string;
  endAt: string;
  merchantIds: string[];
  buyerIds: string[];
  skuIds: string[];
  deviceIds: string[];
  instrumentIds: string[];
  orderIds: string[];
  reviewIds: string[];
  /** The numbers that make it what it is (prices, counts, countries), for people and tests. */
  details: Record<string, string | number>;
  /** Events of this scenario in the traffic (within the run's span). */
  events: number;
}

/** The shape of an emergency in the thresholds document (rules.priceGouging.emergencies), plus a name. */
export interface Emergency {
  id: string;
  name: string;
  categories: string[];
  regions: string[];
  startAt: string;
}

export interface ScenarioManifest {
  seed: number;
  startAt: string;
  endAt: string;
  minutes: number;
  /** Filled in once the traffic has been generated (history included). */
  events: number;
  /** The thin history before startAt: its first day, and its events (all `order.paid`, ordinary). */
  history: { from: string; events: number };
  orders: number;
  reviews: number;
  merchants: number;
  buyers: number;
  skus: number;
  /** The baseline unit price per category (minor units), what "usual" means for price checks. */
  baselinePrices: Record<string, number>;
  emergency: Emergency | null;
  scenarios: ScenarioInstance[];
}

/** Relative order rate per hour of the day, Beijing time: quiet at night, busy at lunch and in the evening. */
const HOURLY_RHYTHM = [0.5, 0.3, 0.18, 0.12, 0.1, 0.12, 0.2, 0.35, 0.6, 0.8, 0.95, 1.0, 1.1, 1.0, 0.9, 0.85, 0.85, 0.9, 0.95, 1.1, 1.35, 1.5, 1.4, 0.9];
const RHYTHM_MAX = Math.max(...HOURLY_RHYTHM);

export function rhythmAt(ms: number): number {
  return HOURLY_RHYTHM[new Date(ms + LOCAL_OFFSET).getUTCHours()]!;
}

/** The hour of the day in Beijing at `ms`. */
export function localHour(ms: number): number {
  return new Date(ms + LOCAL_OFFSET).getUTCHours();
}

interface PriceRegime {
  fromMs: number;
  factor: number;
  label: Label;
  instance: InstanceState;
}

interface InstanceState {
  info: ScenarioInstance;
  startMs: number;
  endMs: number;
  sets: Record<'merchantIds' | 'buyerIds' | 'skuIds' | 'deviceIds' | 'instrumentIds' | 'orderIds' | 'reviewIds', Set<string>>;
}

interface Queued {
  timed: TimedEvent;
  instance: InstanceState | null;
}

/** What a scenario planner gets: the world, the clock range, and ways to add traffic. */
export interface PlanContext {
  readonly world: World;
  readonly rnd: Random;
  readonly startMs: number;
  readonly endMs: number;
  readonly emergency: (Emergency & { startMs: number }) | null;
  /** Schedules an order that belongs to no scenario (a victim's own history, say). */
  ordinary(spec: OrderSpec): void;
  /** A time in [startMs + from × span, startMs + to × span]. */
  at(from: number, to: number): number;
  /** Opens a scenario instance; `touch` records ids it affects. */
  open(scenario: string, fraud: boolean, summary: string): ScenarioHandle;
  /** A shop no other scenario uses, preferring ones the filter accepts. */
  reserveMerchant(filter?: (m: Merchant) => boolean, rank?: 'popular' | 'small' | 'any'): Merchant;
  /** A shop the filter accepts that no scenario owns (a victim or bystander of fraud), if any. */
  bystander(filter: (m: Merchant) => boolean): Merchant | undefined;
  /** An established buyer no other scenario uses. */
  reserveBuyer(): Buyer;
  /** Distinct established buyers for an honest crowd (not reserved). */
  crowd(n: number): Buyer[];
  /** From `fromMs`, ordinary orders of `sku` are priced × factor and carry the label. */
  priceRegime(sku: Sku, fromMs: number, factor: number, label: Label, scenario: ScenarioHandle): void;
}

export interface ScenarioHandle {
  readonly id: string;
  touch(kind: 'merchantIds' | 'buyerIds' | 'skuIds' | 'deviceIds' | 'instrumentIds', ...ids: (string | undefined)[]): void;
  /** Adds an order's whole lifecycle; its events carry `spec.label`. */
  order(spec: OrderSpec): void;
  /** Adds one event (a review not tied to an order, say). */
  event(timed: TimedEvent): void;
  setSummary(summary: string, details?: Record<string, string | number>): void;
}

export class Marketplace {
  readonly options: MarketplaceOptions;
  readonly world: World;
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly historyFromMs: number;
  private readonly queue = new EventQueue<Queued>();
  private readonly instances: InstanceState[] = [];
  private readonly regimes = new Map<string, PriceRegime[]>();
  private readonly reservedMerchants = new Set<string>();
  private readonly reservedBuyers = new Set<string>();
  private readonly emergency: (Emergency & { startMs: number }) | null;
  private readonly baselineOrders: number;
  private readonly manifest_: ScenarioManifest;
  private generated = false;

  constructor(options: Partial<MarketplaceOptions> = {}) {
    const o = { ...DEFAULT_MARKETPLACE, ...options };
    if (!Number.isInteger(o.seed)) throw new Error('seed must be an integer');
    if (!(Number.isInteger(o.events) && o.events >= 200)) throw new Error('events must be an integer of at least 200');
    if (!(o.minutes >= 60)) throw new Error('minutes must be at least 60');
    if (!(Number.isInteger(o.historyDays) && o.historyDays >= 0)) throw new Error('historyDays must be a whole number of days, 0 or more');
    this.options = o;
    this.startMs = Date.parse(o.startAt);
    if (!Number.isFinite(this.startMs)) throw new Error(`startAt is not a time: ${o.startAt}`);
    this.endMs = this.startMs + Math.round(o.minutes * MINUTE);
    this.historyFromMs = this.startMs - o.historyDays * DAY;

    const rnd = new Random(o.seed);
    this.world = new World(o.seed, rnd, {
      seed: o.seed,
      startMs: this.startMs,
      merchants: clamp(Math.round(o.events / 100), 40, 3_000),
      buyers: clamp(Math.round(o.events / 3), 300, 300_000),
    });

    // The emergency is declared two fifths into the run, on the hour.
    const declaredMs = Math.ceil((this.startMs + 0.4 * (this.endMs - this.startMs)) / HOUR) * HOUR;
    this.emergency = {
      id: `sim-typhoon-${new Date(declaredMs).toISOString().slice(0, 10)}`,
      name: 'Typhoon emergency: essential goods under price supervision',
      categories: [...ESSENTIAL_CATEGORIES],
      regions: ['CN'],
      startAt: new Date(declaredMs).toISOString(),
      startMs: declaredMs,
    };

    // Fraud and honest surprises scale with the traffic: one instance each per 12,000 events, and at least one.
    const perScenario = clamp(Math.floor(o.events / 12_000) + 1, 1, 10);
    const context = this.planContext(rnd);
    for (const planner of PLANNERS) for (let i = 0; i < perScenario; i++) planner(context, i);
    this.planHistory(rnd);

    const scheduled = this.queue.size;
    this.baselineOrders = Math.max(0, Math.round((o.events - scheduled) / this.expectedEventsPerOrder(new Random(o.seed ^ 0x5eed))));

    const baselinePrices = Object.fromEntries(
      [...new Set([...this.world.skus.values()].map((s) => s.category))].sort().map((c) => [c, median([...this.world.skus.values()].filter((s) => s.category === c).map((s) => s.price))]),
    );
    const { startMs: _declared, ...emergency } = this.emergency;
    this.manifest_ = {
      seed: o.seed,
      startAt: new Date(this.startMs).toISOString(),
      endAt: new Date(this.endMs).toISOString(),
      minutes: o.minutes,
      events: 0,
      history: { from: new Date(this.historyFromMs).toISOString(), events: 0 },
      orders: 0,
      reviews: 0,
      merchants: this.world.merchants.length,
      buyers: this.world.buyers.length,
      skus: this.world.skus.size,
      baselinePrices,
      emergency,
      scenarios: this.instances.map((i) => i.info),
    };
  }

  /** The plan: scenarios, time ranges, ids, the emergency. Counts and baseline-priced orders are final once `events()` is exhausted. */
  get manifest(): ScenarioManifest {
    return this.manifest_;
  }

  /** The traffic in event-time order (ties keep their scheduling order). Can be iterated once. */
  *events(): Generator<StreamEvent> {
    if (this.generated) throw new Error('the traffic of a Marketplace can be generated once');
    this.generated = true;
    const rnd = this.world.rnd;
    const span = this.endMs - this.startMs;
    const meanRhythm = averageRhythm(this.startMs, this.endMs);
    // Arrivals as a Poisson process thinned by the hour's rhythm.
    const peakRatePerMs = (this.baselineOrders / span) * (RHYTHM_MAX / meanRhythm);
    const essential = this.essentialSkus();
    const orderIds = new Set<string>();
    let t = this.startMs;
    const nextArrival = () => {
      if (peakRatePerMs <= 0) return Number.POSITIVE_INFINITY;
      for (;;) {
        t += Math.max(1, Math.round(rnd.exp(1 / peakRatePerMs)));
        if (t > this.endMs) return Number.POSITIVE_INFINITY;
        if (rnd.next() * RHYTHM_MAX < rhythmAt(t)) return t;
      }
    };

    let arrival = nextArrival();
    for (;;) {
      while (this.queue.peekTime() <= Math.min(arrival, this.endMs)) {
        const { timed, instance } = this.queue.pop()!;
        this.count(timed, instance, orderIds);
        yield timed.event;
      }
      if (arrival === Number.POSITIVE_INFINITY) break;
      this.baselineOrder(arrival, essential);
      arrival = nextArrival();
    }
    // What was scheduled after the end of the run is not part of it.
    this.manifest_.orders = orderIds.size;
    for (const i of this.instances) {
      i.info.startAt = new Date(i.startMs).toISOString();
      i.info.endAt = new Date(i.endMs).toISOString();
      for (const [key, set] of Object.entries(i.sets)) i.info[key as keyof InstanceState['sets']] = [...set].sort();
    }
  }

  private count(timed: TimedEvent, instance: InstanceState | null, orderIds: Set<string>): void {
    this.manifest_.events++;
    if (timed.atMs < this.startMs) this.manifest_.history.events++;
    const e = timed.event;
    if (e.kind === 'review') this.manifest_.reviews++;
    else orderIds.add(e.orderId);
    if (!instance || e.label?.scenario !== instance.info.scenario) return;
    instance.info.events++;
    instance.startMs = Math.min(instance.startMs, timed.atMs);
    instance.endMs = Math.max(instance.endMs, timed.atMs);
    if (e.kind === 'review') instance.sets.reviewIds.add(e.reviewId);
    else instance.sets.orderIds.add(e.orderId);
  }

  private baselineOrder(atMs: number, essential: WeightedPicker<Sku>): void {
    const world = this.world;
    const rnd = world.rnd;
    const buyer = world.buyerPicker.pick(rnd);
    // During the emergency people stock up on essentials, at the usual shops and prices.
    const surge = this.emergency !== null && atMs >= this.emergency.startMs && !essential.isEmpty && rnd.chance(0.2);
    const sku = surge ? essential.pick(rnd) : rnd.pick(world.merchantPicker.pick(rnd).skus);
    const spec = world.ordinaryOrder(buyer, sku, atMs, { fraud: false, scenario: 'ordinary' });
    // A shop's new price applies to every line of that SKU, and the order takes that scenario's label.
    let regime: PriceRegime | undefined;
    for (const item of spec.items) {
      const r = this.regimeAt(item.skuId, atMs);
      if (!r) continue;
      item.unitPrice = Math.round(world.skus.get(item.skuId)!.price * r.factor);
      regime ??= r;
    }
    if (regime) {
      spec.label = regime.label;
      spec.reviewLabel = { fraud: false, scenario: 'ordinary' };
      spec.shipping = { ...spec.shipping, fee: world.shippingFee(spec.merchantId, spec.items) };
    }
    this.schedule(orderLifecycle(rnd, spec), regime?.instance ?? null);
  }

  private regimeAt(skuId: string, atMs: number): PriceRegime | undefined {
    const list = this.regimes.get(skuId);
    if (!list) return undefined;
    let found: PriceRegime | undefined;
    for (const r of list) if (r.fromMs <= atMs) found = r;
    return found;
  }

  private essentialSkus(): WeightedPicker<Sku> {
    const essentials = new Set<Category>(ESSENTIAL_CATEGORIES);
    const skus = [...this.world.skus.values()].filter((s) => essentials.has(s.category));
    return new WeightedPicker(skus, (s) => this.world.merchantById.get(s.merchantId)!.weight);
  }

  private schedule(events: readonly TimedEvent[], instance: InstanceState | null): void {
    for (const timed of events) {
      if (timed.atMs > this.endMs || timed.atMs < this.historyFromMs) continue;
      this.queue.push(timed.atMs, { timed, instance });
    }
  }

  /**
   * Before the run, every SKU sold a little at its usual price: four paid orders of each essential
   * (enough for its own baseline), one of half the others (their categories' baselines).
   */
  private planHistory(rnd: Random): void {
    const span = this.startMs - this.historyFromMs;
    if (span <= 0) return;
    const essential = new Set<string>(ESSENTIAL_CATEGORIES);
    for (const sku of this.world.skus.values()) {
      const n = essential.has(sku.category) ? 4 : rnd.chance(0.5) ? 1 : 0;
      for (let k = 0; k < n; k++) {
        const at = this.historyFromMs + rnd.int(0, span - HOUR);
        const spec = this.world.ordinaryOrder(this.world.buyerPicker.pick(rnd), sku, at, { fraud: false, scenario: 'ordinary' });
        spec.items = [{ skuId: sku.id, category: sku.category, quantity: rnd.int(1, 3), unitPrice: sku.price }];
        spec.shipping = { ...spec.shipping, fee: this.world.shippingFee(sku.merchantId, spec.items) };
        spec.outcome = { kind: 'paid', afterMs: rnd.int(5, 120) * 1000, status: spec.instrument.method === 'card' ? 'authorized' : 'captured' };
        if (spec.instrument.method === 'cod') spec.instrument = { method: 'wallet', id: this.world.id('pi'), billingCountry: 'CN', issuerCountry: 'CN' };
        spec.completeAfterMs = null;
        spec.review = null;
        // Only the payment: what the price baselines are made of.
        this.schedule(orderLifecycle(rnd, spec).filter((e) => e.event.type === 'order.paid' && e.atMs < this.startMs), null);
      }
    }
  }

  /** Events an ordinary order yields within the run, on average (placed, paid, completed, reviewed...). */
  private expectedEventsPerOrder(rnd: Random): number {
    const samples = 2_000;
    const span = this.endMs - this.startMs;
    let total = 0;
    for (let n = 0; n < samples; n++) {
      let at: number;
      do at = this.startMs + rnd.next() * span;
      while (rnd.next() * RHYTHM_MAX >= rhythmAt(at));
      const method = rnd.next();
      const spec: OrderSpec = {
        orderId: 'o-sample',
        merchantId: 'm',
        buyerId: 'b',
        placedAtMs: at,
        items: [{ skuId: 's', category: 'grocery.snacks', quantity: 1, unitPrice: 100 }],
        instrument: { method: method < 0.6 ? 'wallet' : method < 0.92 ? 'card' : method < 0.97 ? 'bank_transfer' : 'cod', id: 'pi' },
        device: { id: 'd', ip: '1.1.1.1', ipCountry: 'CN' },
        shipping: { addressId: 'a', country: 'CN', fee: 0 },
        label: { fraud: false, scenario: 'ordinary' },
      };
      total += orderLifecycle(rnd, spec).filter((e) => e.atMs <= this.endMs).length;
    }
    return total / samples;
  }

  private planContext(rnd: Random): PlanContext {
    const world = this.world;
    const span = this.endMs - this.startMs;
    const established = () => world.buyers.filter((b) => !this.reservedBuyers.has(b.id) && b.createdAtMs < this.startMs - 60 * DAY);
    return {
      world,
      rnd,
      startMs: this.startMs,
      endMs: this.endMs,
      emergency: this.emergency,
      ordinary: (spec) => this.schedule(orderLifecycle(rnd, spec), null),
      at: (from, to) => Math.round(this.startMs + (from + rnd.next() * (to - from)) * span),
      open: (scenario, fraud, summary) => {
        const n = this.instances.filter((i) => i.info.scenario === scenario).length + 1;
        const state: InstanceState = {
          info: {
            id: `${scenario}#${n}`,
            scenario,
            fraud,
            summary,
            startAt: '',
            endAt: '',
            merchantIds: [],
            buyerIds: [],
            skuIds: [],
            deviceIds: [],
            instrumentIds: [],
            orderIds: [],
            reviewIds: [],
            details: {},
            events: 0,
          },
          startMs: Number.POSITIVE_INFINITY,
          endMs: Number.NEGATIVE_INFINITY,
          sets: {
            merchantIds: new Set(),
            buyerIds: new Set(),
            skuIds: new Set(),
            deviceIds: new Set(),
            instrumentIds: new Set(),
            orderIds: new Set(),
            reviewIds: new Set(),
          },
        };
        this.instances.push(state);
        return {
          id: state.info.id,
          touch: (kind, ...ids) => {
            for (const id of ids) if (id !== undefined) state.sets[kind].add(id);
          },
          order: (spec) => {
            if (spec.label.scenario !== scenario) throw new Error(`${state.info.id}: an order labelled ${spec.label.scenario} added to it`);
            state.sets.merchantIds.add(spec.merchantId);
            state.sets.buyerIds.add(spec.buyerId);
            for (const item of spec.items) state.sets.skuIds.add(item.skuId);
            state.sets.deviceIds.add(spec.device.id);
            if (spec.instrument.id) state.sets.instrumentIds.add(spec.instrument.id);
            this.schedule(orderLifecycle(rnd, spec), state);
          },
          event: (timed) => {
            this.schedule([timed], state);
          },
          setSummary: (summary, details = {}) => {
            state.info.summary = summary;
            state.info.details = details;
          },
        };
      },
      reserveMerchant: (filter = () => true, rank = 'any') => {
        // Top-up shops are platform services every card tester hits: no scenario owns one.
        const free = world.merchants.filter((m) => !this.reservedMerchants.has(m.id) && !m.skus.some((x) => x.category === 'digital.topup'));
        const ranked = rank === 'popular' ? free.slice(0, Math.max(5, Math.ceil(free.length * 0.2))) : rank === 'small' ? free.slice(Math.floor(free.length / 2)) : free;
        const candidates = ranked.filter(filter);
        const merchant = rnd.pick(candidates.length > 0 ? candidates : ranked.length > 0 ? ranked : free);
        if (merchant === undefined) throw new Error('the marketplace ran out of shops for its scenarios; raise --events');
        this.reservedMerchants.add(merchant.id);
        return merchant;
      },
      bystander: (filter) => {
        const free = world.merchants.filter((m) => !this.reservedMerchants.has(m.id) && filter(m));
        return free.length > 0 ? rnd.pick(free) : undefined;
      },
      reserveBuyer: () => {
        const pool = established();
        if (pool.length === 0) throw new Error('the marketplace ran out of established buyers for its scenarios; raise --events');
        const buyer = rnd.pick(pool);
        this.reservedBuyers.add(buyer.id);
        return buyer;
      },
      crowd: (n) => {
        const pool = established();
        const chosen = new Map<string, Buyer>();
        for (let guard = 0; chosen.size < Math.min(n, pool.length) && guard < n * 50; guard++) {
          const b = rnd.pick(pool);
          chosen.set(b.id, b);
        }
        return [...chosen.values()];
      },
      priceRegime: (sku, fromMs, factor, label, scenario) => {
        const state = this.instances.find((i) => i.info.id === scenario.id)!;
        state.sets.skuIds.add(sku.id);
        state.sets.merchantIds.add(sku.merchantId);
        const list = this.regimes.get(sku.id) ?? [];
        list.push({ fromMs, factor, label, instance: state });
        list.sort((a, b) => a.fromMs - b.fromMs);
        this.regimes.set(sku.id, list);
      },
    };
  }
}

/** Generates the whole run at once: the traffic in event-time order and the final manifest. */
export function simulateMarketplace(options: Partial<MarketplaceOptions> = {}): { manifest: ScenarioManifest; events: StreamEvent[] } {
  const market = new Marketplace(options);
  const events = [...market.events()];
  return { manifest: market.manifest, events };
}

function averageRhythm(fromMs: number, toMs: number): number {
  let sum = 0;
  let n = 0;
  for (let t = fromMs; t < toMs; t += 5 * MINUTE, n++) sum += rhythmAt(t);
  return n === 0 ? 1 : sum / n;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
