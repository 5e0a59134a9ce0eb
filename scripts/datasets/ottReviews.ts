/**
 * npm run dataset:ott [-- --out <events.jsonl>]
 *
 * The Ott et al. deceptive opinion spam corpus (../shared/datasets/fake_reviews, see its README):
 * 1,600 hotel reviews, truthful or deceptive (written to order by paid writers), text only: no
 * accounts, no times, no orders. So only the text signal can be measured on it, and this reports
 * what it does: each review is indexed as the pipeline indexes it (MinHash LSH with the shipped
 * thresholds), and counted as flagged when it has a near-duplicate by another writer, or a cluster
 * of them at its hotel as the pipeline's rule requires. Precision and recall take "deceptive" as
 * positive.
 *
 * With --out, the reviews are also written in the event contract (one `review.posted` each, hotel as
 * shop and product, 5 stars for positive and 1 for negative, no order, `label.fraud` = deceptive), so
 * that `npm run replay` can run them. Exits 0 saying so when the data set is absent.
 */
import { createReadStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { defaultThresholds } from '../../shared/config';
import type { ReviewEvent } from '../../shared/contracts/events';
import { judgeNearDuplicates, textSignature, type NearDuplicateCandidate } from '../../shared/domain/reviews/text';
import { datasetPath } from '../paths';

export const OTT_CSV = 'fake_reviews/deceptive-opinion_ott_1600.csv.gz';

export interface OttReview {
  deceptive: boolean;
  hotel: string;
  polarity: 'positive' | 'negative';
  source: string;
  text: string;
}

/** RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

export async function readOtt(path: string): Promise<OttReview[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path).pipe(createGunzip())) chunks.push(chunk as Buffer);
  const [header, ...rows] = parseCsv(Buffer.concat(chunks).toString('utf8'));
  if (header?.join(',') !== 'deceptive,hotel,polarity,source,text') throw new Error(`unexpected header in ${path}: ${header?.join(',')}`);
  return rows
    .filter((r) => r.length === 5)
    .map(([deceptive, hotel, polarity, source, text]) => ({
      deceptive: deceptive === 'deceptive',
      hotel: hotel!,
      polarity: polarity === 'negative' ? 'negative' : 'positive',
      source: source!,
      text: text!,
    }));
}

export function ottToEvents(reviews: readonly OttReview[]): ReviewEvent[] {
  const start = Date.parse('2026-11-01T00:00:00Z');
  return reviews.map((r, n) => ({
    schemaVersion: 1,
    kind: 'review',
    eventId: `ott-${n}`,
    type: 'review.posted',
    occurredAt: new Date(start + n * 60_000).toISOString(),
    reviewId: `ott-r-${n}`,
    orderId: null,
    buyerId: `ott-writer-${n}`,
    merchantId: `hotel-${r.hotel}`,
    skuId: `hotel-${r.hotel}`,
    rating: r.polarity === 'positive' ? 5 : 1,
    text: r.text.slice(0, 5_000),
    label: { fraud: r.deceptive, scenario: r.deceptive ? `ott_deceptive_${r.polarity}` : `ott_truthful_${r.polarity}` },
  }));
}

function scores(flagged: readonly boolean[], truth: readonly boolean[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  flagged.forEach((f, n) => {
    if (f && truth[n]) tp++;
    else if (f) fp++;
    else if (truth[n]) fn++;
    else tn++;
  });
  const r = (x: number) => Number(x.toFixed(4));
  return { flagged: tp + fp, tp, fp, fn, tn, precision: tp + fp === 0 ? null : r(tp / (tp + fp)), recall: r(tp / Math.max(1, tp + fn)) };
}

/** The text signal on the corpus: LSH near-duplicates by another writer, and the pipeline's cluster rule. */
export function evaluateText(reviews: readonly OttReview[]) {
  const rules = defaultThresholds.rules.reviews.text;
  const signatures = reviews.map((r) => textSignature(r.text, rules));
  const buckets = new Map<string, number[]>();
  signatures.forEach((s, n) => {
    for (const band of s?.bands ?? []) buckets.set(band, [...(buckets.get(band) ?? []), n]);
  });
  const candidates = signatures.map((s, n) => {
    const shared = new Map<number, number>();
    for (const band of s?.bands ?? []) for (const m of buckets.get(band)!) if (m !== n) shared.set(m, (shared.get(m) ?? 0) + 1);
    return [...shared].map(([m, sharedBands]): NearDuplicateCandidate => ({ reviewId: `r${m}`, buyerId: `w${m}`, merchantId: reviews[m]!.hotel, suspicious: true, sharedBands }));
  });
  const truth = reviews.map((r) => r.deceptive);
  const anyNear = candidates.map((c) => c.some((x) => x.sharedBands >= rules.minSharedBands));
  // As the pipeline judges an unverified review (every Ott review names no order): a cluster at its hotel.
  const cluster = candidates.map((c, n) => judgeNearDuplicates({ reviewId: `r${n}`, buyerId: `w${n}`, merchantId: reviews[n]!.hotel, suspicious: true }, c, rules) !== null);
  const sharingAnyBand = candidates.filter((c) => c.length > 0).length;
  return {
    reviews: reviews.length,
    deceptive: truth.filter(Boolean).length,
    indexed: signatures.filter((s) => s !== null).length,
    sharingAnyBand,
    nearDuplicateByAnotherWriter: scores(anyNear, truth),
    clusterRule: scores(cluster, truth),
    params: { bands: rules.bands, rowsPerBand: rules.rowsPerBand, otherShingle: rules.otherShingle, minSharedBands: rules.minSharedBands, minAccounts: rules.minAccounts },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run dataset:ott [-- --out <events.jsonl>]');
    return;
  }
  const csv = datasetPath(OTT_CSV);
  if (!existsSync(csv)) {
    console.error(`dataset:ott: skipped, the Ott corpus is absent (${csv}; see ../shared/datasets/README.md)`);
    return;
  }
  const reviews = await readOtt(csv);
  console.log(JSON.stringify({ dataset: OTT_CSV, textSignal: evaluateText(reviews) }, null, 2));
  if (values.out) {
    await writeFile(values.out, ottToEvents(reviews).map((e) => JSON.stringify(e)).join('\n') + '\n');
    console.error(`dataset:ott: ${reviews.length} review.posted events -> ${values.out}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`dataset:ott failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
