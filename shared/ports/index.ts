/**
 * Ports: the small interfaces the application needs from the outside world, named for what they do.
 * Adapters (memory, Redis, DynamoDB, Kinesis) implement them; the domain never sees an adapter.
 */
import type { Thresholds } from '../domain/config/thresholds';
import type { BrushingWindow, ShopOrder } from '../domain/brushing/windows';
import type { Decision, QuarantinedRecord, Violation, WarningRequest } from '../domain/records';
import type { OrderFactsFeatures, ReviewTrust, ReviewWindows } from './reviews';

export interface OrderUpsert {
  shopId: string;
  orderId: string;
  buyerId: string;
  atMs: number;
}

export interface OrderUpsertResult {
  /** False when the store already held this order at the same or an earlier time. */
  changed: boolean;
  /** The order's time before this upsert moved it earlier, if it was known. */
  previousAtMs: number | null;
}

export interface OrdersQuery {
  shopId: string;
  fromMs: number;
  toMs: number;
}

export interface ShopSnapshot {
  /** The shop's version read before its orders: a write based on this snapshot must expect it. */
  version: number;
  /** Orders with atMs in the queried range, sorted by time. */
  orders: ShopOrder[];
}

export interface WindowsReplace {
  shopId: string;
  fromStartMs: number;
  toStartMs: number;
  /** The brushing windows that start in [fromStartMs, toStartMs], replacing those stored there. */
  windows: BrushingWindow[];
  expectVersion: number;
  /**
   * Windows that are new are remembered as pending, due at startMs + this, in the same atomic write:
   * a batch that fails after storing a window must not lose its confirmation.
   */
  pendingDueAfterMs: number;
}

export interface WindowsQuery {
  shopId: string;
  fromStartMs?: number;
  toStartMs?: number;
}

export interface PendingWindow {
  shopId: string;
  startMs: number;
  endMs: number;
  dueMs: number;
}

export type WindowsReplaceResult = { ok: true; added: BrushingWindow[] } | { ok: false };

/** Order-brushing features: each shop's orders (earliest time wins) and its brushing windows. */
export interface BrushingFeatures {
  /** Records orders, keeping each order's earliest time. One round trip for the whole batch. */
  upsertOrders(upserts: readonly OrderUpsert[]): Promise<OrderUpsertResult[]>;
  /** One round trip for all queries. */
  readOrders(queries: readonly OrdersQuery[]): Promise<ShopSnapshot[]>;
  /** Replaces windows per shop if the shop's version is still the expected one (new ones become pending). One round trip. */
  replaceWindows(replaces: readonly WindowsReplace[]): Promise<WindowsReplaceResult[]>;
  /** Stored brushing windows of each shop whose start lies in the range (default: all), sorted by start. */
  windows(queries: readonly WindowsQuery[]): Promise<BrushingWindow[][]>;
  /** Remembers brushing windows that must be confirmed once event time passes `dueMs`. */
  addPending(windows: readonly PendingWindow[]): Promise<void>;
  /** Pending windows due at or before the watermark, oldest first (they stay until cleared). */
  duePending(watermarkMs: number, limit: number): Promise<PendingWindow[]>;
  clearPending(windows: readonly PendingWindow[]): Promise<void>;
  /** Every shop that has, or had, a brushing window. */
  brushingShops(): Promise<string[]>;
}

/** Which events were already processed (the idempotency key is the domain eventId). */
export interface ProcessedEvents {
  /** The ids among `eventIds` not yet marked processed. */
  unprocessed(eventIds: readonly string[]): Promise<Set<string>>;
  markProcessed(eventIds: readonly string[]): Promise<void>;
}

/**
 * Windowed sorted sets, the primitive of velocity features: each set holds members scored by the
 * latest event time they were seen at. Counting events is a set of eventIds; counting distinct
 * values is a set of those values. Adding is idempotent, so redelivery changes no count.
 */
export interface SetProbe {
  key: string;
  member: string;
  /** Add `member` at the query's time (keeping its latest time) when the query records. */
  add: boolean;
  /** For each lower bound, how many members have a time >= it (after the add). */
  countSince: readonly number[];
  /** Overrides the query's ttlMs for this set (e.g. months of familiar devices, days of counts). */
  ttlMs?: number;
  /** Whether to report if the member was already in the set (costs a lookup). Default false. */
  checkKnown?: boolean;
  /**
   * Whether this add also drops members older than the TTL. Trimming is amortised: callers ask for
   * it on a share of adds (the key's TTL still bounds an idle set). Default true.
   */
  trim?: boolean;
}

export interface SetQuery {
  atMs: number;
  /** False: read only (a candidate order at checkout, a placed order without payment outcome). */
  record: boolean;
  probes: readonly SetProbe[];
  /** Sets expire this long after their last write; members older than it are trimmed. */
  ttlMs: number;
}

export interface SetAnswer {
  /** Per probe: whether the member was in the set before this query (false unless checkKnown), and the counts. */
  probes: { known: boolean; counts: number[] }[];
}

export interface WindowedSets {
  /** One round trip for all queries, applied in order (a later query sees an earlier one's adds). */
  run(queries: readonly SetQuery[]): Promise<SetAnswer[]>;
}

/**
 * Price histograms: per key (a SKU or category, per day) how many units sold at each unit price.
 * An observation id is counted once, so redelivery changes nothing.
 */
export interface PriceObservation {
  key: string;
  observationId: string;
  unitPrice: number;
  units: number;
  ttlMs: number;
}

export interface PriceHistograms {
  /** Records observations; one round trip. */
  add(observations: readonly PriceObservation[]): Promise<void>;
  /** Reads histograms (unit price -> units); one round trip. Missing keys read as empty. */
  read(keys: readonly string[]): Promise<ReadonlyMap<number, number>[]>;
}

export interface FeatureStore {
  readonly name: string;
  readonly brushing: BrushingFeatures;
  readonly processed: ProcessedEvents;
  readonly sets: WindowedSets;
  readonly prices: PriceHistograms;
  /** Order facts by orderId (the review stream's join), open orders by SKU. */
  readonly orderFacts: OrderFactsFeatures;
  /** The review stream's windows: bursts, rings, near-duplicate texts. */
  readonly reviews: ReviewWindows;
  /** Trust weight per review, re-judged by both streams. */
  readonly reviewTrust: ReviewTrust;
  close(): Promise<void>;
}

export interface ViolationLedger {
  /** Records violations idempotently by violationId; returns those that were new. */
  record(violations: readonly Violation[]): Promise<Violation[]>;
}

export interface DecisionLog {
  /** Appends decisions; a decision for an eventId already logged is ignored. */
  append(decisions: readonly Decision[]): Promise<void>;
}

export interface Quarantine {
  put(records: readonly QuarantinedRecord[]): Promise<void>;
}

export interface ConfigSource {
  current(): Promise<Thresholds>;
}

/** Where detectors' buyer-warning requests go (stored, de-duplicated, pushed by the warnings capability). */
export interface WarningOutbox {
  request(warnings: readonly WarningRequest[]): Promise<void>;
}

/** Where confirmed violations go to move merchants on the penalty ladder; idempotent by violationId. */
export interface PenaltyWorkflow {
  onViolations(violations: readonly Violation[]): Promise<void>;
}

export * from './penalties';
export * from './reviews';
export * from './config';
export * from './warnings';
export * from './reports';

/** Answers remembered by idempotency key (what a client's retried request gets back). */
export interface IdempotencyStore {
  get(key: string): Promise<{ fingerprint: string; response: string } | undefined>;
  /** Stores the answer unless the key already holds one; returns what the key holds afterwards. */
  putIfAbsent(key: string, value: { fingerprint: string; response: string }, ttlSeconds: number): Promise<{ fingerprint: string; response: string }>;
}
