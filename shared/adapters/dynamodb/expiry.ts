/** TTL values: DynamoDB expires items by an epoch-seconds attribute (see timeToLiveAttribute in resources.ts). */

export const DAY_SECONDS = 86_400;

/** Epoch seconds `days` after a time in epoch milliseconds, or undefined if the time is not finite. */
export function expiryAfter(atMs: number, days: number): number | undefined {
  return Number.isFinite(atMs) ? Math.floor(atMs / 1000) + Math.round(days * DAY_SECONDS) : undefined;
}

export function requirePositiveDays(name: string, days: number): number {
  if (!(Number.isFinite(days) && days > 0)) throw new RangeError(`${name} must be a positive number of days, got ${days}`);
  return days;
}
