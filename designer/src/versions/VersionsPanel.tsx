import { useCallback, useEffect, useState } from 'react';
import { api, type FlowDiff, type VersionSummary } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import type { DiffMark } from '../store/flow-store.js';
import { Dialog } from '../ui/Dialog.js';

/** Canvas marks for a diff: added and changed nodes (removed ones are listed, as they are not on the canvas). */
export function diffMarks(diff: FlowDiff): Record<string, DiffMark> {
  const marks: Record<string, DiffMark> = {};
  for (const id of diff.nodes.added) marks[id] = 'added';
  for (const c of diff.nodes.changed) marks[c.nodeId] = 'changed';
  return marks;
}

function VersionPicker(props: { label: string; ariaLabel: string; value: string; onChange(v: string): void; versions: VersionSummary[]; first: [string, string] }) {
  return (
    <label>
      {props.label}
      <select aria-label={props.ariaLabel} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value={props.first[0]}>{props.first[1]}</option>
        {props.versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Published versions: history, visual diff against the draft or another version, roll back. */
export function VersionsPanel({ canPublish, refreshKey }: { canPublish: boolean; refreshKey: number }) {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const diffLabel = useFlowStore((s) => s.diffLabel);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<FlowDiff>();
  const [confirmRollback, setConfirmRollback] = useState<number>();
  const [compareFrom, setCompareFrom] = useState<string>('');
  const [compareTo, setCompareTo] = useState<string>('draft');

  const reload = useCallback(() => {
    api.versions(flowId).then(setVersions, (e: Error) => setError(e.message));
  }, [flowId]);
  useEffect(reload, [reload, refreshKey]);

  const showDiff = async () => {
    if (!compareFrom) return;
    setError(undefined);
    try {
      if (compareTo === 'draft') await store.getState().save();
      const to = compareTo === 'draft' ? 'draft' : Number(compareTo);
      const diff = await api.diff(flowId, Number(compareFrom), to);
      store.getState().setDiff(diffMarks(diff), `v${compareFrom} → ${to === 'draft' ? 'draft' : `v${to}`}`);
      setShown(diff);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const rollback = async (version: number) => {
    setConfirmRollback(undefined);
    try {
      const { version: made } = await api.rollback(flowId, version);
      setError(undefined);
      reload();
      window.dispatchEvent(new CustomEvent('frontdoor:announce', { detail: `Rolled back: version ${made} is now live (the graph of version ${version}).` }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="versions" aria-label="Versions">
      <h2>Versions</h2>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="diff-controls">
        <VersionPicker label="Compare" ariaLabel="Compare from version" value={compareFrom} onChange={setCompareFrom} versions={versions} first={['', 'choose…']} />
        <VersionPicker label="with" ariaLabel="Compare to" value={compareTo} onChange={setCompareTo} versions={versions} first={['draft', 'the draft']} />
        <button type="button" disabled={!compareFrom} onClick={() => void showDiff()}>
          Show differences
        </button>
        {diffLabel && (
          <button
            type="button"
            onClick={() => {
              store.getState().setDiff(undefined);
              setShown(undefined);
            }}
          >
            Hide differences ({diffLabel})
          </button>
        )}
      </div>
      {diffLabel && shown && (
        <ul className="diff-summary" aria-label="Differences">
          {shown.nodes.added.map((id) => (
            <li key={`+${id}`}>Added {id}</li>
          ))}
          {shown.nodes.changed.map((c) => (
            <li key={`~${c.nodeId}`}>
              Changed {c.nodeId}: {c.fields.join(', ')}
            </li>
          ))}
          {shown.nodes.removed.map((id) => (
            <li key={`-${id}`}>Removed {id}</li>
          ))}
          <li>
            Connections: {shown.edges.added.length} added, {shown.edges.removed.length} removed
          </li>
        </ul>
      )}
      {versions.length === 0 ? (
        <p className="muted">Not published yet.</p>
      ) : (
        <ol className="version-list" reversed>
          {[...versions].sort((a, b) => b.version - a.version).map((v) => (
            <li key={v.version} data-version={v.version}>
              <strong>v{v.version}</strong> {v.published && <span className="badge badge-entry">live</span>} <span className="muted">{new Date(v.createdAt).toLocaleString('en-GB')} · {v.author}</span>
              {v.note && <div>{v.note}</div>}
              {canPublish && !v.published && (
                <button type="button" onClick={() => setConfirmRollback(v.version)}>
                  Roll back to v{v.version}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {confirmRollback !== undefined && (
        <Dialog title={`Roll back to version ${confirmRollback}?`} onCancel={() => setConfirmRollback(undefined)}>
          <p>Calls from now on use the graph of version {confirmRollback}, published again as a new version. Calls in progress keep their version. The draft is not changed.</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setConfirmRollback(undefined)}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={() => void rollback(confirmRollback)}>
              Roll back
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
