/** Shadow mode, recent decisions and payment velocity, merchants on the penalty ladder, suppressions and the audit log. */
import { useState } from 'react';
import type { Api, Decision, SuppressionInput, VelocityView } from './api';
import { can, type Session } from './auth';
import { Diff, ErrorLine, Status, money, useLoad, when } from './common';

export function ShadowPanel({ api, session }: { api: Api; session: Session | null }) {
  const shadow = useLoad(() => api.shadow(), [api]);
  const [error, setError] = useState<string | null>(null);
  const s = shadow.data;
  const kinds = ['allow', 'review', 'block'] as const;
  const summary = s?.summary;
  return (
    <div data-testid="shadow-view">
      <h2>Shadow mode</h2>
      <p className="muted">
        A candidate version scores live traffic beside the live one, from the same features, without acting: it writes no features, violations or warnings. Where they disagree is
        recorded here.
      </p>
      <ErrorLine error={error ?? shadow.error} />
      {s?.shadow ? (
        <p>
          Running <b>{s.shadow.version}</b> since {when(s.shadow.since)} (started by {s.shadow.by}){' '}
          {can(session, 'analyst') && (
            <button type="button" onClick={() => api.stopShadow().then(shadow.reload, (e: unknown) => setError((e as Error).message))}>
              Stop shadow mode
            </button>
          )}
        </p>
      ) : (
        <p className="muted">No candidate is in shadow mode: start one from a version's page.</p>
      )}
      {summary && (
        <div className="split-even">
          <section className="card">
            <h3>
              {summary.compared.toLocaleString('en-US')} decisions compared, {summary.changed} would change
            </h3>
            <table className="matrix" data-testid="shadow-matrix">
              <thead>
                <tr>
                  <th>live ↓ / candidate →</th>
                  {kinds.map((k) => (
                    <th key={k}>{k}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {kinds.map((from) => (
                  <tr key={from}>
                    <th>{from}</th>
                    {kinds.map((to) => (
                      <td key={to} className={`n ${from === to ? 'same' : 'changed'}`}>
                        {summary.transitions[`${from}->${to}`] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              violations the candidate would record and live would not: {summary.violationsCandidateOnly}; the reverse: {summary.violationsLiveOnly} · latest event {when(summary.lastEventAt)}
            </p>
          </section>
          <section className="card">
            <h3>Violations that would differ</h3>
            <table>
              <tbody>
                {s.violations.slice(0, 20).map((v) => (
                  <tr key={v.violationId}>
                    <td>{v.side === 'candidate_only' ? 'would be recorded' : 'would not be recorded'}</td>
                    <td>{v.type}</td>
                    <td>{v.merchantId}</td>
                    <td>{when(v.occurredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
      {s && s.decisions.length > 0 && (
        <section className="card">
          <h3>Orders whose decision would change</h3>
          <table>
            <thead>
              <tr>
                <th>order</th>
                <th>merchant</th>
                <th>amount</th>
                <th>live</th>
                <th>candidate</th>
              </tr>
            </thead>
            <tbody>
              {s.decisions.map((d) => (
                <tr key={d.eventId}>
                  <td>{d.orderId}</td>
                  <td>{d.merchantId}</td>
                  <td className="n">{money(d.amount, d.currency)}</td>
                  <td>
                    {d.live.decision} ({d.live.score}) {d.live.codes.join(', ')}
                  </td>
                  <td>
                    <b>{d.candidate.decision}</b> ({d.candidate.score}) {d.candidate.codes.join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function Reasons({ decision }: { decision: Decision }) {
  return (
    <ul className="reasons">
      {decision.reasons.map((r, i) => (
        <li key={i} className={r.suppressed ? 'suppressed' : ''}>
          <code>{r.code}</code> {r.suppressed ? <em>(suppressed)</em> : null} {r.detail}
        </li>
      ))}
    </ul>
  );
}

const ENTITIES: VelocityView['entity'][] = ['buyer', 'instrument', 'device', 'ip', 'address'];
type Lookup = { entity: VelocityView['entity']; id: string };

/** An entity's payment counts by window, as the detectors keep them (GET /v1/velocity/{entity}/{id}). */
export function VelocityPanel({ api, lookup, onLookup }: { api: Api; lookup: Lookup | null; onLookup: (l: Lookup) => void }) {
  const [entity, setEntity] = useState<VelocityView['entity']>('buyer');
  const [id, setId] = useState('');
  const view = useLoad(() => (lookup ? api.velocity(lookup.entity, lookup.id) : Promise.resolve(null)), [api, lookup?.entity, lookup?.id]);
  const v = view.data;
  const rows: [string, VelocityView['payments']['authorized'] | undefined][] = v
    ? [
        ['authorized payments', v.payments.authorized],
        ['declined payments', v.payments.declined],
        ['small declines', v.smallDeclines],
        ['distinct buyers', v.distinctBuyers],
        ['distinct instruments tried', v.distinctInstruments],
      ]
    : [];
  return (
    <div data-testid="velocity-view">
      <h2>Payment velocity</h2>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) onLookup({ entity, id: id.trim() });
        }}
      >
        <select value={entity} onChange={(e) => setEntity(e.target.value as VelocityView['entity'])} data-testid="velocity-entity">
          {ENTITIES.map((e) => (
            <option key={e}>{e}</option>
          ))}
        </select>
        <input placeholder="id" value={id} onChange={(e) => setId(e.target.value)} data-testid="velocity-id" />
        <button type="submit">Show counts</button>
      </form>
      <ErrorLine error={view.error} />
      {v && (
        <>
          <p className="muted">
            {v.entity} <b>{v.id}</b> as of {when(v.at)}
          </p>
          <table className="velocity">
            <thead>
              <tr>
                <th />
                <th>1 h</th>
                <th>24 h</th>
                <th>7 d</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((r): r is [string, VelocityView['payments']['authorized']] => r[1] !== undefined)
                .map(([label, c]) => (
                  <tr key={label}>
                    <td>{label}</td>
                    <td className="n">{c['1h']}</td>
                    <td className="n">{c['24h']}</td>
                    <td className="n">{c['7d']}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          {v.familiar && (
            <p className="muted">
              familiar within 180 days: {v.familiar.devices} devices, {v.familiar.instruments} instruments, {v.familiar.addresses} addresses,{' '}
              {v.familiar.ipCountries} IP countries
            </p>
          )}
        </>
      )}
    </div>
  );
}

export function DecisionsPanel({ api }: { api: Api }) {
  const [orderId, setOrderId] = useState('');
  const [query, setQuery] = useState<string | undefined>(undefined);
  const [lookup, setLookup] = useState<Lookup | null>(null);
  const decisions = useLoad(() => api.decisions(query), [api, query]);
  return (
    <>
      <div data-testid="decisions-view">
        <h2>Recent decisions</h2>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(orderId.trim() || undefined);
          }}
        >
          <input placeholder="order id" value={orderId} onChange={(e) => setOrderId(e.target.value)} />
          <button type="submit">{orderId.trim() ? 'Find the order' : 'Latest review and block'}</button>
        </form>
        <ErrorLine error={decisions.error} />
        <table className="decisions">
          <thead>
            <tr>
              <th>event time</th>
              <th>order</th>
              <th>merchant / buyer</th>
              <th>amount</th>
              <th>decision</th>
              <th>why</th>
            </tr>
          </thead>
          <tbody>
            {(decisions.data ?? []).map((d) => (
              <tr key={d.eventId}>
                <td>{when(d.occurredAt)}</td>
                <td>
                  {d.orderId}
                  <br />
                  <small>{d.eventType}</small>
                </td>
                <td>
                  {d.merchantId}
                  <br />
                  <small>
                    <button type="button" className="link" title="payment velocity of this buyer" onClick={() => setLookup({ entity: 'buyer', id: d.buyerId })}>
                      {d.buyerId}
                    </button>
                  </small>
                </td>
                <td className="n">{money(d.amount, d.currency)}</td>
                <td>
                  <Status status={d.decision} /> {d.score}
                  <br />
                  <small>{d.configVersion}</small>
                </td>
                <td>
                  <Reasons decision={d} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {decisions.data?.length === 0 && <p className="muted">No review or block decisions yet.</p>}
      </div>
      <VelocityPanel api={api} lookup={lookup} onLookup={setLookup} />
    </>
  );
}

const LEVELS = ['warning', 'listing_restricted', 'trading_suspended', 'deposit_deducted', 'terminated'];

export function LadderPanel({ api }: { api: Api }) {
  const ladder = useLoad(() => api.ladder(), [api]);
  const merchants = [...(ladder.data ?? [])].sort((a, b) => LEVELS.indexOf(b.level ?? '') - LEVELS.indexOf(a.level ?? '') || a.merchantId.localeCompare(b.merchantId));
  return (
    <div data-testid="ladder-view">
      <h2>Merchants on the penalty ladder</h2>
      <ErrorLine error={ladder.error} />
      <div className="ladder-steps">
        {LEVELS.map((l) => (
          <span key={l} className={`step level-${l}`}>
            {l.replace('_', ' ')} <b>{merchants.filter((m) => m.level === l).length}</b>
          </span>
        ))}
      </div>
      <table>
        <thead>
          <tr>
            <th>merchant</th>
            <th>level</th>
            <th>blacklisted</th>
            <th>credit score</th>
            <th>last change</th>
          </tr>
        </thead>
        <tbody>
          {merchants.map((m) => (
            <tr key={m.merchantId}>
              <td>{m.merchantId}</td>
              <td>
                <span className={`step level-${m.level}`}>{m.level}</span>
              </td>
              <td>{m.blacklisted ? 'yes' : 'no'}</td>
              <td className="n">{m.creditScore ?? '—'}</td>
              <td>{when(m.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {merchants.length === 0 && <p className="muted">No merchant is on the ladder.</p>}
    </div>
  );
}

const CODES = [
  'ORDER_BRUSHING_WINDOW',
  'ORDER_BRUSHING_REPEAT_BUYER',
  'CARD_TESTING_CASHOUT',
  'CARD_TESTING_PROBES',
  'BOT_SIGNUP',
  'NEW_ACCOUNT_HIGH_VALUE',
  'DEVICE_SHARED_BY_ACCOUNTS',
  'INSTRUMENT_SHARED_BY_ACCOUNTS',
  'COUNTRY_MISMATCH',
  'ACCOUNT_TAKEOVER_PATTERN',
  'PRICE_GOUGING',
];

export function SuppressionsPanel({ api, session }: { api: Api; session: Session | null }) {
  const list = useLoad(() => api.suppressions(), [api]);
  const [form, setForm] = useState<SuppressionInput>({ scope: 'merchant', entityId: '', code: 'PRICE_GOUGING', until: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z', reason: '' });
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<{ path: string; message: string }[]>([]);
  return (
    <div data-testid="suppressions-view">
      <h2>Suppressions</h2>
      <p className="muted">A rule silenced for one merchant or buyer until an expiry: it still shows in a decision's reasons, marked suppressed, and adds nothing to the score.</p>
      {can(session, 'analyst') && (
        <form
          className="inline wrap"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            setIssues([]);
            api.suppress(form).then(
              () => {
                setForm({ ...form, entityId: '', reason: '' });
                list.reload();
              },
              (err: unknown) => {
                setError((err as Error).message);
                setIssues((err as { issues?: { path: string; message: string }[] }).issues ?? []);
              },
            );
          }}
        >
          <select value={form.scope} onChange={(e) => setForm({ ...form, scope: e.target.value as SuppressionInput['scope'] })}>
            <option value="merchant">merchant</option>
            <option value="buyer">buyer</option>
          </select>
          <input placeholder="merchant or buyer id" value={form.entityId} onChange={(e) => setForm({ ...form, entityId: e.target.value })} />
          <select value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value as SuppressionInput['code'] })}>
            {CODES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <input title="until (ISO time)" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
          <input placeholder="reason (for the audit log)" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
          <button type="submit" className="primary">
            Suppress
          </button>
        </form>
      )}
      <ErrorLine error={error ?? list.error} />
      {issues.length > 0 && (
        <ul className="error">
          {issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      <table>
        <thead>
          <tr>
            <th>rule</th>
            <th>for</th>
            <th>until</th>
            <th>reason</th>
            <th>by</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((s) => (
            <tr key={s.suppressionId} className={s.liftedAt ? 'lifted' : ''}>
              <td>
                <code>{s.code}</code>
              </td>
              <td>
                {s.scope} {s.entityId}
              </td>
              <td>{when(s.until)}</td>
              <td>{s.reason}</td>
              <td>
                {s.createdBy} {when(s.createdAt)}
              </td>
              <td>
                {s.liftedAt ? (
                  `lifted by ${s.liftedBy}`
                ) : can(session, 'analyst') ? (
                  <button type="button" onClick={() => api.lift(s.suppressionId).then(list.reload, (e: unknown) => setError((e as Error).message))}>
                    Lift
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditPanel({ api }: { api: Api }) {
  const entries = useLoad(() => api.audit(), [api]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div data-testid="audit-view">
      <h2>Audit log</h2>
      <ErrorLine error={entries.error} />
      <table>
        <thead>
          <tr>
            <th>when</th>
            <th>who</th>
            <th>what</th>
            <th>version</th>
            <th>note</th>
            <th>diff</th>
          </tr>
        </thead>
        <tbody>
          {(entries.data ?? []).map((e) => (
            <tr key={e.entryId}>
              <td>{when(e.at)}</td>
              <td>{e.who}</td>
              <td>{e.action}</td>
              <td>
                {e.previous ? `${e.previous} → ` : ''}
                {e.version ?? (e.subject ? JSON.stringify(e.subject) : '')}
              </td>
              <td>{e.note ?? ''}</td>
              <td>
                {e.diff && e.diff.length > 0 ? (
                  open === e.entryId ? (
                    <>
                      <button type="button" onClick={() => setOpen(null)}>
                        hide
                      </button>
                      <Diff entries={e.diff} />
                    </>
                  ) : (
                    <button type="button" onClick={() => setOpen(e.entryId)}>
                      {e.diff.length} field{e.diff.length === 1 ? '' : 's'}
                    </button>
                  )
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
