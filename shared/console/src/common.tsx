/** Small pieces every view uses. */
import { useCallback, useEffect, useState } from 'react';
import type { DiffEntry } from './api';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (d) => live && (setData(d), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function Status({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status}</span>;
}

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—';
}

export function Diff({ entries }: { entries: readonly DiffEntry[] }) {
  if (entries.length === 0) return <p className="muted">No differences.</p>;
  const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));
  return (
    <table className="diff" data-testid="diff">
      <thead>
        <tr>
          <th></th>
          <th>field</th>
          <th>before</th>
          <th>after</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.path} className={`op-${e.op}`}>
            <td>{e.op === 'added' ? '+' : e.op === 'removed' ? '−' : '~'}</td>
            <td>
              <code>{e.path}</code>
            </td>
            <td className="before">{show(e.before)}</td>
            <td className="after">{show(e.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function money(minor: number, currency: string): string {
  return `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}
