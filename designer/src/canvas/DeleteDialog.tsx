import { exitLabel, nodeName } from '../../../engine/src/core/flow/names.js';
import { useFlowStore } from '../store/context.js';
import type { DeleteSummary } from '../store/flow-store.js';
import { Dialog } from '../ui/Dialog.js';

/** "Delete 2 steps? This removes 3 connections and leaves Main menu's exit 2: Bins unconnected." */
export function DeleteDialog({ summary, onConfirm, onCancel }: { summary: DeleteSummary; onConfirm: () => void; onCancel: () => void }) {
  const nodes = useFlowStore((s) => s.flow.nodes);
  const named = (id: string) => {
    const node = nodes.find((x) => x.id === id);
    return node ? nodeName(node) : id;
  };
  const n = summary.nodes.length;
  return (
    <Dialog title={`Delete ${n} step${n === 1 ? '' : 's'}?`} onCancel={onCancel}>
      <p>
        Deleting {summary.nodes.map(named).join(', ')} also removes {summary.edges.length} connection{summary.edges.length === 1 ? '' : 's'}.
      </p>
      {summary.unwired.length > 0 && (
        <>
          <p>These exits will lead nowhere:</p>
          <ul>
            {summary.unwired.map((u) => {
              const node = nodes.find((x) => x.id === u.nodeId);
              return (
                <li key={`${u.nodeId}:${u.outcome}`}>
                  {named(u.nodeId)} → {node ? exitLabel(node, u.outcome) : u.outcome}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {summary.removesEntry && <p className="warning-text">Calls start at one of these steps: choose a new start afterwards.</p>}
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
