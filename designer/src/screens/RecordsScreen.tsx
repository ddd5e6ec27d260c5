import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export interface FieldSpec {
  key: string;
  label: string;
  kind: 'text' | 'choice' | 'json' | 'languages';
  /** For `choice`: the allowed values with labels. */
  choices?: Array<{ value: string; label: string }>;
  required?: boolean;
  /** The record's key: set on create, fixed afterwards. */
  isKey?: boolean;
  help?: string;
}

interface Props<T> {
  title: string;
  noun: string;
  fields: FieldSpec[];
  load(): Promise<T[]>;
  create(record: T): Promise<unknown>;
  update(key: string, changes: Omit<T, never>): Promise<unknown>;
  remove(key: string): Promise<unknown>;
  canWrite: boolean;
  /** A blank record for "Add". */
  blank: T;
  languages?: string[];
  /** More buttons for a record's row (e.g. listen to a prompt). */
  rowActions?(record: T, refresh: () => void): ReactNode;
}

type Draft = Record<string, unknown>;

/** A list of records with an add/edit form, for the prompts, numbers and schedules screens. */
export function RecordsScreen<T extends object>({ title, noun, fields, load, create, update, remove, canWrite, blank, languages = ['en-GB', 'cy-GB'], rowActions }: Props<T>) {
  const [records, setRecords] = useState<T[]>([]);
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean }>();
  const [error, setError] = useState<string>();
  const keyField = fields.find((f) => f.isKey)!;
  const formId = useId();

  const refresh = useCallback(() => {
    load().then(setRecords, (e: Error) => setError(e.message));
  }, [load]);
  useEffect(refresh, [refresh]);

  const save = async () => {
    if (!editing) return;
    setError(undefined);
    try {
      const record: Draft = {};
      for (const f of fields) {
        const v = editing.draft[f.key];
        if (f.kind === 'json') record[f.key] = typeof v === 'string' ? (v.trim() === '' ? {} : JSON.parse(v)) : v;
        else if (v !== '' && v !== undefined) record[f.key] = v;
      }
      if (editing.isNew) await create(record as T);
      else {
        const { [keyField.key]: key, ...changes } = record;
        await update(String(key), changes as T);
      }
      setEditing(undefined);
      refresh();
    } catch (e) {
      const detail = e instanceof ApiError ? ((e.body as { errors?: Array<{ path: string; message: string }> })?.errors ?? []).map((x) => `${x.path}: ${x.message}`) : [];
      setError([(e as Error).message, ...detail].join(' · '));
    }
  };

  const value = (r: T, f: FieldSpec) => {
    const v = (r as Record<string, unknown>)[f.key];
    if (f.kind === 'languages') return Object.entries((v ?? {}) as Record<string, string>).map(([l, t]) => `${l}: ${t}`).join(' / ');
    if (f.kind === 'json') return JSON.stringify(v ?? {}).slice(0, 80);
    if (f.kind === 'choice') return f.choices?.find((c) => c.value === v)?.label ?? String(v ?? '');
    return String(v ?? '');
  };

  return (
    <main className="screen" aria-label={title}>
      <h1>{title}</h1>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {canWrite && !editing && (
        <button type="button" className="primary" onClick={() => setEditing({ draft: { ...(blank as Draft) }, isNew: true })}>
          Add {noun}
        </button>
      )}
      {editing && (
        <form
          className="record-form"
          aria-label={editing.isNew ? `New ${noun}` : `Edit ${noun}`}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {fields.map((f) => {
            const id = `${formId}-${f.key}`;
            const v = editing.draft[f.key];
            const set = (nv: unknown) => setEditing({ ...editing, draft: { ...editing.draft, [f.key]: nv } });
            if (f.kind === 'languages') {
              const text = (v ?? {}) as Record<string, string>;
              return (
                <fieldset key={f.key} className="field-group">
                  <legend>{f.label}</legend>
                  {languages.map((l) => (
                    <div className="field" key={l}>
                      <label htmlFor={`${id}-${l}`}>
                        {f.label} ({l})
                      </label>
                      <textarea id={`${id}-${l}`} rows={2} value={text[l] ?? ''} onChange={(e) => set({ ...text, [l]: e.target.value })} />
                    </div>
                  ))}
                </fieldset>
              );
            }
            return (
              <div className="field" key={f.key}>
                <label htmlFor={id}>{f.label}</label>
                {f.kind === 'choice' ? (
                  <select id={id} value={String(v ?? '')} required={f.required} onChange={(e) => set(e.target.value)}>
                    <option value="">{f.required ? 'Choose…' : '(none)'}</option>
                    {f.choices?.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                ) : f.kind === 'json' ? (
                  <textarea id={id} rows={6} value={typeof v === 'string' ? v : JSON.stringify(v ?? {}, null, 2)} onChange={(e) => set(e.target.value)} />
                ) : (
                  <input id={id} value={String(v ?? '')} required={f.required} disabled={f.isKey && !editing.isNew} onChange={(e) => set(e.target.value)} />
                )}
                {f.help && <small className="help">{f.help}</small>}
              </div>
            );
          })}
          <div className="dialog-actions">
            <button type="button" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Save {noun}
            </button>
          </div>
        </form>
      )}
      <table className="records">
        <thead>
          <tr>
            {fields.map((f) => (
              <th key={f.key} scope="col">
                {f.label}
              </th>
            ))}
            {(canWrite || rowActions) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const key = String((r as Record<string, unknown>)[keyField.key]);
            return (
              <tr key={key}>
                {fields.map((f) => (
                  <td key={f.key}>{value(r, f)}</td>
                ))}
                {(canWrite || rowActions) && (
                  <td>
                    {rowActions?.(r, refresh)}
                    {canWrite && (
                      <>
                    <button type="button" onClick={() => setEditing({ draft: { ...(r as Draft) }, isNew: false })} aria-label={`Edit ${noun} ${key}`}>
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Delete ${noun} ${key}`}
                      onClick={() => {
                        if (window.confirm(`Delete ${noun} ${key}?`)) remove(key).then(refresh, (e: Error) => setError(e.message));
                      }}
                    >
                      Delete
                    </button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
          {records.length === 0 && (
            <tr>
              <td colSpan={fields.length + 1} className="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}
