import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiError, roleAtLeast, type AgentEndpoint, type AgentRecord, type EndpointKind, type Me, type QueueRecord, type UserRecord } from '../api/client.js';
import { clock, endpointKindLabel, endpointKindShort, spoken, stateLabel } from '../desk/presence.js';
import { useNow } from '../desk/use-now.js';

const kinds = Object.keys(endpointKindLabel) as EndpointKind[];
const valueHelp: Record<EndpointKind, string> = {
  webrtc: 'The user name the desk’s browser phone registers as',
  'sip-user': 'The SIP user name the phone registers with',
  'sip-uri': 'e.g. sip:desk-12@pbx.example.gov.uk',
  teams: 'E.164, e.g. +441632960123',
  pstn: 'E.164, e.g. +447700900123',
};

interface Draft {
  id: string;
  name: string;
  userId: string;
  endpoints: AgentEndpoint[];
  activeEndpoint: number;
  skills: Array<[string, number]>;
  queueIds: string[];
}

const blank: Draft = { id: '', name: '', userId: '', endpoints: [{ kind: 'webrtc', value: '', label: 'Browser' }], activeEndpoint: 0, skills: [], queueIds: [] };

/** Advisers: how each is reached, what they can do and how well, the queues they serve, and their state now. */
export function AgentsScreen({ me }: { me: Me }) {
  const canWrite = roleAtLeast(me.role, 'admin');
  const [agents, setAgents] = useState<AgentRecord[]>([]);
  const [queues, setQueues] = useState<QueueRecord[]>([]);
  const [users, setUsers] = useState<UserRecord[]>([]);
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean }>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const now = useNow(1000);

  const refresh = useCallback(() => api.listAgents().then(setAgents, (e: Error) => setError(e.message)), []);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 5000);
    api.listQueues().then(setQueues, () => undefined);
    if (canWrite) api.listUsers().then(setUsers, () => undefined);
    return () => clearInterval(timer);
  }, [refresh, canWrite]);

  const queueName = (id: string) => queues.find((q) => q.id === id)?.name ?? id;
  const userName = (id?: string) => (id ? (users.find((u) => u.id === id)?.username ?? id) : undefined);

  const remove = (agent: AgentRecord) => {
    if (!window.confirm(`Delete the agent ${agent.name}?`)) return;
    api.deleteAgent(agent.id).then(refresh, (e: Error) => setError(e.message));
  };

  return (
    <main className="screen" aria-label="Agents">
      <div className="screen-header">
        <h1>Agents</h1>
        {canWrite && !editing && (
          <button type="button" className="primary" onClick={() => (setSaved(undefined), setEditing({ draft: structuredClone(blank), isNew: true }))}>
            Add agent
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p className="ok-text" role="status">
          {saved}
        </p>
      )}
      {editing && (
        <AgentForm
          initial={editing.draft}
          isNew={editing.isNew}
          queues={queues}
          users={users}
          onCancel={() => setEditing(undefined)}
          onSaved={(name) => {
            setEditing(undefined);
            setSaved(`Saved the agent ${name}.`);
            void refresh();
          }}
        />
      )}
      <table className="records">
        <caption className="visually-hidden">Agents, their state now and how they are reached</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Rings on</th>
            <th scope="col">Queues</th>
            <th scope="col">Skills</th>
            {canWrite && <th scope="col">Signs in as</th>}
            {canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => {
            const state = a.state ?? { state: 'offline' as const, missedOffers: 0 };
            const since = state.since ? now - Date.parse(state.since) : undefined;
            const ringing = a.endpoints[a.activeEndpoint];
            return (
              <tr key={a.id}>
                <th scope="row">
                  {a.name} <span className="muted">({a.id})</span>
                </th>
                <td>
                  <span className={`state-pill state-${state.state}`}>{stateLabel[state.state]}</span>
                  {state.reason && <span className="muted"> {state.reason}</span>}
                  {since !== undefined && (
                    <span className="state-time" aria-label={`for ${spoken(since)}`}>
                      {' '}
                      {clock(since)}
                    </span>
                  )}
                </td>
                <td>{ringing ? `${ringing.label ?? endpointKindShort[ringing.kind]} · ${ringing.value}` : <span className="muted">No endpoint</span>}</td>
                <td>{a.queueIds.map(queueName).join(', ') || <span className="muted">None</span>}</td>
                <td>
                  {Object.entries(a.skills).map(([skill, level]) => (
                    <span key={skill} className="chip">
                      {skill} <span aria-label={`level ${level} of 10`}>{level}</span>
                    </span>
                  ))}
                </td>
                {canWrite && <td>{userName(a.userId) ?? <span className="muted">—</span>}</td>}
                {canWrite && (
                  <td className="row-actions">
                    <button type="button" onClick={() => (setSaved(undefined), setEditing({ draft: draftOf(a), isNew: false }))} aria-label={`Edit agent ${a.name}`}>
                      Edit
                    </button>
                    <button type="button" className="danger" onClick={() => remove(a)} aria-label={`Delete agent ${a.name}`}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
          {agents.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No agents yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}

const draftOf = (a: AgentRecord): Draft => ({
  id: a.id,
  name: a.name,
  userId: a.userId ?? '',
  endpoints: a.endpoints.map((e) => ({ ...e })),
  activeEndpoint: a.activeEndpoint,
  skills: Object.entries(a.skills),
  queueIds: [...a.queueIds],
});

function AgentForm({ initial, isNew, queues, users, onCancel, onSaved }: { initial: Draft; isNew: boolean; queues: QueueRecord[]; users: UserRecord[]; onCancel(): void; onSaved(name: string): void }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [problems, setProblems] = useState<{ at: Record<string, string>; other: string[] }>({ at: {}, other: [] });
  const id = useId();
  const set = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  const problem = (path: string) => problems.at[path];

  const save = async () => {
    setProblems({ at: {}, other: [] });
    const body = {
      name: draft.name,
      endpoints: draft.endpoints.map((e) => ({ kind: e.kind, value: e.value.trim(), ...(e.label?.trim() ? { label: e.label.trim() } : {}) })),
      activeEndpoint: draft.activeEndpoint,
      skills: Object.fromEntries(draft.skills.filter(([s]) => s.trim() !== '').map(([s, l]) => [s.trim(), l])),
      queueIds: draft.queueIds,
    };
    try {
      if (isNew) await api.createAgent({ id: draft.id, ...body, ...(draft.userId ? { userId: draft.userId } : {}) });
      else await api.updateAgent(draft.id, { ...body, userId: draft.userId || null });
      onSaved(draft.name);
    } catch (e) {
      const at: Record<string, string> = {};
      const other: string[] = [];
      for (const { path, message } of e instanceof ApiError ? ((e.body as { errors?: Array<{ path: string; message: string }> })?.errors ?? []) : []) {
        if (path.startsWith('body.')) at[path.slice(5)] = message;
        else other.push(`${path}: ${message}`);
      }
      setProblems({ at, other: [Object.keys(at).length > 0 && other.length === 0 ? 'Some fields need attention: each says what is wrong.' : (e as Error).message, ...other] });
    }
  };

  const errorText = (path: string) =>
    problem(path) && (
      <small className="field-error" id={`${id}-${path}-error`}>
        {problem(path)}
      </small>
    );
  const describedBy = (path: string, help?: boolean) => [help && `${id}-${path}-help`, problem(path) && `${id}-${path}-error`].filter(Boolean).join(' ') || undefined;

  return (
    <form
      className="queue-form"
      aria-label={isNew ? 'New agent' : `Agent ${initial.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{isNew ? 'New agent' : initial.name}</h2>
      {problems.other.length > 0 && (
        <div className="form-problems" role="alert">
          {problems.other.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      )}
      <div className="settings-grid">
        <fieldset className="field-group">
          <legend>The adviser</legend>
          <div className={`field${problem('id') ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-id`}>Id</label>
            <input id={`${id}-id`} required disabled={!isNew} value={draft.id} aria-describedby={describedBy('id', true)} onChange={(e) => set({ id: e.target.value })} />
            <small className="help" id={`${id}-id-help`}>
              Letters, digits, _ . : - (cannot be changed later)
            </small>
            {errorText('id')}
          </div>
          <div className={`field${problem('name') ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} required value={draft.name} aria-describedby={describedBy('name')} onChange={(e) => set({ name: e.target.value })} />
            {errorText('name')}
          </div>
          <div className={`field${problem('userId') ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-user`}>Signs in to the desk as</label>
            <select id={`${id}-user`} value={draft.userId} aria-describedby={describedBy('userId', true)} onChange={(e) => set({ userId: e.target.value })}>
              <option value="">(nobody: no desk)</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username} ({u.role})
                </option>
              ))}
            </select>
            <small className="help" id={`${id}-userId-help`}>
              A user with the agent or supervisor role (Users screen)
            </small>
            {errorText('userId')}
          </div>
        </fieldset>

        <fieldset className="field-group wide-group">
          <legend>Where calls ring</legend>
          {draft.endpoints.map((endpoint, index) => (
            <div className="endpoint-row" key={index} role="group" aria-label={`Endpoint ${index + 1}`}>
              <div className="field">
                <label htmlFor={`${id}-ep${index}-kind`}>Kind</label>
                <select
                  id={`${id}-ep${index}-kind`}
                  value={endpoint.kind}
                  onChange={(e) => set({ endpoints: draft.endpoints.map((x, i) => (i === index ? { ...x, kind: e.target.value as EndpointKind } : x)) })}
                >
                  {kinds.map((k) => (
                    <option key={k} value={k}>
                      {endpointKindLabel[k]}
                    </option>
                  ))}
                </select>
              </div>
              <div className={`field${problem(`endpoints.${index}.value`) ? ' field-invalid' : ''}`}>
                <label htmlFor={`${id}-ep${index}-value`}>Address</label>
                <input
                  id={`${id}-ep${index}-value`}
                  required
                  value={endpoint.value}
                  aria-describedby={[`${id}-ep${index}-help`, problem(`endpoints.${index}.value`) && `${id}-endpoints.${index}.value-error`].filter(Boolean).join(' ')}
                  onChange={(e) => set({ endpoints: draft.endpoints.map((x, i) => (i === index ? { ...x, value: e.target.value } : x)) })}
                />
                <small className="help" id={`${id}-ep${index}-help`}>
                  {valueHelp[endpoint.kind]}
                </small>
                {errorText(`endpoints.${index}.value`)}
              </div>
              <div className="field">
                <label htmlFor={`${id}-ep${index}-label`}>Label</label>
                <input id={`${id}-ep${index}-label`} value={endpoint.label ?? ''} onChange={(e) => set({ endpoints: draft.endpoints.map((x, i) => (i === index ? { ...x, label: e.target.value } : x)) })} />
              </div>
              <div className="field field-inline">
                <input
                  id={`${id}-ep${index}-active`}
                  type="radio"
                  name={`${id}-active`}
                  checked={draft.activeEndpoint === index}
                  onChange={() => set({ activeEndpoint: index })}
                />
                <label htmlFor={`${id}-ep${index}-active`}>Rings now</label>
              </div>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove endpoint ${index + 1}`}
                onClick={() => set({ endpoints: draft.endpoints.filter((_, i) => i !== index), activeEndpoint: draft.activeEndpoint >= index && draft.activeEndpoint > 0 ? draft.activeEndpoint - 1 : draft.activeEndpoint })}
              >
                ✕
              </button>
            </div>
          ))}
          {errorText('activeEndpoint')}
          <button type="button" disabled={draft.endpoints.length >= 10} onClick={() => set({ endpoints: [...draft.endpoints, { kind: 'sip-user', value: '' }] })}>
            Add endpoint
          </button>
        </fieldset>

        <fieldset className="field-group">
          <legend>Skills</legend>
          <p className="help">Level 1 (learning) to 10 (expert). A queue node asking for a skill at a level offers its callers only to agents at that level or above.</p>
          {draft.skills.map(([skill, level], index) => (
            <div className="skill-row" key={index} role="group" aria-label={`Skill ${index + 1}`}>
              <div className="field">
                <label htmlFor={`${id}-skill${index}`}>Skill</label>
                <input id={`${id}-skill${index}`} value={skill} onChange={(e) => set({ skills: draft.skills.map((x, i) => (i === index ? [e.target.value, x[1]] : x)) })} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-level${index}`}>Level</label>
                <select id={`${id}-level${index}`} value={level} onChange={(e) => set({ skills: draft.skills.map((x, i) => (i === index ? [x[0], Number(e.target.value)] : x)) })}>
                  {Array.from({ length: 10 }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" className="icon-button" aria-label={`Remove skill ${skill || index + 1}`} onClick={() => set({ skills: draft.skills.filter((_, i) => i !== index) })}>
                ✕
              </button>
            </div>
          ))}
          {Object.keys(problems.at).some((p) => p.startsWith('skills')) && <small className="field-error">{Object.entries(problems.at).find(([p]) => p.startsWith('skills'))?.[1]}</small>}
          <button type="button" onClick={() => set({ skills: [...draft.skills, ['', 5]] })}>
            Add skill
          </button>
        </fieldset>

        <fieldset className="field-group">
          <legend>Queues served</legend>
          {queues.map((q) => (
            <div className="field field-inline" key={q.id}>
              <input
                id={`${id}-q-${q.id}`}
                type="checkbox"
                checked={draft.queueIds.includes(q.id)}
                onChange={(e) => set({ queueIds: e.target.checked ? [...draft.queueIds, q.id] : draft.queueIds.filter((x) => x !== q.id) })}
              />
              <label htmlFor={`${id}-q-${q.id}`}>{q.name}</label>
            </div>
          ))}
          {queues.length === 0 && <p className="muted">No queues yet.</p>}
          {errorText('queueIds')}
        </fieldset>
      </div>
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Save agent
        </button>
      </div>
    </form>
  );
}
