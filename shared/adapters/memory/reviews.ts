/**
 * In-memory order facts, review windows and review trust: the twins of the Redis ones (the same
 * contract suite runs against both). Event time is the only clock: windows are trimmed by the
 * scores they hold, as the Redis scripts trim them; key expiry (Redis PEXPIRE) has no twin here.
 */
import type { OrderFacts } from '../../domain/reviews/purchase';
import { sampledTrim } from '../../domain/sampledTrim';
import { combineTrust, type TrustFactorName } from '../../domain/reviews/trust';
import type {
  LinkedReview,
  OpenOrder,
  OrderFactsFeatures,
  OrderFactsResult,
  OrderFactsTtl,
  OrderFactsUpdate,
  ReviewPost,
  ReviewPostAnswer,
  ReviewTrust,
  ReviewTrustRecord,
  ReviewWindowParams,
  ReviewWindows,
  TrustUpdate,
} from '../../ports';

const SEP = '\u001f';
const HOUR_MS = 3_600_000;

/** A scored set as Redis keeps one: member -> score. */
class Scored {
  readonly scores = new Map<string, number>();
  /** ZADD (plain: the new score replaces), or GT (only a later score replaces). */
  add(member: string, score: number, onlyGreater = false): void {
    const old = this.scores.get(member);
    if (onlyGreater && old !== undefined && old >= score) return;
    this.scores.set(member, score);
  }
  trimBefore(min: number): string[] {
    const gone: string[] = [];
    for (const [m, s] of this.scores) if (s < min) gone.push(m);
    for (const m of gone) this.scores.delete(m);
    return gone;
  }
  /** Keeps the `cap` highest scores (ties: the lexicographically greatest members, as Redis ranks them). */
  trimToCap(cap: number): void {
    if (this.scores.size <= cap) return;
    for (const [m] of this.ranked().slice(0, this.scores.size - cap)) this.scores.delete(m);
  }
  /** Members scored in [min, max]. */
  countBetween(min: number, max: number): number {
    let n = 0;
    for (const s of this.scores.values()) if (s >= min && s <= max) n++;
    return n;
  }
  /** Ascending by score, then member (Redis order). */
  ranked(): [string, number][] {
    return [...this.scores].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

type Entry = { op: 'z'; key: string; member: string } | { op: 'h'; key: string; field: string } | { op: 'r'; key: string; buyerId: string; reviewId: string };

interface ReviewRecord {
  deleted: boolean;
  entries?: Entry[];
  suspicious?: boolean[];
}

export class MemoryReviewWindows implements ReviewWindows {
  private readonly sets = new Map<string, Scored>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly ringReviews = new Map<string, Map<string, string>>();
  private readonly records = new Map<string, ReviewRecord>();

  private set(key: string): Scored {
    let s = this.sets.get(key);
    if (!s) this.sets.set(key, (s = new Scored()));
    return s;
  }
  private hash<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let h = map.get(key);
    if (!h) map.set(key, (h = new Map()));
    return h;
  }

  async post(posts: readonly ReviewPost[], params: ReviewWindowParams): Promise<ReviewPostAnswer[]> {
    return posts.map((p) => this.postOne(p, params));
  }

  private postOne(p: ReviewPost, params: ReviewWindowParams): ReviewPostAnswer {
    const record = this.records.get(p.reviewId);
    if (record?.deleted) return { counted: false, bursts: [], rings: [], near: [] };
    const already = record?.entries !== undefined;
    const trim = sampledTrim(p.reviewId);
    const entries: Entry[] = [];
    const suspiciousFlags: boolean[] = [];
    // Windows reach both ways from the post's time; members are trimmed at two windows' age.
    const burstFrom = p.atMs - params.burstWindowMs;
    const burstTo = p.atMs + params.burstWindowMs;
    const hour = Math.floor(p.atMs / HOUR_MS);

    const bursts = p.bursts.map((b, i) => {
      const sk = `bw:${b.scope}:s`;
      const vk = `bw:${b.scope}:v`;
      let suspicious: boolean;
      if (already) suspicious = record!.suspicious![i]!;
      else {
        const seen = this.sets.get(vk)?.scores.get(p.buyerId);
        suspicious = p.suspicious || (seen !== undefined && seen >= burstFrom && seen <= burstTo);
        const dayKey = `bh:${b.scope}:${Math.floor(hour / 24)}`;
        const field = `${hour}${suspicious ? 's' : 'v'}`;
        if (suspicious) {
          const member = `${p.reviewId}${SEP}${p.buyerId}`;
          this.set(sk).add(member, p.atMs);
          entries.push({ op: 'z', key: sk, member });
        } else {
          this.set(vk).add(p.buyerId, p.atMs, true);
          entries.push({ op: 'z', key: vk, member: p.buyerId });
        }
        const h = this.hash(this.counts, dayKey);
        h.set(field, (h.get(field) ?? 0) + 1);
        entries.push({ op: 'h', key: dayKey, field });
        if (trim) {
          this.sets.get(sk)?.trimBefore(p.atMs - 2 * params.burstWindowMs);
          this.sets.get(vk)?.trimBefore(p.atMs - 2 * params.burstWindowMs);
        }
      }
      suspiciousFlags.push(suspicious);
      const s = this.sets.get(sk);
      const suspiciousCount = s?.countBetween(burstFrom, burstTo) ?? 0;
      const members =
        suspiciousCount >= params.burstEvidenceFrom
          ? s!
              .ranked()
              .filter(([, score]) => score >= burstFrom && score <= burstTo)
              .reverse()
              .slice(0, params.evidenceLimit)
              .map(([m]) => {
                const [reviewId, buyerId] = m.split(SEP) as [string, string];
                return { reviewId, buyerId };
              })
          : [];
      const history: { hour: number; suspicious: number; verified: number }[] = [];
      if (b.history) {
        for (let d = Math.floor(b.history.fromHour / 24); d <= Math.floor((b.history.toHour - 1) / 24); d++) {
          for (const [field, n] of this.counts.get(`bh:${b.scope}:${d}`) ?? []) {
            const c = parseHourField(field, n);
            if (c.hour >= b.history.fromHour && c.hour < b.history.toHour) history.push(c);
          }
        }
      }
      return { countedSuspicious: suspicious, suspicious: suspiciousCount, verified: this.sets.get(vk)?.countBetween(burstFrom, burstTo) ?? 0, members, history: mergeHours(history) };
    });

    const ringFrom = p.atMs - params.ringWindowMs;
    const ringTo = p.atMs + params.ringWindowMs;
    const rings = p.rings.map((ring) => {
      const rk = `ring:${ring}`;
      const reviews = this.hash(this.ringReviews, rk);
      if (!already) {
        this.set(rk).add(p.buyerId, p.atMs, true);
        reviews.set(p.buyerId, p.reviewId);
        entries.push({ op: 'r', key: rk, buyerId: p.buyerId, reviewId: p.reviewId });
        if (trim) for (const gone of this.set(rk).trimBefore(p.atMs - 2 * params.ringWindowMs)) reviews.delete(gone);
      }
      const s = this.sets.get(rk);
      const accounts = s?.countBetween(ringFrom, ringTo) ?? 0;
      const members =
        accounts >= params.ringEvidenceFrom
          ? s!
              .ranked()
              .filter(([, score]) => score >= ringFrom && score <= ringTo)
              .slice(0, params.evidenceLimit)
              .flatMap(([buyerId]) => {
                const reviewId = reviews.get(buyerId);
                return reviewId === undefined ? [] : [{ reviewId, buyerId }];
              })
          : [];
      return { accounts, members };
    });

    const self = `${p.reviewId}${SEP}${p.buyerId}${SEP}${p.merchantId}${SEP}${p.suspicious ? 's' : 'v'}`;
    const shared = new Map<string, number>();
    for (const band of p.bands) {
      const lk = `lsh:${band}`;
      if (p.nearDuplicates) for (const [m, score] of this.sets.get(lk)?.scores ?? []) if (score >= p.atMs - params.textTtlMs) shared.set(m, (shared.get(m) ?? 0) + 1);
      if (!already) {
        const bucket = this.set(lk);
        bucket.add(self, p.atMs);
        if (trim) bucket.trimBefore(p.atMs - params.textTtlMs);
        bucket.trimToCap(params.bucketCap);
        entries.push({ op: 'z', key: lk, member: self });
      }
    }
    const near = [...shared]
      .filter(([m, n]) => n >= params.minSharedBands && m !== self)
      .map(([m, sharedBands]) => {
        const [reviewId, buyerId, merchantId, flag] = m.split(SEP) as [string, string, string, string];
        return { reviewId, buyerId, merchantId, suspicious: flag === 's', sharedBands };
      });

    if (!already) this.records.set(p.reviewId, { deleted: false, entries, suspicious: suspiciousFlags });
    return { counted: true, bursts, rings, near };
  }

  async remove(reviewIds: readonly string[], _params: ReviewWindowParams): Promise<boolean[]> {
    return reviewIds.map((id) => {
      const record = this.records.get(id);
      const had = record?.entries !== undefined && !record.deleted;
      for (const e of had ? record!.entries! : []) {
        if (e.op === 'z') this.sets.get(e.key)?.scores.delete(e.member);
        else if (e.op === 'h') {
          const h = this.counts.get(e.key);
          if (h?.has(e.field)) h.set(e.field, h.get(e.field)! - 1);
        } else {
          this.sets.get(e.key)?.scores.delete(e.buyerId);
          const reviews = this.ringReviews.get(e.key);
          if (reviews?.get(e.buyerId) === e.reviewId) reviews.delete(e.buyerId);
        }
      }
      this.records.set(id, { deleted: true });
      return had;
    });
  }
}

export function parseHourField(field: string, n: number): { hour: number; suspicious: number; verified: number } {
  const hour = Number(field.slice(0, -1));
  return field.endsWith('s') ? { hour, suspicious: n, verified: 0 } : { hour, suspicious: 0, verified: n };
}

/** One entry per hour, sorted. */
export function mergeHours(counts: readonly { hour: number; suspicious: number; verified: number }[]) {
  const byHour = new Map<number, { hour: number; suspicious: number; verified: number }>();
  for (const c of counts) {
    const h = byHour.get(c.hour) ?? { hour: c.hour, suspicious: 0, verified: 0 };
    h.suspicious += c.suspicious;
    h.verified += c.verified;
    byHour.set(c.hour, h);
  }
  return [...byHour.values()].sort((a, b) => a.hour - b.hour);
}

interface FactsState {
  merchantId: string | null;
  buyerId: string | null;
  buyerCreatedAtMs: number | null;
  skuIds: string[];
  times: Partial<Record<OrderFactsUpdate['times'][number]['stage'], number>>;
  version: number;
  /** Reviews linked to the order; created with the first one (most orders never get a review). */
  links?: Map<string, LinkedReview>;
}

function factsOf(orderId: string, s: FactsState): OrderFacts | null {
  if (s.buyerId === null && Object.keys(s.times).length === 0) return null;
  return {
    orderId,
    merchantId: s.merchantId,
    buyerId: s.buyerId,
    buyerCreatedAtMs: s.buyerCreatedAtMs,
    skuIds: [...s.skuIds],
    placedAtMs: s.times.placed ?? null,
    paidAtMs: s.times.paid ?? null,
    completedAtMs: s.times.completed ?? null,
    cancelledAtMs: s.times.cancelled ?? null,
    refundedAtMs: s.times.refunded ?? null,
    version: s.version,
  };
}

export class MemoryOrderFacts implements OrderFactsFeatures {
  private readonly orders = new Map<string, FactsState>();
  private readonly open = new Map<string, Scored>();
  private readonly manipulated = new Map<string, number>();

  private state(orderId: string): FactsState {
    let s = this.orders.get(orderId);
    if (!s) this.orders.set(orderId, (s = { merchantId: null, buyerId: null, buyerCreatedAtMs: null, skuIds: [], times: {}, version: 0 }));
    return s;
  }

  async record(updates: readonly OrderFactsUpdate[], ttl: OrderFactsTtl): Promise<OrderFactsResult[]> {
    return updates.map((u) => {
      const s = this.state(u.orderId);
      let changed = false;
      if (s.buyerId === null) [s.buyerId, changed] = [u.buyerId, true];
      if (s.merchantId === null) [s.merchantId, changed] = [u.merchantId, true];
      if (s.buyerCreatedAtMs === null && u.buyerCreatedAtMs !== null) [s.buyerCreatedAtMs, changed] = [u.buyerCreatedAtMs, true];
      if (s.skuIds.length === 0 && u.skuIds.length > 0) [s.skuIds, changed] = [[...u.skuIds], true];
      for (const t of u.times) {
        const cur = s.times[t.stage];
        if (cur === undefined || t.atMs < cur) [s.times[t.stage], changed] = [t.atMs, true];
      }
      if (changed) s.version++;
      const manipulatedSkuIds: string[] = [];
      if (u.open) {
        for (const skuId of u.open.skuIds) {
          const set = this.open.get(skuId) ?? new Scored();
          this.open.set(skuId, set);
          set.add(`${u.buyerId}${SEP}${u.orderId}`, u.open.atMs);
          if (sampledTrim(u.orderId)) set.trimBefore(u.open.atMs - ttl.openTtlMs);
          const until = this.manipulated.get(skuId);
          if (until !== undefined && until >= u.open.atMs) manipulatedSkuIds.push(skuId);
        }
      }
      const linked = changed && s.links ? [...s.links.values()].map((l) => ({ ...l })).sort((a, b) => a.postedAtMs - b.postedAtMs || a.reviewId.localeCompare(b.reviewId)) : [];
      return { changed, facts: factsOf(u.orderId, s)!, linked, manipulatedSkuIds };
    });
  }

  async link(reviews: readonly (LinkedReview & { orderId: string })[], _ttl: OrderFactsTtl): Promise<(OrderFacts | null)[]> {
    return reviews.map((r) => {
      const s = this.state(r.orderId);
      (s.links ??= new Map()).set(r.reviewId, { ...r });
      return factsOf(r.orderId, s);
    });
  }

  async read(orderIds: readonly string[]): Promise<(OrderFacts | null)[]> {
    return orderIds.map((id) => {
      const s = this.orders.get(id);
      return s ? factsOf(id, s) : null;
    });
  }

  async markManipulated(marks: readonly { skuId: string; untilMs: number; sinceMs: number }[], limit: number, _ttlMs: number): Promise<OpenOrder[][]> {
    return marks.map((m) => {
      this.manipulated.set(m.skuId, Math.max(this.manipulated.get(m.skuId) ?? Number.NEGATIVE_INFINITY, m.untilMs));
      return (this.open.get(m.skuId)?.ranked() ?? [])
        .filter(([, at]) => at >= m.sinceMs)
        .reverse()
        .slice(0, limit)
        .map(([member, atMs]) => {
          const [buyerId, orderId] = member.split(SEP) as [string, string];
          return { buyerId, orderId, atMs };
        });
    });
  }
}

interface TrustState {
  record: ReviewTrustRecord;
}

export class MemoryReviewTrust implements ReviewTrust {
  private readonly reviews = new Map<string, TrustState>();

  async update(updates: readonly TrustUpdate[], _ttlMs: number): Promise<(number | null)[]> {
    return updates.map((u) => {
      let s = this.reviews.get(u.reviewId);
      if (!s) this.reviews.set(u.reviewId, (s = { record: { reviewId: u.reviewId, subject: null, trust: 1, deleted: false, factors: {} } }));
      const r = s.record;
      if (r.deleted) return null;
      if (r.subject === null && u.subject) r.subject = { ...u.subject };
      for (const f of u.factors) {
        const cur = r.factors[f.name];
        if (f.version !== undefined) {
          if (cur === undefined || cur.version === null || f.version >= cur.version) r.factors[f.name] = { value: f.value, reason: f.reason, version: f.version };
        } else if (cur === undefined || f.value < cur.value) {
          r.factors[f.name] = { value: f.value, reason: f.reason, version: null };
        }
      }
      r.trust = combineTrust(Object.values(r.factors).map((f) => f!.value));
      return r.trust;
    });
  }

  async markDeleted(reviewIds: readonly string[], _ttlMs: number): Promise<void> {
    for (const id of reviewIds) {
      const s = this.reviews.get(id) ?? { record: { reviewId: id, subject: null, trust: 0, deleted: true, factors: {} } };
      s.record.deleted = true;
      s.record.trust = 0;
      this.reviews.set(id, s);
    }
  }

  async read(reviewIds: readonly string[]): Promise<(ReviewTrustRecord | null)[]> {
    return reviewIds.map((id) => {
      const r = this.reviews.get(id)?.record;
      if (!r) return null;
      const factors: ReviewTrustRecord['factors'] = {};
      for (const [name, f] of Object.entries(r.factors) as [TrustFactorName, NonNullable<ReviewTrustRecord['factors'][TrustFactorName]>][]) factors[name] = { ...f };
      return { ...r, subject: r.subject ? { ...r.subject } : null, factors };
    });
  }
}

