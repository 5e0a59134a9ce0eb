/**
 * A small buyer page for the local runtime: a buyer's warnings, listed by the buyer API and arriving
 * live over the WebSocket API, and the buyer's reports (投诉与举报): a form to report a shop and the
 * outcome of each report. It is served by a local HTTP gateway of its own, together with the buyer
 * routes of both functions (so the page calls the API on its own origin) and, for local runs only, a
 * `GET /dev-token?buyer=<id>` that signs a development token (shared/http/buyerAuth.ts).
 *
 *   http://127.0.0.1:<port>/?buyer=<buyerId>
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { REPORT_CATEGORY_NAMES } from '../domain/reports/messages';
import { devBuyerToken } from '../http/buyerAuth';
import { HTTP_ROUTES } from '../http/routes';
import { startHttpGateway, type HttpHandler, type RunningGateway } from './httpGateway';

export interface BuyerPageDeps {
  /** The buyer-warnings function (functions/buyer-warnings), as the local HTTP API serves it. */
  buyerWarnings: HttpHandler;
  /** The reports function (functions/reports): its buyer routes are served beside the warnings'. */
  reports?: HttpHandler;
  /** Where the page's WebSocket connects (the local WebSocket gateway). */
  webSocketUrl: string;
  devSecret: string;
  port?: number;
}

export const BUYER_PAGE_FUNCTION = 'buyer-warnings';

export async function startBuyerPage(deps: BuyerPageDeps): Promise<RunningGateway> {
  const page = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: buyerPageHtml({ webSocketUrl: deps.webSocketUrl }),
  });
  const devToken = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const buyerId = event.queryStringParameters?.buyer ?? '';
    try {
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ buyerId, token: devBuyerToken(buyerId, deps.devSecret) }) };
    } catch (error) {
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'invalid_request', message: (error as Error).message }) };
    }
  };
  const warningRoutes = HTTP_ROUTES.filter((r) => r.functionId === BUYER_PAGE_FUNCTION);
  const reportRoutes = deps.reports ? HTTP_ROUTES.filter((r) => r.functionId === 'reports' && r.routeKey.includes(' /v1/buyers/')) : [];
  return startHttpGateway({
    routes: [...warningRoutes, ...reportRoutes, { routeKey: 'GET /', functionId: 'buyer-page' }, { routeKey: 'GET /dev-token', functionId: 'dev-token' }],
    handlers: { [BUYER_PAGE_FUNCTION]: deps.buyerWarnings, ...(deps.reports ? { reports: deps.reports } : {}), 'buyer-page': page, 'dev-token': devToken },
    ...(deps.port !== undefined ? { port: deps.port } : {}),
  });
}

/** The page: plain HTML and a script, no build step. Every text from the API goes in as textContent. */
export function buyerPageHtml(config: { webSocketUrl: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>风险提示 · Risk warnings</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f6f4; color: #1d1d1b; }
  header { background: #fff; border-bottom: 1px solid #ddd; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  h1 { font-size: 18px; margin: 0; }
  main { max-width: 760px; margin: 20px auto; padding: 0 16px; }
  #status { font-size: 13px; color: #666; }
  #status[data-state="live"] { color: #1a7f37; }
  .warning { background: #fff; border: 1px solid #ddd; border-left: 6px solid #d4a72c; border-radius: 6px; padding: 12px 14px; margin: 0 0 12px; }
  .warning[data-severity="critical"] { border-left-color: #cf222e; }
  .warning[data-severity="info"] { border-left-color: #0969da; }
  .warning[data-status="read"] { opacity: .6; }
  .warning .zh { font-size: 16px; margin: 0 0 4px; }
  .warning .en { color: #444; margin: 0 0 8px; }
  .warning .meta { font-size: 12px; color: #777; display: flex; gap: 12px; align-items: center; }
  .warning.fresh { animation: flash 1.2s ease-out; }
  @keyframes flash { from { background: #fff5c2; } to { background: #fff; } }
  #empty { color: #777; }
  #reports { margin-top: 28px; border-top: 1px solid #ddd; padding-top: 12px; }
  #reports h2 { font-size: 16px; margin: 0 0 8px; }
  #report-form { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 10px; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px; }
  #report-form textarea { grid-column: 1 / -1; min-height: 56px; font: inherit; }
  #report-form .actions { grid-column: 1 / -1; display: flex; gap: 10px; align-items: center; }
  #report-error { color: #cf222e; font-size: 13px; }
  .report { background: #fff; border: 1px solid #ddd; border-left: 6px solid #8c959f; border-radius: 6px; padding: 8px 12px; margin: 8px 0; font-size: 14px; }
  .report[data-status="upheld"] { border-left-color: #1a7f37; } .report[data-status="dismissed"] { border-left-color: #0969da; }
  .report p { margin: 2px 0; } .report .meta { font-size: 12px; color: #777; }
</style>
</head>
<body>
<header>
  <h1>风险提示 · Risk warnings</h1>
  <form id="who"><label>buyer <input id="buyer" name="buyer" size="16" autocomplete="off"></label> <button>show</button></form>
  <span id="status" data-state="idle">not connected</span>
  <span id="unread"></span>
</header>
<main>
  <p id="empty" hidden>没有风险提示 · No warnings.</p>
  <section id="warnings" aria-live="polite"></section>
  <section id="reports">
    <h2>投诉与举报 · Report a shop</h2>
    <form id="report-form">
      <label>店铺 · shop <input name="merchantId" required autocomplete="off"></label>
      <label>类型 · what <select name="category">
${(['price_gouging', 'fake_reviews', 'fake_orders', 'suspicious_payments'] as const)
  .map((value) => `        <option value="${value}">${REPORT_CATEGORY_NAMES[value].zh} · ${REPORT_CATEGORY_NAMES[value].en}</option>`)
  .join('\n')}
      </select></label>
      <label>订单 · order (optional) <input name="orderId" autocomplete="off"></label>
      <label>商品 · SKU (optional) <input name="skuId" autocomplete="off"></label>
      <textarea name="statement" required placeholder="发生了什么 · what happened"></textarea>
      <div class="actions"><button>举报 · report</button><span id="report-error" role="alert"></span></div>
    </form>
    <div id="my-reports"></div>
  </section>
</main>
<script>
const CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};
const params = new URLSearchParams(location.search);
const buyerId = params.get('buyer') || '';
const list = document.getElementById('warnings');
const statusEl = document.getElementById('status');
document.getElementById('buyer').value = buyerId;
let token = '';
const shown = new Map();

function setStatus(state, text) { statusEl.dataset.state = state; statusEl.textContent = text; }
function refreshCounts() {
  const unread = [...shown.values()].filter((w) => w.status === 'unread').length;
  document.getElementById('unread').textContent = shown.size ? unread + ' unread' : '';
  document.getElementById('empty').hidden = shown.size > 0;
}
function card(w, fresh) {
  const el = document.createElement('article');
  el.className = 'warning' + (fresh ? ' fresh' : '');
  el.dataset.warningId = w.warningId;
  el.dataset.type = w.type;
  el.dataset.severity = w.severity;
  el.dataset.status = w.status;
  const zh = document.createElement('p'); zh.className = 'zh'; zh.textContent = w.message.zh;
  const en = document.createElement('p'); en.className = 'en'; en.textContent = w.message.en;
  const meta = document.createElement('div'); meta.className = 'meta';
  const when = document.createElement('span'); when.textContent = new Date(w.issuedAt).toLocaleString();
  const subject = document.createElement('span'); subject.textContent = [w.orderId && 'order ' + w.orderId, w.skuId && 'SKU ' + w.skuId].filter(Boolean).join(' · ');
  meta.append(when, subject);
  if (w.status === 'unread') {
    const ack = document.createElement('button'); ack.type = 'button'; ack.textContent = '知道了 · Got it';
    ack.addEventListener('click', () => acknowledge(w.warningId));
    meta.append(ack);
  }
  el.append(zh, en, meta);
  return el;
}
function show(w, fresh) {
  const old = list.querySelector('[data-warning-id="' + CSS.escape(w.warningId) + '"]');
  const el = card(w, fresh);
  if (old) old.remove();
  if (w.status === 'unread') list.prepend(el);
  else {
    const firstRead = [...list.children].find((c) => c.dataset.status === 'read');
    list.insertBefore(el, firstRead || null);
  }
  shown.set(w.warningId, w);
  refreshCounts();
}
function remove(warningId) {
  list.querySelector('[data-warning-id="' + CSS.escape(warningId) + '"]')?.remove();
  shown.delete(warningId);
  refreshCounts();
}
async function api(path, init) {
  const res = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + token, ...(init && init.headers) } });
  if (!res.ok) throw new Error(res.status + ' ' + (await res.text()));
  return res.json();
}
async function acknowledge(warningId) {
  const { warning } = await api('/v1/buyers/' + encodeURIComponent(buyerId) + '/warnings/' + encodeURIComponent(warningId) + '/ack', { method: 'POST' });
  show(warning, false);
}
async function load() {
  let cursor = '';
  const all = [];
  do {
    const page = await api('/v1/buyers/' + encodeURIComponent(buyerId) + '/warnings?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    all.push(...page.warnings);
    cursor = page.nextCursor || '';
  } while (cursor && all.length < 500);
  for (const w of all.reverse()) show(w, false);
}
let retryMs = 500;
function connect() {
  const ws = new WebSocket(CONFIG.webSocketUrl + '?token=' + encodeURIComponent(token));
  ws.addEventListener('open', () => { retryMs = 500; setStatus('live', 'live'); });
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'warning.issued') { show(m.warning, true); if (m.warning.type === 'report_outcome') loadReports().catch(() => {}); }
    else if (m.type === 'warning.withdrawn') remove(m.warningId);
    else if (m.type === 'warning.read' && shown.has(m.warningId)) show({ ...shown.get(m.warningId), status: 'read' }, false);
  });
  ws.addEventListener('close', () => {
    setStatus('reconnecting', 'reconnecting…');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  });
}
function reportCard(r) {
  const el = document.createElement('article');
  el.className = 'report';
  el.dataset.reportId = r.reportId;
  el.dataset.status = r.status;
  const zh = document.createElement('p'); zh.textContent = r.outcome.zh;
  const en = document.createElement('p'); en.textContent = r.outcome.en;
  const meta = document.createElement('p'); meta.className = 'meta';
  meta.textContent = [r.merchantId, r.category, r.orderId && 'order ' + r.orderId, r.skuId && 'SKU ' + r.skuId, new Date(r.filedAt).toLocaleString()].filter(Boolean).join(' · ');
  el.append(zh, en, meta);
  return el;
}
async function loadReports() {
  const { reports } = await api('/v1/buyers/' + encodeURIComponent(buyerId) + '/reports?limit=20');
  document.getElementById('my-reports').replaceChildren(...reports.map(reportCard));
}
document.getElementById('report-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const body = {};
  for (const [k, v] of form) if (String(v).trim() !== '') body[k] = String(v).trim();
  const errorEl = document.getElementById('report-error');
  errorEl.textContent = '';
  try {
    await api('/v1/buyers/' + encodeURIComponent(buyerId) + '/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    e.target.reset();
    await loadReports();
  } catch (error) {
    errorEl.textContent = String(error.message || error);
  }
});
async function start() {
  if (!buyerId) { setStatus('idle', 'enter a buyer id'); return; }
  setStatus('connecting', 'connecting…');
  token = (await (await fetch('/dev-token?buyer=' + encodeURIComponent(buyerId))).json()).token;
  connect();
  await load();
  refreshCounts();
  // A decided report's outcome arrives as a warning: refresh the list of reports with it.
  await loadReports().catch(() => {});
}
start().catch((e) => setStatus('error', String(e)));
</script>
</body>
</html>
`;
}
