/** Buyer reports (投诉与举报): the open queue, escalated merchants first, and an analyst's uphold / dismiss with a reason. */
import { useState } from 'react';
import type { Api, BuyerReport, QueuedReport } from './api';
import { can, type Session } from './auth';
import { REPORT_CATEGORY_NAMES } from '../../domain/reports/messages';
import { ErrorLine, useLoad, when } from './common';

const category = (c: QueuedReport['category']) => `${REPORT_CATEGORY_NAMES[c].en} ${REPORT_CATEGORY_NAMES[c].zh}`;

function subject(r: QueuedReport): string {
  return [r.orderId && `order ${r.orderId}`, r.skuId && `sku ${r.skuId}`, r.reviewId && `review ${r.reviewId}`].filter(Boolean).join(', ') || '—';
}

export function ReportsPanel({ api, session }: { api: Api; session: Session | null }) {
  const queue = useLoad(() => api.reports(), [api]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [decided, setDecided] = useState<BuyerReport[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reports = queue.data ?? [];

  const decide = (r: QueuedReport, upheld: boolean) => {
    setError(null);
    api.decideReport(r.reportId, upheld, notes[r.reportId] ?? '').then(
      (report) => {
        setDecided((d) => [report, ...d]);
        queue.reload();
      },
      (e: unknown) => setError((e as Error).message),
    );
  };

  return (
    <div data-testid="reports-view">
      <h2>Buyer reports</h2>
      <p className="muted">
        Open reports, earliest due first. A merchant reported by several buyers is escalated: its reports are due sooner. Upholding records a violation of the report&apos;s category on
        the merchant&apos;s penalty case; dismissing records nothing. The buyer sees the outcome, never your name or note.
      </p>
      <ErrorLine error={error ?? queue.error} />
      <table data-testid="reports-queue">
        <thead>
          <tr>
            <th>due</th>
            <th>merchant</th>
            <th>category</th>
            <th>about</th>
            <th>statement</th>
            <th>buyer</th>
            {can(session, 'analyst') && <th>decision</th>}
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.reportId} data-report={r.reportId}>
              <td className={r.overdue ? 'error' : ''}>
                {when(r.effectiveDueAt)}
                {r.overdue && <div>overdue</div>}
              </td>
              <td>
                {r.merchantId}
                <div className="muted">
                  {r.reportingBuyers} reporting buyer{r.reportingBuyers === 1 ? '' : 's'} {r.escalated && <span className="status status-block">escalated</span>}
                </div>
              </td>
              <td>{category(r.category)}</td>
              <td>
                {subject(r)}
                {r.verifiedPurchase !== undefined && (
                  <div className={r.verifiedPurchase ? 'ok' : 'muted'} data-testid="purchase">
                    {r.verifiedPurchase ? 'verified purchase' : 'order not found as theirs with this shop'}
                  </div>
                )}
              </td>
              <td>{r.statement}</td>
              <td>
                {r.buyerId}
                <div className="muted">{when(r.filedAt)}</div>
              </td>
              {can(session, 'analyst') && (
                <td className="actions">
                  <input className="note" placeholder="reason (required)" value={notes[r.reportId] ?? ''} onChange={(e) => setNotes({ ...notes, [r.reportId]: e.target.value })} />
                  <button type="button" className="approve" onClick={() => decide(r, true)}>
                    Uphold
                  </button>
                  <button type="button" onClick={() => decide(r, false)}>
                    Dismiss
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {reports.length === 0 && !queue.error && <p className="muted">No open report.</p>}
      <MerchantReports api={api} />
      {decided.length > 0 && (
        <section className="card" data-testid="reports-decided">
          <h3>Decided in this session</h3>
          <ul>
            {decided.map((r) => (
              <li key={r.reportId}>
                {r.merchantId}, {category(r.category)}: <b>{r.status}</b>
                {r.violationId && (
                  <>
                    {' '}
                    (violation <code>{r.violationId}</code> on the merchant&apos;s case)
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** One merchant's reports in the escalation window, decided ones included: what buyers said of it before. */
function MerchantReports({ api }: { api: Api }) {
  const [merchantId, setMerchantId] = useState('');
  const [found, setFound] = useState<Awaited<ReturnType<Api['merchantReports']>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" data-testid="merchant-reports">
      <h3>A merchant&apos;s reports</h3>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          api.merchantReports(merchantId.trim()).then(setFound, (err: unknown) => setError((err as Error).message));
        }}
      >
        <input placeholder="merchant id" value={merchantId} onChange={(e) => setMerchantId(e.target.value)} />
        <button type="submit">Look up</button>
      </form>
      <ErrorLine error={error} />
      {found && (
        <>
          <p>
            {found.merchantId}: {found.reports.length} report{found.reports.length === 1 ? '' : 's'} in the window, {found.reportingBuyers} reporting buyer
            {found.reportingBuyers === 1 ? '' : 's'} {found.escalated && <span className="status status-block">escalated</span>}
          </p>
          <table>
            <thead>
              <tr>
                <th>filed</th>
                <th>category</th>
                <th>buyer</th>
                <th>statement</th>
                <th>status</th>
                <th>decided</th>
              </tr>
            </thead>
            <tbody>
              {found.reports.map((r) => (
                <tr key={r.reportId} data-status={r.status}>
                  <td>{when(r.filedAt)}</td>
                  <td>{category(r.category)}</td>
                  <td>{r.buyerId}</td>
                  <td>{r.statement}</td>
                  <td>{r.status}</td>
                  <td>{r.decidedBy ? `${r.decidedBy}, ${when(r.decidedAt)}: ${r.note ?? ''}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
