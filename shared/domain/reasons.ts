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
  COUNTRY_MISMATCH: 'The IP, billing, issuer and shipping countries disagree.',
  ACCOUNT_TAKEOVER_PATTERN: 'An established account paying from a new device, instrument, address or country at once.',
  PRICE_GOUGING: 'The unit price exceeds the usual price of this item by more than the allowed ratio.',
  DEGRADED_FAIL_CLOSED: 'The risk score answered without some of its features and the fail-closed policy raised the decision.',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASONS;
