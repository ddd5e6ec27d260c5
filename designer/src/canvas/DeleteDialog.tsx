import type { DeleteSummary } from '../store/flow-store.js';
import { Dialog } from '../ui/Dialog.js';

/** "Delete 2 nodes? This removes 3 connections and leaves menu-1's outcome 2 unwired." */
export function DeleteDialog({ summary, onConfirm, onCancel }: { summary: DeleteSummary; onConfirm: () => void; onCancel: () => void }) {
  const n = summary.nodes.length;
  return (
    <Dialog title={`Delete ${n} node${n === 1 ? '' : 's'}?`} onCancel={onCancel}>
      <p>Deleting {summary.nodes.join(', ')} also removes {summary.edges.length} connection{summary.edges.length === 1 ? '' : 's'}.</p>
      {summary.unwired.length > 0 && (
        <>
          <p>These outcomes will be left unwired:</p>
          <ul>
            {summary.unwired.map((u) => (
              <li key={`${u.nodeId}:${u.outcome}`}>
                {u.nodeId} → {u.outcome}
              </li>
            ))}
          </ul>
        </>
      )}
      {summary.removesEntry && <p className="warning-text">The call starts at one of these nodes: choose a new start afterwards.</p>}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel} data-autofocus>
          Keep
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          Delete
        </button>
      </div>
    </Dialog>
  );
}
