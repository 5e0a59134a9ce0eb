/**
 * The HTML report of an `npm start` run: one self-contained file (inline CSS and SVG drawn here, no
 * scripts, no fonts or libraries from the network) with the charts a person would rather look at than
 * read: the score distribution, detections over event time, and precision and recall per scenario,
 * then the tables behind them.
 */
import { writeFile } from 'node:fs/promises';
import type { Thresholds } from '../domain/config/thresholds';
import type { WarningRequest } from '../domain/records';
import { renderWarning } from '../domain/warnings/messages';
import type { LadderRow } from './ladder';
import type { ScenarioManifest } from '../sim/marketplace';
import type { EventSourceSettings } from '../resources';
import { formatDuration, type Scoreboard, type ScenarioRow } from './scoreboard';
import type { RunSummary } from './startRun';

export interface ReportData {
  summary: RunSummary;
  scoreboard: Scoreboard;
  manifest: ScenarioManifest;
  thresholds: Thresholds;
  featureStoreWhy: string;
  eventSource: EventSourceSettings;
  /** What the HTTP API answered during the run. */
  api: string[];
  warnings: readonly WarningRequest[];
  /** Where each merchant with a violation ended on the penalty ladder. */
  ladder?: readonly LadderRow[];
}

const COLORS = { honest: '#7a8ca3', fraud: '#c0392b', review: '#e6a23c', block: '#c0392b', violation: '#6c3483', orders: '#d5dce6', recall: '#16a085', precision: '#2e6da4', honestSpan: '#27ae60' };
const LOCAL_OFFSET_MS = 8 * 3_600_000;

export async function writeReport(path: string, data: ReportData): Promise<void> {
  await writeFile(path, renderReport(data));
}

export function renderReport(d: ReportData): string {
  const { summary: s, scoreboard: b, manifest: m } = d;
  const o = s.overall;
  const title = `Riskline run · seed ${s.seed} · ${fmt(s.events)} events`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f6f8fa}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}p.lead{color:#52606d;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:10px 12px}.card b{display:block;font-size:20px}.card span{color:#52606d;font-size:12px}
section{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 16px;margin-top:16px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:5px 8px;border-bottom:1px solid #eef0f2;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.honest td:first-child{color:#1e7d45}tr.fraud td:first-child{color:#a93226}
.muted{color:#6b7785;font-size:12px}code{background:#f1f3f5;padding:1px 4px;border-radius:3px}svg text{font:11px system-ui,sans-serif;fill:#3e4c59}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px;vertical-align:-1px}
</style></head><body><main>
<h1>${esc(title)}</h1>
<p class="lead">Simulated marketplace traffic through the real stream handlers on embedded AWS APIs (dynalite, kinesalite, the event-source-mapping emulator), scored against the simulator's labels. ${esc(d.featureStoreWhy)}.</p>
<div class="cards">
${card(fmt(s.events), `events in ${(s.pipelineMs / 1000).toFixed(1)} s (${fmt(s.eventsPerSecond)}/s)`)}
${card(`${fmt(s.decisions.review)} / ${fmt(s.decisions.block)}`, 'decisions: review / block')}
${card(String(Object.values(s.violations).reduce((a, n) => a + n, 0)), 'violations recorded')}
${card(String(s.warnings), 'buyer warnings')}
${card(ratio(o.precision), `order precision (fp ${o.fp})`)}
${card(ratio(o.recall), `order recall (fn ${o.fn})`)}
${card(`${fmt(s.lagMs.p50)} / ${fmt(s.lagMs.p95)} ms`, 'stream to handled, p50 / p95')}
</div>

<section><h2>What was caught</h2>
${scenarioTable(b)}
<p class="muted">Caught: instances detected by any flagged order (review or block), violation on the scenario's shop, or buyer warning. First detection: event time from the scenario's start to the watermark (latest event time) of the batch that first caught it, median over caught instances; a batch of ${d.eventSource.batchSize} records spanned a median of ${formatDuration(s.batchSpanMs)} of event time in this run (a live stream's batch spans about a second), so these are upper bounds within that. Precision: of the flags raised by the rules and violation types that caught this scenario, the share that fell on this fraud rather than on honest traffic. Recall: share of the scenario's orders flagged (for review rings, which have no orders: share of instances caught). Honest rows and ordinary traffic: everything they show is a false alarm.</p>
</section>

<section><h2>Precision and recall per scenario</h2>${precisionRecallChart(b.rows.filter((r) => r.fraud))}
<div class="legend"><span><i style="background:${COLORS.recall}"></i>recall</span><span><i style="background:${COLORS.precision}"></i>precision</span><span class="muted">no bar: nothing caught, so nothing to measure</span></div>
${falseAlarmList(b)}
</section>

<section><h2>Detections over event time</h2>${timelineChart(b, m)}
<div class="legend"><span><i style="background:${COLORS.orders}"></i>orders placed</span><span><i style="background:${COLORS.fraud}"></i>of which injected fraud</span><span><i style="background:${COLORS.review}"></i>review</span><span><i style="background:${COLORS.block}"></i>block</span><span><i style="background:${COLORS.violation}"></i>violation recorded</span><span><i style="background:${COLORS.fraud};opacity:.55"></i>fraud scenario</span><span><i style="background:${COLORS.honestSpan};opacity:.55"></i>honest surprise</span></div>
<p class="muted">Beijing time (UTC+8). The shoppers' daily rhythm shows in the grey bars; the dashed line is the declared emergency.</p></section>

<section><h2>Score distribution</h2>${scoreChart(b, d.thresholds)}
<div class="legend"><span><i style="background:${COLORS.honest}"></i>honest events</span><span><i style="background:${COLORS.fraud}"></i>fraud events</span><span class="muted">log scale; dashed: review at ${d.thresholds.scoring.reviewAt}, block at ${d.thresholds.scoring.blockAt}</span></div></section>

<section><h2>Every injected scenario</h2>${instanceTable(b)}</section>

<section><h2>Reason codes</h2>${reasonTable(b)}${sampleWarnings(d.warnings)}</section>

<section><h2>Penalty ladder</h2>${ladderTable(d.ladder ?? [])}</section>

<section><h2>The run</h2>
<table>
<tr><th>traffic</th><td>${fmt(m.events)} events (${fmt(m.orders)} orders, ${fmt(m.reviews)} reviews), ${fmt(m.merchants)} shops, ${fmt(m.buyers)} buyers, ${fmt(m.skus)} SKUs, ${esc(localTime(m.startAt))} to ${esc(localTime(m.endAt))}, seed ${s.seed}</td></tr>
<tr><th>emergency</th><td>${m.emergency ? `${esc(m.emergency.name)}: ${esc(m.emergency.categories.join(', '))} in ${esc(m.emergency.regions.join(', '))} from ${esc(localTime(m.emergency.startAt))} (<code>${esc(m.emergency.id)}</code>, declared to the price-gouging rules)` : 'none'}</td></tr>
<tr><th>thresholds</th><td><code>${esc(s.thresholdsVersion)}</code></td></tr>
<tr><th>event source mapping</th><td>batch ${d.eventSource.batchSize}, window ${d.eventSource.maxBatchingWindowMs} ms, ${d.eventSource.retryAttempts} retries, bisect on error ${d.eventSource.bisectBatchOnError ? 'on' : 'off'}, max record age ${d.eventSource.maxRecordAgeSeconds} s; ${s.quarantined} records quarantined, ${s.deadLettered} dead-lettered</td></tr>
<tr><th>HTTP API</th><td>${d.api.map(esc).join('<br>') || '—'}</td></tr>
<tr><th>wall clock</th><td>${(s.elapsedMs / 1000).toFixed(1)} s in all, ${(s.pipelineMs / 1000).toFixed(1)} s through the pipeline; stream to handled p50 ${fmt(s.lagMs.p50)} ms, p95 ${fmt(s.lagMs.p95)} ms, max ${fmt(s.lagMs.max)} ms</td></tr>
</table></section>
<p class="muted">Generated by <code>npm start</code>. Self-contained: no scripts, nothing loaded from the network.</p>
</main></body></html>
`;
}

function card(value: string, label: string): string {
  return `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
}

function scenarioTable(b: Scoreboard): string {
  const rows = b.rows.map((r) => {
    const median = r.detectionMs.length === 0 ? '—' : formatDuration(r.detectionMs[Math.floor((r.detectionMs.length - 1) / 2)]!);
    return `<tr class="${r.fraud ? 'fraud' : 'honest'}"><td>${esc(r.scenario)}</td><td class="n">${r.fraud ? `${r.caught}/${r.instances}` : r.caught === 0 ? 'none' : `${r.caught}/${r.instances} false`}</td><td class="n">${r.orders === 0 ? '—' : `${r.flagged}/${r.orders}`}</td><td class="n">${r.review}/${r.block}</td><td>${esc(violationText(r.violations))}</td><td class="n">${r.warnings || '—'}</td><td class="n">${r.fraud ? median : '—'}</td><td class="n">${r.fraud ? ratio(r.precision) : '—'}</td><td class="n">${r.fraud ? ratio(r.recall) : '—'}</td><td class="muted">${esc(r.detectedBy.join(', ') || '—')}</td></tr>`;
  });
  const o = b.ordinary;
  rows.push(`<tr class="honest"><td>ordinary traffic</td><td class="n">—</td><td class="n">${o.flagged}/${fmt(o.orders)}</td><td class="n">—</td><td>${esc(violationText(o.violations))}</td><td class="n">${o.warnings || '—'}</td><td class="n">—</td><td class="n">—</td><td class="n">—</td><td></td></tr>`);
  return `<table><tr><th>scenario</th><th>caught</th><th>orders flagged</th><th>review/block</th><th>violations</th><th>warnings</th><th>first detection</th><th>precision</th><th>recall</th><th>detected by</th></tr>${rows.join('')}</table>`;
}

function instanceTable(b: Scoreboard): string {
  const rows = b.instances.map((r) => {
    const i = r.instance;
    return `<tr class="${i.fraud ? 'fraud' : 'honest'}"><td>${esc(i.id)}</td><td>${esc(i.summary)}</td><td class="n">${esc(localTime(i.startAt).slice(5))}</td><td class="n">${r.orders === 0 ? '—' : `${r.flagged}/${r.orders}`}</td><td>${esc(violationText(countTypes(r.violations.map((v) => v.type))))}</td><td class="n">${r.warnings || '—'}</td><td class="n">${r.detectionMs === null ? '—' : formatDuration(r.detectionMs)}</td><td class="muted">${esc(r.detectedBy.join(', ') || '—')}</td></tr>`;
  });
  return `<table><tr><th>instance</th><th>what happens</th><th>starts</th><th>flagged</th><th>violations</th><th>warnings</th><th>detected after</th><th>by</th></tr>${rows.join('')}</table>`;
}

function reasonTable(b: Scoreboard): string {
  const entries = Object.entries(b.reasonCodes).sort((x, y) => y[1].fraud + y[1].honest - (x[1].fraud + x[1].honest));
  if (entries.length === 0) return '<p>No decision was flagged.</p>';
  const rows = entries.map(([code, c]) => `<tr><td><code>${esc(code)}</code></td><td class="n">${fmt(c.fraud)}</td><td class="n">${fmt(c.honest)}</td></tr>`);
  return `<table><tr><th>reason code on flagged decisions</th><th>on fraud events</th><th>on honest events</th></tr>${rows.join('')}</table>`;
}

function sampleWarnings(warnings: readonly WarningRequest[]): string {
  const byType = new Map<string, WarningRequest>();
  for (const w of warnings) if (!byType.has(w.type)) byType.set(w.type, w);
  if (byType.size === 0) return '';
  const rows = [...byType.values()].map((w) => {
    const text = renderWarning(w);
    return `<tr><td><code>${esc(w.type)}</code></td><td>${esc(text.zh)}<br>${esc(text.en)}</td></tr>`;
  });
  return `<h2>What buyers were told (one of each kind)</h2><table><tr><th>warning</th><th>message</th></tr>${rows.join('')}</table>`;
}

function falseAlarmList(b: Scoreboard): string {
  const honest = b.rows.filter((r) => !r.fraud);
  const items = honest.map((r) => {
    const parts = [r.orders > 0 ? `${r.flagged} of ${r.orders} orders flagged` : '', violationText(r.violations) !== '—' ? violationText(r.violations) : '', r.warnings ? `${r.warnings} warnings` : ''].filter(Boolean);
    return `<li><b>${esc(r.scenario)}</b>: ${esc(parts.join(', ') || 'no false alarm')}</li>`;
  });
  const o = b.ordinary;
  items.push(`<li><b>ordinary traffic</b>: ${o.flagged} of ${fmt(o.orders)} orders flagged${violationText(o.violations) !== '—' ? `, ${esc(violationText(o.violations))}` : ''}${o.warnings ? `, ${o.warnings} warnings` : ''}</li>`);
  return `<p class="muted" style="margin-bottom:2px">False alarms on honest traffic:</p><ul style="margin-top:2px">${items.join('')}</ul>`;
}

/** Horizontal bars: recall and precision for each fraud scenario. */
function precisionRecallChart(rows: readonly ScenarioRow[]): string {
  const label = 150;
  const barW = 520;
  const rowH = 38;
  const h = rows.length * rowH + 30;
  const x = (v: number) => label + v * barW;
  const parts: string[] = [];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${x(t)}" y1="8" x2="${x(t)}" y2="${h - 20}" stroke="#e5e8eb"/>`, `<text x="${x(t)}" y="${h - 6}" text-anchor="middle">${t}</text>`);
  }
  rows.forEach((r, i) => {
    const y = 10 + i * rowH;
    parts.push(`<text x="${label - 8}" y="${y + 19}" text-anchor="end">${esc(r.scenario)}</text>`);
    const bar = (value: number | null, dy: number, color: string, name: string) =>
      value === null
        ? `<text x="${x(0) + 4}" y="${y + dy + 10}" class="muted">${name}: —</text>`
        : `<rect x="${x(0)}" y="${y + dy}" width="${Math.max(1, value * barW)}" height="13" fill="${color}"><title>${esc(r.scenario)} ${name} ${value.toFixed(2)}</title></rect><text x="${x(value) + 4}" y="${y + dy + 10}">${value.toFixed(2)}</text>`;
    parts.push(bar(r.recall, 2, COLORS.recall, 'recall'), bar(r.precision, 17, COLORS.precision, 'precision'));
  });
  return svg(label + barW + 60, h, parts);
}

/** Orders per bucket (with the injected fraud), flagged decisions and violations below, scenario spans at the bottom. */
function timelineChart(b: Scoreboard, m: ScenarioManifest): string {
  const left = 50;
  const width = 980;
  const plotW = width - left - 30;
  const top1 = 10;
  const h1 = 120;
  const top2 = top1 + h1 + 28;
  const h2 = 90;
  const spansTop = top2 + h2 + 30;
  const spanRow = 7;
  const instances = m.scenarios;
  const height = spansTop + instances.length * spanRow + 30;
  const startMs = Date.parse(m.startAt);
  const endMs = Date.parse(m.endAt);
  const x = (ms: number) => left + ((ms - startMs) / (endMs - startMs)) * plotW;
  const bw = Math.max(1, plotW / b.timeline.length - 1);
  const maxOrders = Math.max(1, ...b.timeline.map((t) => t.orders));
  const maxFlags = Math.max(1, ...b.timeline.map((t) => t.review + t.block + t.violations));
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="${top1 - 1}">orders placed per ${formatDuration(b.timelineBucketMs)} (max ${maxOrders})</text>`);
  parts.push(`<text x="${left}" y="${top2 - 6}">flagged decisions and violations per ${formatDuration(b.timelineBucketMs)} (max ${maxFlags})</text>`);
  for (const t of b.timeline) {
    const bx = x(t.startMs);
    const oh = (t.orders / maxOrders) * h1;
    const fh = (t.fraudOrders / maxOrders) * h1;
    parts.push(`<rect x="${bx}" y="${top1 + h1 - oh}" width="${bw}" height="${oh}" fill="${COLORS.orders}"><title>${esc(localTime(new Date(t.startMs).toISOString()))}: ${t.orders} orders, ${t.fraudOrders} injected fraud</title></rect>`);
    if (fh > 0) parts.push(`<rect x="${bx}" y="${top1 + h1 - fh}" width="${bw}" height="${Math.max(1, fh)}" fill="${COLORS.fraud}"/>`);
    let y = top2 + h2;
    for (const [value, color, name] of [
      [t.block, COLORS.block, 'block'],
      [t.review, COLORS.review, 'review'],
      [t.violations, COLORS.violation, 'violations'],
    ] as const) {
      if (value === 0) continue;
      const vh = Math.max(1, (value / maxFlags) * h2);
      y -= vh;
      parts.push(`<rect x="${bx}" y="${y}" width="${bw}" height="${vh}" fill="${color}"><title>${esc(localTime(new Date(t.startMs).toISOString()))}: ${value} ${name}</title></rect>`);
    }
  }
  parts.push(`<line x1="${left}" y1="${top1 + h1}" x2="${left + plotW}" y2="${top1 + h1}" stroke="#9aa5b1"/>`, `<line x1="${left}" y1="${top2 + h2}" x2="${left + plotW}" y2="${top2 + h2}" stroke="#9aa5b1"/>`);
  // Day and six-hour ticks, local time.
  const firstTick = Math.ceil((startMs + LOCAL_OFFSET_MS) / (6 * 3_600_000)) * 6 * 3_600_000 - LOCAL_OFFSET_MS;
  for (let t = firstTick; t <= endMs; t += 6 * 3_600_000) {
    const label = localTime(new Date(t).toISOString());
    const midnight = label.slice(11, 16) === '00:00';
    parts.push(`<line x1="${x(t)}" y1="${top1}" x2="${x(t)}" y2="${spansTop + instances.length * spanRow}" stroke="${midnight ? '#c9d0d8' : '#eef0f2'}"/>`);
    parts.push(`<text x="${x(t)}" y="${height - 6}" text-anchor="middle">${esc(midnight ? label.slice(5, 10) : label.slice(11, 16))}</text>`);
  }
  if (m.emergency) {
    const ex = x(Date.parse(m.emergency.startAt));
    parts.push(`<line x1="${ex}" y1="${top1}" x2="${ex}" y2="${spansTop + instances.length * spanRow}" stroke="${COLORS.fraud}" stroke-dasharray="4 3"/><text x="${ex + 4}" y="${top1 + 10}" fill="${COLORS.fraud}">emergency declared</text>`);
  }
  parts.push(`<text x="${left}" y="${spansTop - 6}">scenarios (hover for details)</text>`);
  instances.forEach((i, n) => {
    const x0 = x(Date.parse(i.startAt));
    const x1 = Math.max(x0 + 2, x(Date.parse(i.endAt)));
    parts.push(`<rect x="${x0}" y="${spansTop + n * spanRow}" width="${x1 - x0}" height="${spanRow - 2}" fill="${i.fraud ? COLORS.fraud : COLORS.honestSpan}" opacity=".55"><title>${esc(i.id)}: ${esc(i.summary)}</title></rect>`);
  });
  return svg(width, height, parts);
}

/** Decided events by score, honest and fraud side by side, on a log scale. */
function scoreChart(b: Scoreboard, thresholds: Thresholds): string {
  const left = 50;
  const plotW = 860;
  const h = 200;
  const top = 10;
  const width = left + plotW + 20;
  const height = top + h + 40;
  const maxCount = Math.max(1, ...b.scores.honest, ...b.scores.fraud);
  const maxLog = Math.log10(maxCount + 1);
  const y = (count: number) => top + h - (Math.log10(count + 1) / maxLog) * h;
  const binW = plotW / 20;
  const parts: string[] = [];
  for (let p = 0; Math.pow(10, p) <= maxCount; p++) {
    const v = Math.pow(10, p);
    parts.push(`<line x1="${left}" y1="${y(v)}" x2="${left + plotW}" y2="${y(v)}" stroke="#eef0f2"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (let i = 0; i < 20; i++) {
    const x0 = left + i * binW;
    const range = i === 19 ? '95-100' : `${i * 5}-${i * 5 + 4}`;
    for (const [series, dx, color] of [
      ['honest', 2, COLORS.honest],
      ['fraud', binW / 2, COLORS.fraud],
    ] as const) {
      const count = b.scores[series][i]!;
      if (count === 0) continue;
      parts.push(`<rect x="${x0 + dx}" y="${y(count)}" width="${binW / 2 - 3}" height="${top + h - y(count)}" fill="${color}"><title>score ${range}: ${fmt(count)} ${series} events</title></rect>`);
    }
    if (i % 2 === 0) parts.push(`<text x="${x0}" y="${top + h + 14}" text-anchor="middle">${i * 5}</text>`);
  }
  parts.push(`<text x="${left + plotW}" y="${top + h + 14}" text-anchor="middle">100</text><text x="${left + plotW / 2}" y="${top + h + 32}" text-anchor="middle">score</text>`);
  for (const [at, name] of [
    [thresholds.scoring.reviewAt, 'review'],
    [thresholds.scoring.blockAt, 'block'],
  ] as const) {
    const tx = left + (at / 100) * plotW;
    parts.push(`<line x1="${tx}" y1="${top}" x2="${tx}" y2="${top + h}" stroke="${name === 'block' ? COLORS.block : COLORS.review}" stroke-dasharray="4 3"/><text x="${tx + 4}" y="${top + 10}">${name} ≥ ${at}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + h}" x2="${left + plotW}" y2="${top + h}" stroke="#9aa5b1"/>`);
  return svg(width, height, parts);
}

function svg(width: number, height: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" style="max-width:${width}px">${parts.join('')}</svg>`;
}

function violationText(counts: Record<string, number>): string {
  return Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ') || '—';
}

function countTypes(types: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of types) out[t] = (out[t] ?? 0) + 1;
  return out;
}

function localTime(iso: string): string {
  return new Date(Date.parse(iso) + LOCAL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function ratio(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function ladderTable(rows: readonly LadderRow[]): string {
  if (rows.length === 0) return '<p class="muted">No merchant had a violation.</p>';
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.merchantId)}</td><td class="n">${r.counted}</td><td class="n">${r.held}</td><td>${esc(r.steps.join(' → ') || '—')}</td><td>${esc(r.level)}</td><td>${r.blacklisted ? 'yes' : 'no'}</td><td>${esc(r.pendingApproval.join(', ') || '—')}</td></tr>`,
    )
    .join('');
  return `<p class="muted">Held violations wait for an analyst: the evidence does not yet tie the activity to the merchant (reverse-brushing guard). Severe steps wait for an approver.</p><table><tr><th>merchant</th><th>counted</th><th>held</th><th>steps taken</th><th>level</th><th>blacklisted</th><th>awaiting approval</th></tr>${body}</table>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
