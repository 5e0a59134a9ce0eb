/**
 * Amortised trimming, shared by the review windows (memory and Redis) and the payment velocity sets,
 * so that every adapter keeps the same members: old members are dropped on about one write in
 * TRIM_EVERY, chosen by the id written (a replay trims alike). Counts read explicit time ranges, so
 * trimming only bounds memory.
 */
export const TRIM_EVERY = 8;

export function sampledTrim(id: string): boolean {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return (h & (TRIM_EVERY - 1)) === 0;
}
