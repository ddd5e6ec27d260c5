import { useFlowStore, useFlowStoreApi } from '../store/context.js';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The engine's diagnostics for the draft; clicking one selects and centres its node and focuses the field. */
export function DiagnosticsPanel() {
  const store = useFlowStoreApi();
  const diagnostics = useFlowStore((s) => s.diagnostics);
  const names = useFlowStore((s) => s.flow.nodes);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return (
    <section className="diagnostics" aria-label="Problems">
      <h2>
        Problems <span className="muted">({plural(errors, 'error')}, {plural(warnings, 'warning')})</span>
      </h2>
      {diagnostics.length === 0 ? (
        <p className="ok-text">No problems found.</p>
      ) : (
        <ul>
          {diagnostics.map((d, i) => {
            const node = d.nodeId ? names.find((n) => n.id === d.nodeId) : undefined;
            const where = [node?.name ?? d.nodeId, d.field].filter(Boolean).join(' › ');
            return (
              <li key={`${d.code}:${d.nodeId}:${d.field}:${i}`}>
                <button
                  type="button"
                  className={`diagnostic diagnostic-${d.severity}`}
                  data-code={d.code}
                  disabled={!node}
                  onClick={() => node && store.getState().focusNode(node.id, d.field)}
                >
                  <span className="diagnostic-severity">{d.severity === 'error' ? 'Error' : 'Warning'}</span>
                  {where && <span className="diagnostic-where">{where}</span>}
                  <span className="diagnostic-message">{d.message}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
