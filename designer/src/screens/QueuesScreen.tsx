import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { api, ApiError, roleAtLeast, type Me, type PromptRecord, type QueueRecord } from '../api/client.js';
import { humanise, resolve, type JsonSchema } from '../inspector/json-schema.js';
import { FormContext, ObjectField, SchemaField, type FormContextValue } from '../inspector/SchemaField.js';

type Choice = { value: string; label: string };

/**
 * How the queue form groups the settings (presentation only: the fields, labels, limits and help come
 * from the settings' own schema, served by the engine). A setting not named here still appears, under
 * "Other", so a new setting is never hidden.
 */
const sections: Array<{ title: string; keys: string[] }> = [
  { title: 'Waiting and overflow', keys: ['maxWaitSeconds', 'maxCallers', 'overflow', 'priorityRules'] },
  { title: 'What callers hear', keys: ['treatment', 'messageKey'] },
  { title: 'Call backs', keys: ['callback'] },
  { title: 'Agents', keys: ['ringTimeoutSeconds', 'wrapUpSeconds', 'maxMissedOffers', 'whisper', 'recordCalls'] },
  { title: 'Service level', keys: ['serviceLevel'] },
];

interface Draft {
  id: string;
  name: string;
  serviceLine: string;
  scheduleId: string;
  settings: Record<string, unknown>;
}

const blank: Draft = { id: '', name: '', serviceLine: '', scheduleId: '', settings: {} };

/** Queues: service line, opening hours (a stored schedule, by name) and every setting of the ACD, as a form. */
export function QueuesScreen({ me }: { me: Me }) {
  const canWrite = roleAtLeast(me.role, 'admin');
  const [queues, setQueues] = useState<QueueRecord[]>([]);
  const [schema, setSchema] = useState<JsonSchema>();
  const [schedules, setSchedules] = useState<Choice[]>([]);
  const [flows, setFlows] = useState<Choice[]>([]);
  const [prompts, setPrompts] = useState<PromptRecord[]>([]);
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean }>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();

  const refresh = useCallback(() => api.listQueues().then(setQueues, (e: Error) => setError(e.message)), []);
  useEffect(() => {
    void refresh();
    api.queueSettingsSchema().then((s) => setSchema(s as JsonSchema), (e: Error) => setError(e.message));
    api.listSchedules().then((s) => setSchedules(s.map((x) => ({ value: x.id, label: x.name }))), () => undefined);
    api.listFlows().then((f) => setFlows(f.map((x) => ({ value: x.id, label: x.name }))), () => undefined);
    api.listPrompts().then(setPrompts, () => undefined);
  }, [refresh]);

  const scheduleName = (id?: string) => (id ? (schedules.find((s) => s.value === id)?.label ?? `${id} (not found)`) : 'Always open');
  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  const overflowText = (settings: Record<string, unknown>) => {
    const o = settings.overflow as { kind: string; queueId?: string; flowId?: string } | undefined;
    if (!o || o.kind === 'none') return 'None';
    if (o.kind === 'queue') return `Queue: ${queueName(o.queueId ?? '')}`;
    if (o.kind === 'flow') return `Flow: ${flows.find((f) => f.value === o.flowId)?.label ?? o.flowId}`;
    return 'Voicemail';
  };

  const remove = (queue: QueueRecord) => {
    if (!window.confirm(`Delete the queue ${queue.name}?`)) return;
    api.deleteQueue(queue.id).then(refresh, (e: Error) => setError(e.message));
  };

  return (
    <main className="screen" aria-label="Queues">
      <div className="screen-header">
        <h1>Queues</h1>
        {canWrite && !editing && (
          <button type="button" className="primary" onClick={() => (setSaved(undefined), setEditing({ draft: { ...blank, settings: {} }, isNew: true }))}>
            Add queue
          </button>
        )}
      </div>
      {error && !editing && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p className="ok-text" role="status">
          {saved}
        </p>
      )}
      {editing && schema && (
        <QueueForm
          key={editing.draft.id || 'new'}
          initial={editing.draft}
          isNew={editing.isNew}
          schema={schema}
          readOnly={!canWrite}
          refs={{ schedule: schedules, queue: queues.filter((q) => q.id !== editing.draft.id).map((q) => ({ value: q.id, label: q.name })), flow: flows }}
          prompts={prompts}
          onCancel={() => setEditing(undefined)}
          onSaved={(name) => {
            setEditing(undefined);
            setSaved(`Saved the queue ${name}.`);
            void refresh();
          }}
        />
      )}
      <table className="records">
        <caption className="visually-hidden">Queues, their opening hours and main settings</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Service line</th>
            <th scope="col">Opening hours</th>
            <th scope="col">Longest wait</th>
            <th scope="col">Overflow</th>
            <th scope="col">Call backs</th>
            <th scope="col">Wrap-up</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => {
            const s = q.settings;
            const callback = s.callback as { enabled?: boolean; offerAfterSeconds?: number } | undefined;
            return (
              <tr key={q.id}>
                <th scope="row">
                  {q.name} <span className="muted">({q.id})</span>
                  {q.settingsProblems && <span className="field-error"> Settings need attention: {q.settingsProblems.join('; ')}</span>}
                </th>
                <td>{q.serviceLine || <span className="muted">—</span>}</td>
                <td>{scheduleName(q.scheduleId)}</td>
                <td>{minutes(s.maxWaitSeconds)}</td>
                <td>{overflowText(s)}</td>
                <td>{callback?.enabled ? `After ${minutes(callback.offerAfterSeconds)}` : 'Off'}</td>
                <td>{typeof s.wrapUpSeconds === 'number' ? `${s.wrapUpSeconds} s` : ''}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => (setSaved(undefined), setEditing({ draft: draftOf(q), isNew: false }))} aria-label={`${canWrite ? 'Edit' : 'View'} queue ${q.name}`}>
                    {canWrite ? 'Edit' : 'View'}
                  </button>
                  {canWrite && (
                    <button type="button" className="danger" onClick={() => remove(q)} aria-label={`Delete queue ${q.name}`}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
          {queues.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No queues yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}

const draftOf = (q: QueueRecord): Draft => ({ id: q.id, name: q.name, serviceLine: q.serviceLine, scheduleId: q.scheduleId ?? '', settings: q.settings });

function minutes(seconds: unknown): string {
  if (typeof seconds !== 'number') return '';
  if (seconds < 120) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}

interface FormProps {
  initial: Draft;
  isNew: boolean;
  schema: JsonSchema;
  readOnly: boolean;
  refs: NonNullable<FormContextValue['refs']>;
  prompts: PromptRecord[];
  onCancel(): void;
  onSaved(name: string): void;
}

/** One queue: its name, service line and opening hours, then its settings drawn from the settings' schema. */
function QueueForm({ initial, isNew, schema, readOnly, refs, prompts, onCancel, onSaved }: FormProps) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [problems, setProblems] = useState<{ byField: Record<string, string>; settings: Record<string, string[]>; other: string[] }>({ byField: {}, settings: {}, other: [] });
  const id = useId();

  const form: FormContextValue = useMemo(
    () => ({
      root: schema,
      errorsAt: (path: string) => problems.settings[path] ?? [],
      languages: ['en-GB', 'cy-GB'],
      prompts,
      // Queue settings take no secrets (those are for a flow's data dips).
      secrets: [],
      readOnly,
      refs,
    }),
    [schema, problems, prompts, readOnly, refs],
  );

  const properties = schema.properties ?? {};
  const placed = new Set(sections.flatMap((s) => s.keys));
  const all = [...sections, { title: 'Other', keys: Object.keys(properties).filter((k) => !placed.has(k)) }].filter((s) => s.keys.some((k) => properties[k]));

  const save = async () => {
    setProblems({ byField: {}, settings: {}, other: [] });
    try {
      if (isNew) {
        await api.createQueue({ id: draft.id, name: draft.name, serviceLine: draft.serviceLine, ...(draft.scheduleId ? { scheduleId: draft.scheduleId } : {}), settings: draft.settings });
      } else {
        await api.updateQueue(draft.id, { name: draft.name, serviceLine: draft.serviceLine, scheduleId: draft.scheduleId || null, settings: draft.settings });
      }
      onSaved(draft.name);
    } catch (e) {
      const settings: Record<string, string[]> = {};
      const other: string[] = [];
      const byField: Record<string, string> = {};
      const errors = (e instanceof ApiError ? ((e.body as { errors?: Array<{ path: string; message: string }> })?.errors ?? []) : []);
      for (const { path, message } of errors) {
        const inSettings = /^body\.settings\.(.+)$/.exec(path)?.[1];
        const field = /^body\.([^.]+)$/.exec(path)?.[1];
        if (inSettings) settings[inSettings] = [...(settings[inSettings] ?? []), message];
        else if (field) byField[field] = message;
        else other.push(`${path}: ${message}`);
      }
      const onlyFields = other.length === 0 && Object.keys(byField).length + Object.keys(settings).length > 0;
      setProblems({ byField, settings, other: [onlyFields ? 'Some settings need attention: each says what is wrong.' : (e as Error).message, ...other] });
    }
  };

  const text = (key: 'id' | 'name' | 'serviceLine', label: string, help?: string) => (
    <div className={`field${problems.byField[key] ? ' field-invalid' : ''}`}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        value={draft[key]}
        required={key !== 'serviceLine'}
        disabled={readOnly || (key === 'id' && !isNew)}
        aria-invalid={problems.byField[key] ? true : undefined}
        aria-describedby={[help && `${id}-${key}-help`, problems.byField[key] && `${id}-${key}-error`].filter(Boolean).join(' ') || undefined}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
      {help && (
        <small className="help" id={`${id}-${key}-help`}>
          {help}
        </small>
      )}
      {problems.byField[key] && (
        <small className="field-error" id={`${id}-${key}-error`}>
          {problems.byField[key]}
        </small>
      )}
    </div>
  );

  return (
    <form
      className="queue-form"
      aria-label={isNew ? 'New queue' : `Queue ${initial.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{isNew ? 'New queue' : initial.name}</h2>
      {problems.other.length > 0 && (
        <div className="form-problems" role="alert">
          {problems.other.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <FormContext.Provider value={form}>
        <div className="settings-grid">
          <fieldset className="field-group">
            <legend>The queue</legend>
            {text('id', 'Id', 'Letters, digits, _ . : - (flows name the queue by it; cannot be changed later)')}
            {text('name', 'Name')}
            {text('serviceLine', 'Service line', 'Reports group queues by it, e.g. Highways')}
            <div className={`field${problems.byField.scheduleId ? ' field-invalid' : ''}`}>
              <label htmlFor={`${id}-schedule`}>Opening hours</label>
              <select id={`${id}-schedule`} value={draft.scheduleId} disabled={readOnly} aria-describedby={`${id}-schedule-help`} onChange={(e) => setDraft({ ...draft, scheduleId: e.target.value })}>
                <option value="">Always open</option>
                {!refs.schedule?.some((s) => s.value === draft.scheduleId) && draft.scheduleId && <option value={draft.scheduleId}>{draft.scheduleId} (not found)</option>}
                {refs.schedule?.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
              <small className="help" id={`${id}-schedule-help`}>
                A stored schedule (Schedules screen); callers who reach the queue when it is closed take the queue node’s closed exit.
              </small>
              {problems.byField.scheduleId && <small className="field-error">{problems.byField.scheduleId}</small>}
            </div>
          </fieldset>
          {all.map((section) => (
            <fieldset className="field-group" key={section.title}>
              <legend>{section.title}</legend>
              {section.keys
                .filter((key) => properties[key])
                .map((key) => {
                  const child = properties[key]!;
                  const resolved = resolve(child, schema);
                  const onChange = (v: unknown) => {
                    const { [key]: _old, ...rest } = draft.settings;
                    setDraft({ ...draft, settings: v === undefined ? rest : { ...draft.settings, [key]: v } });
                  };
                  const props = { path: [key], label: resolved.title ?? humanise(key), value: draft.settings[key], required: false, onChange };
                  // A group of settings (treatment, call backs, service level) is the section itself: its fields, no second box.
                  return resolved.type === 'object' && resolved.properties ? <ObjectField key={key} {...props} schema={resolved} errors={[]} flat /> : <SchemaField key={key} {...props} schema={child} />;
                })}
            </fieldset>
          ))}
        </div>
      </FormContext.Provider>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {readOnly ? 'Close' : 'Cancel'}
        </button>
        {!readOnly && (
          <button type="submit" className="primary">
            Save queue
          </button>
        )}
      </div>
    </form>
  );
}
