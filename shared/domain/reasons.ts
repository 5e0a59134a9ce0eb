/**
 * The catalogue of stable reason codes. A code never changes meaning once shipped; analysts,
 * dashboards and suppressions key on it. Each code has a sentence for people beside it.
 */
export const REASONS = {
  ORDER_BRUSHING_WINDOW: 'The order lies in a window where the shop took at least the configured number of orders per distinct buyer.',
  ORDER_BRUSHING_REPEAT_BUYER: 'The buyer placed at least the configured orders-per-buyer rate in a brushing window of this shop.',
  CARD_TESTING_CASHOUT: 'A large authorization followed a run of small declines on the same instrument or device.',
  CARD_TESTING_PROBES: 'One of many small declines on the same instrument or device within an hour.',
  BOT_SIGNUP: 'The account was created seconds before it paid, as sign-up bots do.',
  NEW_ACCOUNT_HIGH_VALUE: 'A high-value order from a very new account.',
  DEVICE_SHARED_BY_ACCOUNTS: 'Many buyer accounts used this device recently.',
  INSTRUMENT_SHARED_BY_ACCOUNTS: 'Many buyer accounts paid with this instrument recently.',
  INSTRUMENT_CYCLING: 'Many different payment instruments were tried from this device or account within a day, as when cycling through stolen cards.',
  COUNTRY_MISMATCH: 'The IP, billing, issuer and shipping countries disagree.',
  ACCOUNT_TAKEOVER_PATTERN: 'An established account paying from a new device, instrument, address or country at once.',
  PRICE_GOUGING: 'The unit price exceeds the usual price of this item by more than the allowed ratio.',
  REVIEW_NOT_VERIFIED: 'The review is not tied to a purchase: it names no order.',
  REVIEW_ORDER_PENDING: 'The review names an order the order stream has not reported yet; it is judged again when the order arrives.',
  REVIEW_ORDER_MISMATCH: 'The review names an order of another buyer, shop or product.',
  REVIEW_ORDER_UNPAID: 'The order the review names was never paid.',
  REVIEW_ORDER_CANCELLED: 'A high rating on an order that was cancelled.',
  REVIEW_ORDER_REFUNDED: 'A high rating on an order that was refunded.',
  REVIEW_ORDER_BRUSHING: 'The order the review names lies in an order-brushing window of its shop.',
  REVIEW_TOO_SOON: 'The review came sooner after payment or receipt than a buyer could judge the goods.',
  REVIEW_BURST: 'Part of a burst of high ratings on the product or shop, far above its own usual rate and not from verified, paid, distinct buyers.',
  REVIEW_RING_DEVICE: 'Several accounts reviewed this product from the same device.',
  REVIEW_RING_NETWORK: 'Several accounts reviewed this product from the same network.',
  REVIEW_RING_ACCOUNTS_CREATED_TOGETHER: 'Several accounts reviewing this product were created at about the same time.',
  REVIEW_NEAR_DUPLICATE_TEXT: 'The text nearly duplicates reviews by other accounts at this shop, not from verified purchases.',
  DEGRADED_FAIL_CLOSED: 'The risk score answered without some of its features and the fail-closed policy raised the decision.',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASONS;
