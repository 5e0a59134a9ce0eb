/**
 * Turning one raw stream record into a typed event, or into a poison verdict with a reason that names
 * the field. Never throws: poison is data, not an exception.
 */
import type { z } from 'zod';
import { MAX_RECORD_BYTES, OrderEventSchema, ReviewEventSchema, StreamEventSchema, type StreamEvent } from './events';

export type Decoded<E extends StreamEvent = StreamEvent> =
  | { ok: true; event: E; occurredAtMs: number }
  | { ok: false; reason: string };

const MAX_ISSUES_IN_REASON = 5;

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => {
    const path = issue.path.map(String).join('.');
    // zod's default for a missing field is "Invalid input: expected string, received undefined".
    const message = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is required' : issue.message;
    return path ? `${path}: ${message}` : message;
  });
  const more = issues.length > MAX_ISSUES_IN_REASON ? ` (+${issues.length - MAX_ISSUES_IN_REASON} more)` : '';
  return parts.join('; ') + more;
}

export function decodeEvent(raw: string | Uint8Array, expectKind?: StreamEvent['kind']): Decoded {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (bytes > MAX_RECORD_BYTES) {
    return { ok: false, reason: `record is ${bytes} bytes, over the ${MAX_RECORD_BYTES}-byte limit` };
  }
  const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'record must be a JSON object' };
  }
  const kind = (json as { kind?: unknown }).kind;
  if (expectKind !== undefined && (kind === 'order' || kind === 'review') && kind !== expectKind) {
    return { ok: false, reason: `kind: '${kind}' record on the ${expectKind}s stream` };
  }
  // Validating against the one schema the kind names is cheaper than trying the union.
  const schema = kind === 'order' ? OrderEventSchema : kind === 'review' ? ReviewEventSchema : StreamEventSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: formatIssues(parsed.error.issues) };
  const event = parsed.data;
  const occurredAtMs = Date.parse(event.occurredAt);
  if (!Number.isFinite(occurredAtMs)) return { ok: false, reason: 'occurredAt: not a real instant' };
  return { ok: true, event, occurredAtMs };
}
