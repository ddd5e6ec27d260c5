import { useCallback, useEffect, useState } from 'react';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { api, type VersionSummary } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import type { DiffMark } from '../store/flow-store.js';
import { Dialog } from '../ui/Dialog.js';
import { describeDiff, type DiffStory } from './describe-diff.js';

/** Canvas marks for a diff: added and changed nodes (removed ones are listed, as they are not on the canvas). */
export function diffMarks(story: DiffStory): Record<string, DiffMark> {
  const marks: Record<string, DiffMark> = {};
  for (const n of story.nodes) if (n.status !== 'removed' && !n.movedOnly) marks[n.nodeId] = n.status === 'added' ? 'added' : 'changed';
  return marks;
}

const sideName = (side: string) => (side === 'draft' ? 'the draft' : `version ${side}`);

/** Published versions: history, what changed (old and new side by side, and on the canvas), roll back. */
export function VersionsPanel({ canPublish, refreshKey, onLiveVersion }: { canPublish: boolean; refreshKey: number; onLiveVersion?: (version: number | undefined) => void }) {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const diffLabel = useFlowStore((s) => s.diffLabel);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<DiffStory>();
  const [confirmRollback, setConfirmRollback] = useState<number>();
  const [compareFrom, setCompareFrom] = useState<string>('');
  const [compareTo, setCompareTo] = useState<string>('draft');

  const reload = useCallback(() => {
    api.versions(flowId).then((vs) => {
      setVersions(vs);
      onLiveVersion?.(vs.find((v) => v.published)?.version);
      setCompareFrom((f) => f || String(vs.find((v) => v.published)?.version ?? ''));
    }, (e: Error) => setError(e.message));
  }, [flowId, onLiveVersion]);
  useEffect(reload, [reload, refreshKey]);

  const graph = async (side: string): Promise<Flow> => (side === 'draft' ? store.getState().flow : (await api.version(flowId, Number(side))).flow);

  const showDiff = async () => {
    if (!compareFrom) return;
    setError(undefined);
    try {
      const story = describeDiff(await graph(compareFrom), await graph(compareTo));
      store.getState().setDiff(diffMarks(story), `${sideName(compareFrom)} → ${sideName(compareTo)}`);
      setShown(story);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const rollback = async (version: number) => {
    setConfirmRollback(undefined);
    try {
      await store.getState().save();
      const { version: made, draftRevision } = await api.rollback(flowId, version);
      const rolledBack = await api.version(flowId, made);
      // The draft is that version now too: the next publish starts from it (Undo brings the old draft back).
      store.getState().adoptDraft(rolledBack.flow, draftRevision);
      store.getState().setDiff(undefined);
      setShown(undefined);
      setError(undefined);
      reload();
      window.dispatchEvent(
        new CustomEvent('frontdoor:announce', {
          detail: `Rolled back: version ${made} is now live (the flow of version ${version}), and the draft is version ${version} again. Undo (Ctrl+Z) brings back the draft you had.`,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return (
    <section className="versions" aria-label="Versions">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="diff-controls">
        <label>
          Compare
          <select aria-label="Compare from version" value={compareFrom} onChange={(e) => setCompareFrom(e.target.value)}>
            <option value="">choose…</option>
            {sorted.map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
                {v.published ? ' (live)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          with
          <select aria-label="Compare to" value={compareTo} onChange={(e) => setCompareTo(e.target.value)}>
            <option value="draft">the draft</option>
            {sorted.map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
        </label>
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
            Hide
          </button>
        )}
      </div>
      {diffLabel && shown && (
        <div className="diff-story" aria-label="Differences">
          <h3>{diffLabel}</h3>
          {shown.flow.length + shown.nodes.length + shown.connections.length === 0 && <p className="muted">No differences.</p>}
          {shown.flow.length > 0 && <ChangeTable title="The flow" rows={shown.flow} />}
          {shown.nodes.map((n) => (
            <div key={n.nodeId} className={`diff-node diff-node-${n.status}`}>
              <h4>
                {n.status === 'removed' ? (
                  n.name
                ) : (
                  <button type="button" className="link" onClick={() => store.getState().revealNode(n.nodeId)}>
                    {n.name}
                  </button>
                )}{' '}
                <span className="muted">{n.kind}</span> <span className={`badge badge-diff-${n.status === 'removed' ? 'changed' : n.status}`}>{n.movedOnly ? 'moved' : n.status}</span>
              </h4>
              {n.rows.length > 0 && <ChangeTable rows={n.rows} />}
            </div>
          ))}
          {shown.connections.length > 0 && (
            <>
              <h4>Connections</h4>
              <ul className="diff-connections">
                {shown.connections.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <h3>History</h3>
      {versions.length === 0 ? (
        <p className="muted">Not published yet.</p>
      ) : (
        <ol className="version-list" reversed>
          {sorted.map((v) => (
            <li key={v.version} data-version={v.version}>
              <div>
                <strong>Version {v.version}</strong> {v.published && <span className="badge badge-entry">live</span>}
              </div>
              <div className="muted">
                {new Date(v.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })} · {v.author}
              </div>
              {v.note && <div>{v.note}</div>}
              {canPublish && !v.published && (
                <button type="button" onClick={() => setConfirmRollback(v.version)}>
                  Roll back to version {v.version}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {confirmRollback !== undefined && (
        <Dialog title={`Roll back to version ${confirmRollback}?`} onCancel={() => setConfirmRollback(undefined)}>
          <p>Calls from now on get the flow of version {confirmRollback}, published again as a new version. Calls in progress keep their version.</p>
          <p>
            <strong>The draft becomes version {confirmRollback} too</strong>, so the next publish starts from it. Unpublished changes in the draft are replaced; Undo brings them back.
          </p>
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

function ChangeTable({ title, rows }: { title?: string; rows: Array<{ label: string; before: string; after: string }> }) {
  return (
    <table className="diff-table">
      {title && <caption>{title}</caption>}
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">Was</th>
          <th scope="col">Now</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th scope="row">{r.label}</th>
            <td className="diff-before">{r.before}</td>
            <td className="diff-after">{r.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
