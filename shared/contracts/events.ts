/**
 * The wire format of the order and review streams (`../shared/contracts/events.md`), as zod schemas.
 * These schemas are the single source of truth: the TypeScript types below are inferred from them.
 */
import { z } from 'zod';

/** A record larger than this (UTF-8 bytes) is poison, whatever it holds. */
export const MAX_RECORD_BYTES = 64 * 1024;
export const MAX_REVIEW_TEXT_CHARS = 5_000;

const id = z.string().min(1, 'must be a non-empty string');
/** ISO 8601 with a zone (`Z` or `+08:00`); a local time without a zone is rejected. */
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or +hh:mm)' });
const minorUnits = z
  .number({ message: 'must be a number in minor units' })
  .int('must be an integer in minor units')
  .nonnegative('must not be negative');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code');

export const DeviceSchema = z.object({
  id: id.optional(),
  ip: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }).optional(),
  ipCountry: countryCode.optional(),
});

export const LabelSchema = z.object({
  fraud: z.boolean(),
  scenario: z.string().optional(),
});

export const ORDER_EVENT_TYPES = [
  'order.placed',
  'order.payment_failed',
  'order.paid',
  'order.cancelled',
  'order.refunded',
  'order.completed',
] as const;

export const OrderItemSchema = z.object({
  skuId: id,
  category: z
    .string()
    .regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i, 'must be a dotted path such as health.masks')
    .optional(),
  quantity: z.number().int('must be an integer').positive('must be at least 1'),
  unitPrice: minorUnits,
});

export const PaymentSchema = z.object({
  method: z.enum(['card', 'wallet', 'bank_transfer', 'cod']),
  instrumentId: id.optional(),
  status: z.enum(['authorized', 'declined', 'captured']).optional(),
  declineReason: z.string().optional(),
  billingCountry: countryCode.optional(),
  issuerCountry: countryCode.optional(),
});

export const ShippingSchema = z.object({
  addressId: id.optional(),
  country: countryCode.optional(),
  fee: minorUnits.optional(),
});

const envelope = {
  schemaVersion: z.literal(1, { message: 'must be 1 (the only version this consumer reads)' }),
  eventId: id,
  occurredAt: instant,
  label: LabelSchema.optional(),
};

export const OrderEventSchema = z.object({
  ...envelope,
  kind: z.literal('order'),
  type: z.enum(ORDER_EVENT_TYPES, { message: `must be one of ${ORDER_EVENT_TYPES.join(', ')}` }),
  orderId: id,
  merchantId: id,
  buyer: z.object({ id, accountCreatedAt: instant.optional() }),
  amount: minorUnits,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  items: z.array(OrderItemSchema).optional(),
  payment: PaymentSchema.optional(),
  device: DeviceSchema.optional(),
  shipping: ShippingSchema.optional(),
});

export const REVIEW_EVENT_TYPES = ['review.posted', 'review.deleted'] as const;

export const ReviewEventSchema = z.object({
  ...envelope,
  kind: z.literal('review'),
  type: z.enum(REVIEW_EVENT_TYPES, { message: `must be one of ${REVIEW_EVENT_TYPES.join(', ')}` }),
  reviewId: id,
  orderId: id.nullable().optional(),
  buyerId: id,
  merchantId: id,
  skuId: id,
  rating: z.number().int('must be an integer from 1 to 5').min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5'),
  text: z.string().max(MAX_REVIEW_TEXT_CHARS, `must be at most ${MAX_REVIEW_TEXT_CHARS} characters`).optional(),
  device: DeviceSchema.optional(),
});

export const StreamEventSchema = z.discriminatedUnion('kind', [OrderEventSchema, ReviewEventSchema], {
  message: "must be 'order' or 'review'",
});

export type OrderEvent = z.infer<typeof OrderEventSchema>;
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;
export type StreamEvent = z.infer<typeof StreamEventSchema>;
export type OrderEventType = OrderEvent['type'];
export type Device = z.infer<typeof DeviceSchema>;

/** Order event types that get a risk decision (`replay.md`). */
export const DECIDED_ORDER_TYPES: ReadonlySet<OrderEventType> = new Set(['order.placed', 'order.paid', 'order.payment_failed']);
