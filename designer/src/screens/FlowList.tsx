import { useEffect, useRef, useState } from 'react';
import { api, roleAtLeast, type FlowSummary, type Me } from '../api/client.js';
import { emptyFlow } from '../store/flow-store.js';

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64);

/** Every flow: open one, start a new one, or import a flow JSON file. */
export function FlowList({ me, open }: { me: Me; open: (id: string) => void }) {
  const [flows, setFlows] = useState<FlowSummary[]>();
  const [error, setError] = useState<string>();
  const [name, setName] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const canEdit = roleAtLeast(me.role, 'designer');

  useEffect(() => {
    api.listFlows().then(setFlows, (e: Error) => setError(e.message));
  }, []);

  const create = async () => {
    const id = slug(name);
    if (!id) return setError('Give the flow a name with at least one letter or digit.');
    try {
      const made = await api.createFlow(emptyFlow(id, name.trim()));
      open(made.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const importFile = async (f: File) => {
    try {
      const made = await api.importFlow(JSON.parse(await f.text()));
      open(made.id);
    } catch (e) {
      setError(`Could not import ${f.name}: ${(e as Error).message}`);
    }
  };

  return (
    <main className="screen" aria-label="Flows">
      <h1>Call flows</h1>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {canEdit && (
        <form
          className="inline-form"
          aria-label="New flow"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label htmlFor="new-flow-name">New flow name</label>
          <input id="new-flow-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Council tax line" />
          <button type="submit" className="primary">
            Create flow
          </button>
          <button type="button" onClick={() => file.current?.click()}>
            Import JSON…
          </button>
          <input ref={file} type="file" accept="application/json,.json" hidden aria-label="Import a flow JSON file" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
        </form>
      )}
      {!flows ? (
        <p aria-live="polite">Loading…</p>
      ) : (
        <table className="records">
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Live version</th>
              <th scope="col">Last changed</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id}>
                <td>
                  <a href={`#/flows/${encodeURIComponent(f.id)}`}>{f.name}</a> <span className="muted">{f.id}</span>
                  {f.description && <div className="muted">{f.description}</div>}
                </td>
                <td>{f.publishedVersion ? `v${f.publishedVersion}` : 'not published'}</td>
                <td>{new Date(f.updatedAt).toLocaleString('en-GB')}</td>
              </tr>
            ))}
            {flows.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  No flows yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </main>
  );
}
