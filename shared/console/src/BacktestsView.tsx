/** Backtests: start one on the stored history, follow it, and read what enforcement would change. */
import { useEffect, useRef, useState } from 'react';
import type { Api, BacktestJob, BacktestReport } from './api';
import { can, type Session } from './auth';
import { DecisionsOverTimeChart, DecisionKindsChart, PrecisionRecallChart } from './charts';
import { ErrorLine, Status, money, useLoad, when } from './common';

interface Props {
  api: Api;
  session: Session | null;
  /** A version the thresholds view asked to backtest. */
  request: string | null;
  onRequestHandled: () => void;
}

export function BacktestsView({ api, session, request, onRequestHandled }: Props) {
  const versions = useLoad(() => api.versions(), [api]);
  const jobs = useLoad(() => api.backtests(), [api]);
  const [candidate, setCandidate] = useState('');
  const [baseline, setBaseline] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = (c: string, b: string) => {
    setError(null);
    api.startBacktest(c, b || undefined).then(
      (job) => {
        setSelected(job.backtestId);
        jobs.reload();
      },
      (e: unknown) => setError((e as Error).message),
    );
  };
  // Each request starts one backtest, however often the effect runs (React runs it twice in development).
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (request && handled.current !== request) {
      handled.current = request;
      setCandidate(request);
      start(request, '');
      onRequestHandled();
    }
  }, [request]);

  const options = (versions.data ?? []).filter((v) => v.effectiveStatus !== 'rejected');
  return (
    <div className="split">
      <aside>
        <h2>Backtests</h2>
        <p className="muted">Replays the stored history twice, through the same handlers, and compares the whole enforcement chain.</p>
        {can(session, 'analyst') && (
          <form
            className="backtest-form"
            onSubmit={(e) => {
              e.preventDefault();
              start(candidate, baseline);
            }}
          >
            <label>
              candidate
              <select value={candidate} onChange={(e) => setCandidate(e.target.value)} data-testid="bt-candidate">
                <option value="">choose…</option>
                {options.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version} ({v.effectiveStatus})
                  </option>
                ))}
              </select>
            </label>
            <label>
              baseline
              <select value={baseline} onChange={(e) => setBaseline(e.target.value)}>
                <option value="">the live version</option>
                {options.map((v) => (
                  <option key={v.version} value={v.version}>
                    {v.version}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={candidate === ''} data-testid="bt-run">
              Run backtest
            </button>
          </form>
        )}
        <ErrorLine error={error ?? jobs.error} />
        <ul className="jobs" data-testid="backtest-jobs">
          {(jobs.data ?? []).map((j) => (
            <li key={j.backtestId} className={j.backtestId === selected ? 'selected' : ''}>
              <button type="button" onClick={() => setSelected(j.backtestId)}>
                <b>{j.candidate}</b> vs {j.baseline} <Status status={j.status} />
                <small>
                  {j.requestedBy} · {when(j.requestedAt)}
                </small>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section className="detail">{selected ? <JobDetail key={selected} api={api} backtestId={selected} onDone={jobs.reload} /> : <p className="muted">Start a backtest, or pick one.</p>}</section>
    </div>
  );
}

function JobDetail({ api, backtestId, onDone }: { api: Api; backtestId: string; onDone: () => void }) {
  const [job, setJob] = useState<BacktestJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () =>
      api.backtest(backtestId).then(
        (j) => {
          if (stop) return;
          setJob(j);
          if (j.status === 'queued' || j.status === 'running') timer = setTimeout(poll, 1_000);
          else onDone();
        },
        (e: unknown) => setError((e as Error).message),
      );
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [api, backtestId]);
  if (!job) return <ErrorLine error={error} />;
  return (
    <div data-testid="backtest-detail">
      <h2>
        {job.candidate} vs {job.baseline} <Status status={job.status} />
      </h2>
      <p className="muted">
        requested by {job.requestedBy} {when(job.requestedAt)}
        {job.finishedAt ? ` · finished ${when(job.finishedAt)}` : ''}
        {job.report ? ` · ${job.report.events.toLocaleString('en-US')} events in ${(job.report.elapsedMs.total / 1000).toFixed(1)} s` : ''}
      </p>
      {job.status === 'failed' && <p className="error">{job.error}</p>}
      {(job.status === 'queued' || job.status === 'running') && <p className="muted">Replaying the history…</p>}
      {job.report && <Report report={job.report} />}
    </div>
  );
}

function Report({ report }: { report: BacktestReport }) {
  const b = report.baseline;
  const c = report.candidate;
  const row = (what: string, x: number | string, y: number | string, key?: string) => {
    const delta = typeof x === 'number' && typeof y === 'number' ? y - x : null;
    return (
      <tr key={key ?? what}>
        <td>{what}</td>
        <td className="n">{x}</td>
        <td className="n">{y}</td>
        <td className={`n ${delta === null || delta === 0 ? '' : delta > 0 ? 'up' : 'down'}`}>{delta === null ? '' : delta > 0 ? `+${delta}` : delta}</td>
      </tr>
    );
  };
  const currencies = [...new Set([...Object.keys(b.valueBlocked), ...Object.keys(c.valueBlocked)])].sort();
  const types = [...new Set([...Object.keys(b.violations.byType), ...Object.keys(c.violations.byType)])].sort();
  return (
    <div className="report" data-testid="backtest-report">
      <div className="cards">
        <div className="card-small">
          <b data-testid="changed-count">{report.changedDecisions.total}</b>
          <span>decisions would change</span>
        </div>
        <div className="card-small">
          <b>
            {c.labels ? c.labels.precision.toFixed(3) : '—'} / {c.labels ? c.labels.recall.toFixed(3) : '—'}
          </b>
          <span>
            precision / recall (live {b.labels ? `${b.labels.precision.toFixed(3)} / ${b.labels.recall.toFixed(3)}` : '—'})
          </span>
        </div>
        <div className="card-small">
          <b>
            {c.warnings.total} <small>({c.warnings.total - b.warnings.total >= 0 ? '+' : ''}{c.warnings.total - b.warnings.total})</small>
          </b>
          <span>buyer warnings</span>
        </div>
        <div className="card-small">
          <b>{report.ladder.available ? report.ladder.movedCount : '—'}</b>
          <span>merchants moving on the penalty ladder</span>
        </div>
      </div>
      <div className="charts">
        <PrecisionRecallChart report={report} />
        <DecisionsOverTimeChart report={report} />
      </div>
      <section className="card">
        <h3>What enforcement would change</h3>
        <DecisionKindsChart report={report} />
        <table className="compare">
          <thead>
            <tr>
              <th></th>
              <th>{b.version}</th>
              <th>{c.version}</th>
              <th>change</th>
            </tr>
          </thead>
          <tbody>
            {(['allow', 'review', 'block'] as const).map((k) => row(`decisions: ${k}`, b.decisions[k], c.decisions[k]))}
            {row('buyer warnings', b.warnings.total, c.warnings.total)}
            {types.map((t) => row(`violations: ${t}`, b.violations.byType[t] ?? 0, c.violations.byType[t] ?? 0))}
            {report.ladder.available && row('penalty steps', b.penalties.steps, c.penalties.steps)}
            {currencies.map((cur) => (
              <tr key={cur}>
                <td>order value blocked ({cur})</td>
                <td className="n">{money(b.valueBlocked[cur] ?? 0, cur)}</td>
                <td className="n">{money(c.valueBlocked[cur] ?? 0, cur)}</td>
                <td className="n">{money((c.valueBlocked[cur] ?? 0) - (b.valueBlocked[cur] ?? 0), cur)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {report.changedDecisions.samples.length > 0 && (
        <section className="card">
          <h3>Orders whose decision would change ({Object.entries(report.changedDecisions.transitions).map(([t, n]) => `${t} ${n}`).join(', ')})</h3>
          <table>
            <thead>
              <tr>
                <th>order</th>
                <th>merchant</th>
                <th>event time</th>
                <th>decision</th>
                <th>score</th>
                <th>label</th>
              </tr>
            </thead>
            <tbody>
              {report.changedDecisions.samples.map((s) => (
                <tr key={s.eventId}>
                  <td>{s.orderId}</td>
                  <td>{s.merchantId}</td>
                  <td>{when(s.occurredAt)}</td>
                  <td>
                    {s.from} → <b>{s.to}</b>
                  </td>
                  <td className="n">
                    {s.scoreFrom} → {s.scoreTo}
                  </td>
                  <td>{s.fraud === undefined ? '—' : s.fraud ? 'fraud' : 'honest'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {report.ladder.moved.length > 0 && (
        <section className="card">
          <h3>Merchants moving on the penalty ladder</h3>
          <table>
            <thead>
              <tr>
                <th>merchant</th>
                <th>{b.version}</th>
                <th>{c.version}</th>
              </tr>
            </thead>
            <tbody>
              {report.ladder.moved.map((m) => (
                <tr key={m.merchantId}>
                  <td>{m.merchantId}</td>
                  <td>{m.baseline ?? '—'}</td>
                  <td>{m.candidate ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
