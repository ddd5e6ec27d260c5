import { useFlowStore, useFlowStoreApi } from '../store/context.js';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The engine's diagnostics for the draft, in the designer's words; clicking one selects and centres its step and focuses the field. */
export function DiagnosticsPanel() {
  const store = useFlowStoreApi();
  const diagnostics = useFlowStore((s) => s.diagnostics);
  const nodes = useFlowStore((s) => s.flow.nodes);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  // Errors first (they stop a publish), then warnings, each in the order the engine found them.
  const ordered = [...diagnostics].sort((a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'));
  return (
    <section className="diagnostics" aria-label="Problems">
      <p className="diagnostics-summary">
        {diagnostics.length === 0 ? (
          <span className="ok-text">No problems: this flow can be published.</span>
        ) : (
          <>
            <strong>{plural(errors, 'error')}</strong>, {plural(warnings, 'warning')}
            {errors > 0 && <span className="muted"> · errors must be fixed before publishing</span>}
          </>
        )}
      </p>
      {ordered.length > 0 && (
        <ul>
          {ordered.map((d, i) => {
            const node = d.nodeId ? nodes.find((n) => n.id === d.nodeId) : undefined;
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
