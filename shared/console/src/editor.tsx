/**
 * The thresholds editor: every field of the document as an input, grouped by section, validated as
 * you type with the same zod schema the API uses (shared/domain/config/thresholds.ts). Lists
 * (categories, emergencies, the ladder) are edited as JSON. Problems show beside their field and in
 * a summary; saving is the API's job, which validates again.
 */
import { useMemo, useState } from 'react';
import { ThresholdsSchema } from '../../domain/config/thresholds';
import type { FieldIssue } from './api';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function validate(doc: unknown): FieldIssue[] {
  const parsed = ThresholdsSchema.safeParse(doc);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(document)', message: i.message }));
}

function setAt(doc: Json, path: readonly string[], value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const obj = (doc ?? {}) as Record<string, Json>;
  return { ...obj, [head!]: setAt(obj[head!] ?? null, rest, value) };
}

const isRecord = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function label(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

interface FieldProps {
  path: string[];
  value: Json;
  issues: ReadonlyMap<string, string[]>;
  readOnly: boolean;
  onChange: (path: string[], value: Json) => void;
}

function Problems({ path, issues }: { path: string; issues: ReadonlyMap<string, string[]> }) {
  const mine = issues.get(path);
  if (!mine) return null;
  return (
    <span className="field-error" role="alert" data-error-for={path}>
      {mine.join('; ')}
    </span>
  );
}

function ListField({ path, value, issues, readOnly, onChange }: FieldProps) {
  const key = path.join('.');
  const [text, setText] = useState(() => JSON.stringify(value));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <label className="field list">
      <span className="name">{label(path[path.length - 1]!)}</span>
      <textarea
        data-path={key}
        value={text}
        readOnly={readOnly}
        rows={Math.min(8, Math.max(1, Math.ceil(text.length / 70)))}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(path, JSON.parse(e.target.value) as Json);
            setBad(null);
          } catch (error) {
            setBad(`not JSON: ${(error as Error).message}`);
          }
        }}
      />
      {bad && (
        <span className="field-error" role="alert">
          {bad}
        </span>
      )}
      <Problems path={key} issues={issues} />
    </label>
  );
}

function Field(props: FieldProps) {
  const { path, value, issues, readOnly, onChange } = props;
  const key = path.join('.');
  if (Array.isArray(value)) return <ListField {...props} />;
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return (
      <fieldset className={path.length <= 2 ? 'section' : 'group'}>
        <legend>{label(path[path.length - 1]!)}</legend>
        <Problems path={key} issues={issues} />
        <div className="fields">
          {entries.map(([k, v]) => (
            <Field key={k} {...props} path={[...path, k]} value={v} />
          ))}
        </div>
      </fieldset>
    );
  }
  if (typeof value === 'boolean') {
    return (
      <label className="field check">
        <input type="checkbox" data-path={key} checked={value} disabled={readOnly} onChange={(e) => onChange(path, e.target.checked)} />
        <span className="name">{label(path[path.length - 1]!)}</span>
        <Problems path={key} issues={issues} />
      </label>
    );
  }
  const numeric = typeof value === 'number' || (typeof value === 'string' && issues.get(key)?.some((m) => /number/.test(m)));
  return (
    <label className={`field${issues.has(key) ? ' invalid' : ''}`}>
      <span className="name">{label(path[path.length - 1]!)}</span>
      <input
        data-path={key}
        type={numeric ? 'text' : 'text'}
        inputMode={numeric ? 'decimal' : undefined}
        value={value === null ? '' : String(value)}
        readOnly={readOnly}
        onChange={(e) => {
          const raw = e.target.value;
          // A number field keeps what was typed when it is not a number, so the schema can say so.
          onChange(path, numeric ? (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw) : raw);
        }}
      />
      <Problems path={key} issues={issues} />
    </label>
  );
}

export interface EditorProps {
  document: unknown;
  readOnly: boolean;
  onChange: (doc: unknown) => void;
}

export function ThresholdsEditor({ document, readOnly, onChange }: EditorProps) {
  const issues = useMemo(() => validate(document), [document]);
  const byPath = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const i of issues) m.set(i.path, [...(m.get(i.path) ?? []), i.message]);
    return m;
  }, [issues]);
  const [raw, setRaw] = useState(false);
  const doc = document as { [key: string]: Json };
  const change = (path: string[], value: Json) => onChange(setAt(doc, path, value));
  return (
    <div className="editor">
      <div className={`validation ${issues.length === 0 ? 'ok' : 'bad'}`} data-testid="validation">
        {issues.length === 0 ? (
          'valid: the document passes the thresholds schema'
        ) : (
          <>
            <b>
              {issues.length} problem{issues.length === 1 ? '' : 's'}
            </b>
            <ul>
              {issues.slice(0, 8).map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path}</code>: {i.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <label className="raw-toggle">
        <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> edit as JSON
      </label>
      {raw ? (
        <RawEditor document={document} readOnly={readOnly} onChange={onChange} />
      ) : (
        <div className="form">
          {Object.entries(doc)
            .filter(([k]) => k !== 'version' && k !== 'schemaVersion')
            .map(([k, v]) =>
              k === 'rules' && isRecord(v) ? (
                Object.entries(v).map(([rule, rv]) => <Field key={rule} path={['rules', rule]} value={rv} issues={byPath} readOnly={readOnly} onChange={change} />)
              ) : (
                <Field key={k} path={[k]} value={v} issues={byPath} readOnly={readOnly} onChange={change} />
              ),
            )}
        </div>
      )}
    </div>
  );
}

function RawEditor({ document, readOnly, onChange }: EditorProps) {
  const [text, setText] = useState(() => JSON.stringify(document, null, 2));
  const [bad, setBad] = useState<string | null>(null);
  return (
    <div>
      <textarea
        className="raw"
        spellCheck={false}
        value={text}
        readOnly={readOnly}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(null);
          } catch (error) {
            setBad((error as Error).message);
          }
        }}
      />
      {bad && <p className="field-error">not JSON: {bad}</p>}
    </div>
  );
}
