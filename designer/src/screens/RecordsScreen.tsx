import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export interface FieldSpec {
  key: string;
  label: string;
  kind: 'text' | 'choice' | 'json' | 'languages' | 'password' | 'boolean' | 'datetime';
  /** For `choice`: the allowed values with labels. */
  choices?: Array<{ value: string; label: string }>;
  /** `'new'`: required when adding a record, optional when editing one (e.g. a password: blank keeps it). */
  required?: boolean | 'new';
  /** `false`: only in the form (a password), or only in the list (a read-only fact like "last used"). */
  inList?: false;
  inForm?: false;
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
  /** Absent: records can be added and removed but not changed (API tokens). */
  update?(key: string, changes: Omit<T, never>): Promise<unknown>;
  remove(key: string): Promise<unknown>;
  canWrite: boolean;
  /** A blank record for "Add". */
  blank: T;
  languages?: string[];
  /** More buttons for a record's row (e.g. listen to a prompt). */
  rowActions?(record: T, refresh: () => void): ReactNode;
  /** The remove button's word ("Revoke" for a token). */
  removeLabel?: string;
  /** Whether a record's row offers removal (not for a token already revoked); default always. */
  canRemove?(record: T): boolean;
  /** How a record is named in buttons' labels and the removal question; default its key. */
  nameOf?(record: T): string;
  /** One of several lists on a screen: a section with an h2 instead of the screen's main and h1. */
  asSection?: boolean;
}

type Draft = Record<string, unknown>;

/** A list of records with an add/edit form, for the prompts, numbers and schedules screens. */
export function RecordsScreen<T extends object>(props: Props<T>) {
  const { title, noun, fields, load, create, update, remove, canWrite, blank, languages = ['en-GB', 'cy-GB'], rowActions } = props;
  const { removeLabel = 'Delete', canRemove, nameOf, asSection = false } = props;
  const [records, setRecords] = useState<T[]>([]);
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean }>();
  const [error, setError] = useState<string>();
  /** The API's messages for single fields (problem+json `errors[].path` `body.<field>`), shown beside them. */
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const formFields = fields.filter((f) => f.inForm !== false);
  const listFields = fields.filter((f) => f.inList !== false);
  const keyField = fields.find((f) => f.isKey)!;
  const formId = useId();

  const refresh = useCallback(() => {
    load().then(setRecords, (e: Error) => setError(e.message));
  }, [load]);
  useEffect(refresh, [refresh]);

  const save = async () => {
    if (!editing) return;
    setError(undefined);
    setFieldErrors({});
    try {
      const record: Draft = {};
      for (const f of formFields) {
        const v = editing.draft[f.key];
        if (f.kind === 'json') record[f.key] = typeof v === 'string' ? (v.trim() === '' ? {} : JSON.parse(v)) : v;
        else if (f.kind === 'datetime' && typeof v === 'string' && v !== '') record[f.key] = new Date(v).toISOString();
        else if (v !== '' && v !== undefined) record[f.key] = v;
      }
      if (editing.isNew) await create(record as T);
      else {
        const { [keyField.key]: key, ...changes } = record;
        await update?.(String(key), changes as T);
      }
      setEditing(undefined);
      refresh();
    } catch (e) {
      const { byField, other } = e instanceof ApiError ? e.fieldErrors : { byField: {}, other: [] };
      setFieldErrors(byField);
      setError([(e as Error).message, ...other].join(' · '));
    }
  };
  const startEditing = (draft: Draft, isNew: boolean) => {
    setFieldErrors({});
    setEditing({ draft, isNew });
  };

  const value = (r: T, f: FieldSpec) => {
    const v = (r as Record<string, unknown>)[f.key];
    if (f.kind === 'languages') return Object.entries((v ?? {}) as Record<string, string>).map(([l, t]) => `${l}: ${t}`).join(' / ');
    if (f.kind === 'json') return JSON.stringify(v ?? {}).slice(0, 80);
    if (f.kind === 'choice') return f.choices?.find((c) => c.value === v)?.label ?? String(v ?? '');
    if (f.kind === 'boolean') return v ? 'Yes' : 'No';
    if (f.kind === 'datetime') return typeof v === 'string' ? new Date(v).toLocaleString('en-GB') : '';
    return String(v ?? '');
  };

  const Landmark = asSection ? 'section' : 'main';
  const Heading = asSection ? 'h2' : 'h1';
  return (
    <Landmark className="screen" aria-label={title}>
      <Heading>{title}</Heading>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {canWrite && !editing && (
        <button type="button" className="primary" onClick={() => startEditing({ ...(blank as Draft) }, true)}>
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
          {formFields.map((f) => {
            const id = `${formId}-${f.key}`;
            const problem = fieldErrors[f.key];
            const required = f.required === true || (f.required === 'new' && editing.isNew);
            const described = [f.help && `${id}-help`, problem && `${id}-error`].filter(Boolean).join(' ') || undefined;
            const invalid = problem ? true : undefined;
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
              <div className={['field', f.kind === 'boolean' && 'field-inline', problem && 'field-invalid'].filter(Boolean).join(' ')} key={f.key}>
                <label htmlFor={id}>{f.label}</label>
                {f.kind === 'choice' ? (
                  <select id={id} value={String(v ?? '')} required={required} aria-invalid={invalid} aria-describedby={described} onChange={(e) => set(e.target.value)}>
                    <option value="">{required ? 'Choose…' : '(none)'}</option>
                    {f.choices?.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                ) : f.kind === 'json' ? (
                  <textarea id={id} rows={6} value={typeof v === 'string' ? v : JSON.stringify(v ?? {}, null, 2)} aria-invalid={invalid} aria-describedby={described} onChange={(e) => set(e.target.value)} />
                ) : f.kind === 'boolean' ? (
                  <input id={id} type="checkbox" checked={v === true} aria-invalid={invalid} aria-describedby={described} onChange={(e) => set(e.target.checked)} />
                ) : (
                  <input
                    id={id}
                    type={f.kind === 'password' ? 'password' : f.kind === 'datetime' ? 'datetime-local' : 'text'}
                    autoComplete={f.kind === 'password' ? 'new-password' : undefined}
                    value={String(v ?? '')}
                    required={required}
                    disabled={f.isKey && !editing.isNew}
                    aria-invalid={invalid}
                    aria-describedby={described}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
                {f.help && (
                  <small className="help" id={`${id}-help`}>
                    {f.help}
                  </small>
                )}
                {problem && (
                  <span className="field-error" id={`${id}-error`}>
                    {problem}
                  </span>
                )}
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
            {listFields.map((f) => (
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
            const name = nameOf?.(r) ?? key;
            return (
              <tr key={key}>
                {listFields.map((f) => (
                  <td key={f.key}>{value(r, f)}</td>
                ))}
                {(canWrite || rowActions) && (
                  <td>
                    {rowActions?.(r, refresh)}
                    {canWrite && update && (
                      <>
                        <button type="button" onClick={() => startEditing({ ...(r as Draft) }, false)} aria-label={`Edit ${noun} ${name}`}>
                          Edit
                        </button>{' '}
                      </>
                    )}
                    {canWrite && (canRemove?.(r) ?? true) && (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`${removeLabel} ${noun} ${name}`}
                        onClick={() => {
                          if (window.confirm(`${removeLabel} ${noun} ${name}?`)) {
                            remove(key).then(refresh, (e: Error) => setError([e.message, ...(e instanceof ApiError ? e.fieldErrors.other : [])].join(' · ')));
                          }
                        }}
                      >
                        {removeLabel}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
          {records.length === 0 && (
            <tr>
              <td colSpan={listFields.length + 1} className="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Landmark>
  );
}
