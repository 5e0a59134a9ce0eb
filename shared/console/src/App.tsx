/** The analysts' console: sign-in, the live version, and one view per task. */
import { useEffect, useMemo, useState } from 'react';
import { makeApi, type ConsoleAuth, type VersionView } from './api';
import { completeCognitoSignIn, saveSession, savedSession, sessionFromToken, signInWithCognito, type Session } from './auth';
import { BacktestsView } from './BacktestsView';
import { Status } from './common';
import { AuditPanel, DecisionsPanel, LadderPanel, ShadowPanel, SuppressionsPanel } from './OperationsViews';
import { ReportsPanel } from './ReportsView';
import { ThresholdsView } from './ThresholdsView';

const TABS = ['thresholds', 'backtests', 'shadow', 'decisions', 'merchants', 'reports', 'suppressions', 'audit'] as const;
type Tab = (typeof TABS)[number];

function tabFromHash(): Tab {
  const t = location.hash.replace('#', '') as Tab;
  return TABS.includes(t) ? t : 'thresholds';
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => savedSession());
  const [auth, setAuth] = useState<ConsoleAuth | null>(null);
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const [backtestRequest, setBacktestRequest] = useState<string | null>(null);
  const [live, setLive] = useState<VersionView | null>(null);
  const [liveTick, setLiveTick] = useState(0);
  const api = useMemo(() => makeApi(() => session?.token ?? null), [session]);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    api.consoleConfig().then(async (a) => {
      setAuth(a);
      if (a.mode === 'cognito' && !session) {
        const s = await completeCognitoSignIn(a);
        if (s) setSession(s);
      }
    }, () => setAuth(null));
  }, []);
  useEffect(() => {
    if (session) api.live().then(setLive, () => setLive(null));
  }, [api, session, liveTick]);

  const go = (t: Tab) => {
    location.hash = t;
    setTab(t);
  };
  const signIn = (token: string | null) => {
    saveSession(token);
    setSession(token ? sessionFromToken(token) : null);
  };

  return (
    <div className="app">
      <header className="top">
        <h1>
          Riskline <span>trust &amp; safety</span>
        </h1>
        {live && (
          <span className="live" data-testid="live-version">
            live: <b>{live.version}</b> <Status status="live" />
          </span>
        )}
        <div className="who">
          {auth?.mode === 'dev' && (
            <label>
              signed in as{' '}
              <select value={session?.token ?? ''} onChange={(e) => signIn(e.target.value || null)} data-testid="user">
                <option value="">nobody</option>
                {auth.users.map((u) => (
                  <option key={u.token} value={u.token}>
                    {u.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {auth?.mode === 'cognito' &&
            (session ? (
              <span>
                {session.id} ({session.roles.join(', ') || 'no role'}){' '}
                <button type="button" onClick={() => signIn(null)}>
                  sign out
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => void signInWithCognito(auth)}>
                sign in
              </button>
            ))}
        </div>
      </header>
      {session ? (
        <>
          <nav className="tabs">
            {TABS.map((t) => (
              <button key={t} type="button" className={t === tab ? 'active' : ''} onClick={() => go(t)} data-tab={t}>
                {t}
              </button>
            ))}
          </nav>
          <main>
            {tab === 'thresholds' && (
              <ThresholdsView
                api={api}
                session={session}
                onChanged={() => setLiveTick((n) => n + 1)}
                onBacktest={(v) => {
                  setBacktestRequest(v);
                  go('backtests');
                }}
              />
            )}
            {tab === 'backtests' && <BacktestsView api={api} session={session} request={backtestRequest} onRequestHandled={() => setBacktestRequest(null)} />}
            {tab === 'shadow' && <ShadowPanel api={api} session={session} />}
            {tab === 'decisions' && <DecisionsPanel api={api} />}
            {tab === 'merchants' && <LadderPanel api={api} />}
            {tab === 'reports' && <ReportsPanel api={api} session={session} />}
            {tab === 'suppressions' && <SuppressionsPanel api={api} session={session} />}
            {tab === 'audit' && <AuditPanel api={api} />}
          </main>
        </>
      ) : (
        <main>
          <p className="muted">Sign in to see the thresholds, backtests and decisions.</p>
        </main>
      )}
    </div>
  );
}
