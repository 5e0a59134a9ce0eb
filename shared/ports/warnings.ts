/**
 * Ports of the buyer-warnings capability: where warnings are kept, the buyer's live connections and
 * the push to them, the merchant standing and the open orders its own sources read. The
 * pipeline-facing port, `WarningOutbox`, is in ./index.ts with the others.
 */
import type { MerchantRestriction, StoredWarning } from '../domain/warnings/policy';

/** A position in a buyer's list (the last warning of a page). */
export interface WarningPageCursor {
  listKey: string;
  warningId: string;
}

export interface WarningPage {
  items: StoredWarning[];
  /** Where the next page starts; absent when the list is known to end here. */
  next?: WarningPageCursor;
}

/**
 * Storage of buyer warnings, one partition per buyer. Writes are conditional, so concurrent
 * consumers cannot store one warning twice nor exceed a rate limit; there are no transactions.
 */
export interface WarningStore {
  get(buyerId: string, warningId: string): Promise<StoredWarning | null>;
  /**
   * Stores the warning unless its id is held with an issue after `cutoffMs` (the de-duplication
   * window); an older one is replaced (renewed). True when stored.
   */
  putUnlessRecent(warning: StoredWarning, cutoffMs: number): Promise<boolean>;
  /** Counts one issue in the buyer's rate window starting at `windowStartMs`; false when it already holds `max`. */
  takeRate(buyerId: string, windowStartMs: number, max: number, expiresAtMs: number): Promise<boolean>;
  /** Listed warnings (not withdrawn, not expired at `nowMs`): unread first, each newest first. */
  page(buyerId: string, options: { limit: number; after?: WarningPageCursor; nowMs: number }): Promise<WarningPage>;
  countUnread(buyerId: string, nowMs: number): Promise<number>;
  /** Marks an unread warning read if it is still the issue `issuedAtMs`; the warning afterwards, or null if there is none. */
  markRead(buyerId: string, warningId: string, issuedAtMs: number, atIso: string): Promise<StoredWarning | null>;
  /** The buyer's warnings about an order, in any status. */
  aboutOrder(buyerId: string, orderId: string): Promise<StoredWarning[]>;
  /** Withdraws a warning not withdrawn yet; the warning afterwards, or null when there was nothing to change. */
  withdraw(buyerId: string, warningId: string, atIso: string): Promise<StoredWarning | null>;
}

/** An order whose warnings may have become moot. */
export interface WarningWithdrawal {
  buyerId: string;
  orderId: string;
  occurredAt: string;
  /** What happened to the order. */
  reason: 'order_cancelled';
}

/** Withdraws warnings that became moot (e.g. the order they are about was cancelled). */
export interface WarningWithdrawals {
  withdraw(withdrawals: readonly WarningWithdrawal[]): Promise<void>;
}

/** A stored warning changed in a way the buyer's open apps should hear about. */
export type WarningChange = { kind: 'issued' | 'read' | 'withdrawn'; warning: StoredWarning };

/** The buyer's side: the list and the acknowledgement. */
export interface BuyerWarnings {
  list(
    buyerId: string,
    options: { limit: number; cursor?: string; nowMs: number },
  ): Promise<{ items: StoredWarning[]; unread: number; nextCursor?: string }>;
  /** Marks read; the warning afterwards, or null when the buyer has no such warning to show. */
  acknowledge(buyerId: string, warningId: string, nowMs: number): Promise<StoredWarning | null>;
}

/** A buyer's open WebSocket connection (API Gateway connectionId). */
export interface BuyerConnection {
  buyerId: string;
  connectionId: string;
  connectedAtMs: number;
  /** API Gateway closes a connection after 2 hours at most; the record may go soon after. */
  expiresAtMs: number;
}

export interface WarningConnections {
  add(connection: BuyerConnection): Promise<void>;
  remove(buyerId: string, connectionId: string): Promise<void>;
  ofBuyer(buyerId: string): Promise<string[]>;
}

/** Sends a message down a connection (API Gateway's @connections API); 'gone' when it no longer exists. */
export interface ConnectionPusher {
  post(connectionId: string, message: string): Promise<'sent' | 'gone'>;
}

/** Merchants' standing on the penalty ladder and blacklist, for warning their buyers. */
export interface MerchantStanding {
  /** Merchants without a case are absent from the answer. */
  of(merchantIds: readonly string[]): Promise<Map<string, MerchantRestriction>>;
}


