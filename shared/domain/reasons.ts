/**
 * The catalogue of stable reason codes. A code never changes meaning once shipped; analysts,
 * dashboards and suppressions key on it. Each code has a sentence for people beside it.
 */
export const REASONS = {
  ORDER_BRUSHING_WINDOW: 'The order lies in a window where the shop took at least the configured number of orders per distinct buyer.',
  ORDER_BRUSHING_REPEAT_BUYER: 'The buyer placed at least the configured orders-per-buyer rate in a brushing window of this shop.',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASONS;
