/** Live and draft thresholds: the versions, the editor, the diff against live, and the approval flow. */
import { useEffect, useMemo, useState } from 'react';
import { diffVersions } from '../../domain/config/lifecycle';
import type { Thresholds } from '../../domain/config/thresholds';
import { ApiError, type Api, type VersionView } from './api';
import { can, type Session } from './auth';
import { Diff, ErrorLine, Status, useLoad, when } from './common';
import { ThresholdsEditor, validate } from './editor';

interface Props {
  api: Api;
  session: Session | null;
  onBacktest: (version: string) => void;
  onChanged: () => void;
}

export function ThresholdsView({ api, session, onBacktest, onChanged }: Props) {
  const versions = useLoad(() => api.versions(), [api]);
  const live = useLoad(() => api.live(), [api]);
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? live.data?.version ?? null;
  const reload = () => {
    versions.reload();
    live.reload();
    onChanged();
  };
  return (
    <div className="split">
      <aside className="versions" data-testid="versions">
        <h2>Versions</h2>
        <ErrorLine error={versions.error} />
        <ul>
          {(versions.data ?? []).map((v) => (
            <li key={v.version} className={v.version === current ? 'selected' : ''}>
              <button type="button" onClick={() => setSelected(v.version)} data-version={v.version}>
                <b>{v.version}</b> <Status status={v.effectiveStatus} />
                <small>
                  by {v.createdBy}
                  {v.approvedBy ? `, approved by ${v.approvedBy}` : ''} · {when(v.updatedAt)}
                </small>
              </button>
            </li>
          ))}
        </ul>
        {can(session, 'analyst') && live.data && (
          <NewDraft
            api={api}
            from={live.data}
            onCreated={(v) => {
              setSelected(v);
              reload();
            }}
          />
        )}
      </aside>
      <section className="detail">
        {current && live.data ? <VersionDetail key={current} api={api} session={session} version={current} live={live.data} onChanged={reload} onBacktest={onBacktest} /> : <p className="muted">Loading…</p>}
      </section>
    </div>
  );
}

function NewDraft({ api, from, onCreated }: { api: Api; from: VersionView; onCreated: (version: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="new-draft">
      <button
        type="button"
        className="primary"
        data-testid="new-draft"
        onClick={() => {
          api.createDraft({ ...from.document, description: `Draft from ${from.version}` }).then(
            (v) => onCreated(v.version),
            (e: unknown) => setError((e as Error).message),
          );
        }}
      >
        New draft from live ({from.version})
      </button>
      <ErrorLine error={error} />
    </div>
  );
}

function VersionDetail({ api, session, version, live, onChanged, onBacktest }: { api: Api; session: Session | null; version: string; live: VersionView; onChanged: () => void; onBacktest: (v: string) => void }) {
  const loaded = useLoad(() => api.version(version), [api, version]);
  const [doc, setDoc] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<{ path: string; message: string }[]>([]);
  useEffect(() => {
    if (loaded.data) setDoc(loaded.data.document);
  }, [loaded.data]);
  const v = loaded.data;
  const issues = useMemo(() => (doc === null ? [] : validate(doc)), [doc]);
  const diff = useMemo(() => (doc === null || issues.length > 0 ? null : diffVersions(live.document, doc as Thresholds)), [doc, issues, live.document]);
  if (!v || doc === null) return <ErrorLine error={loaded.error} />;

  const status = v.effectiveStatus;
  const editable = status === 'draft' && can(session, 'analyst');
  const mine = session !== null && v.contributors.includes(session.id);
  const dirty = JSON.stringify(doc) !== JSON.stringify(v.document);
  const act = (what: string, run: () => Promise<unknown>) => {
    setError(null);
    setMessage(null);
    setServerIssues([]);
    run().then(
      () => {
        setMessage(what);
        setNote('');
        loaded.reload();
        onChanged();
      },
      (e: unknown) => {
        setError((e as Error).message);
        if (e instanceof ApiError) setServerIssues(e.issues);
      },
    );
  };

  return (
    <div data-testid="version-detail">
      <header className="detail-head">
        <h2>
          {v.version} <Status status={status} />
        </h2>
        <p className="muted">
          {v.document.description ?? ''} · written by {v.contributors.join(', ')} · revision {v.revision}
          {v.basedOn ? ` · based on ${v.basedOn}` : ''}
          {v.approvedBy ? ` · approved by ${v.approvedBy} ${when(v.approvedAt)}` : ''}
          {v.rejectedBy ? ` · rejected by ${v.rejectedBy}: ${v.note ?? ''}` : ''}
          {v.liveSince.length > 0 ? ` · live since ${v.liveSince.map(when).join(', ')}` : ''}
        </p>
      </header>

      <div className="actions" data-testid="actions">
        {editable && (
          <button type="button" className="primary" disabled={!dirty || issues.length > 0} data-testid="save-draft" onClick={() => act('draft saved', () => api.editDraft(v.version, doc, v.revision))}>
            Save draft
          </button>
        )}
        {editable && (
          <button type="button" disabled={issues.length > 0} onClick={() => act('the API accepts this document', () => api.validate(doc))}>
            Validate on the server
          </button>
        )}
        {can(session, 'analyst') && status !== 'live' && status !== 'rejected' && (
          <>
            <button type="button" data-testid="backtest-this" disabled={dirty} onClick={() => onBacktest(v.version)}>
              Backtest against live
            </button>
            <button type="button" disabled={dirty} onClick={() => act(`shadow mode started with ${v.version}`, () => api.startShadow(v.version))}>
              Run in shadow
            </button>
          </>
        )}
        {status === 'draft' && can(session, 'approver') && (
          <>
            <input className="note" placeholder="note for the audit log" value={note} onChange={(e) => setNote(e.target.value)} data-testid="note" />
            <button type="button" className="approve" disabled={mine || dirty} title={mine ? 'You wrote part of this version: a second analyst must approve it' : ''} data-testid="approve" onClick={() => act('approved', () => api.approve(v.version, note))}>
              Approve
            </button>
            <button type="button" disabled={mine || note.trim() === ''} onClick={() => act('rejected', () => api.reject(v.version, note))}>
              Reject
            </button>
            {mine && <span className="muted">you wrote part of this version: a second analyst approves it</span>}
          </>
        )}
        {status === 'approved' && can(session, 'approver') && (
          <button type="button" className="primary" data-testid="publish" onClick={() => act(`${v.version} is live`, () => api.publish(v.version, note))}>
            Publish
          </button>
        )}
        {status === 'retired' && can(session, 'approver') && (
          <>
            <input className="note" placeholder="why roll back (required)" value={note} onChange={(e) => setNote(e.target.value)} />
            <button type="button" disabled={note.trim() === ''} onClick={() => act(`rolled back to ${v.version}`, () => api.rollback(v.version, note))}>
              Roll back to this version
            </button>
          </>
        )}
      </div>
      {message && (
        <p className="ok" role="status" data-testid="message">
          {message}
        </p>
      )}
      <ErrorLine error={error} />
      {serverIssues.length > 0 && (
        <ul className="error">
          {serverIssues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}

      {status !== 'live' && (
        <section className="card">
          <h3>Difference from live ({live.version})</h3>
          {diff === null ? <p className="muted">Fix the problems to see the diff.</p> : <Diff entries={diff} />}
        </section>
      )}
      <section className="card">
        <h3>{editable ? 'Edit' : 'Document'}</h3>
        <ThresholdsEditor document={doc} readOnly={!editable} onChange={setDoc} />
      </section>
    </div>
  );
}
