import { useState } from 'react';
import { api, type FlowTestResults } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';

/** Run the flow's scripted test calls against the draft; show pass/fail and edge coverage on the canvas. */
export function FlowTestsPanel() {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const covered = useFlowStore((s) => s.coveredEdgeIds);
  const [results, setResults] = useState<FlowTestResults>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      const r = await api.runTests(flowId, store.getState().flow);
      setResults(r);
      store.getState().setCoverage(r.coverage.traversed);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const passed = results?.results.filter((r) => r.passed).length ?? 0;
  return (
    <section className="flow-tests" aria-label="Flow tests">
      <h2>Flow tests</h2>
      <button type="button" onClick={() => void run()} disabled={running}>
        {running ? 'Running…' : 'Run test calls'}
      </button>
      {covered && (
        <button type="button" onClick={() => store.getState().setCoverage(undefined)}>
          Hide coverage
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <>
          <p aria-live="polite">
            {passed} of {results.results.length} calls passed · edge coverage {results.coverage.traversed.length}/{results.coverage.total}
            {results.coverage.total > 0 && ` (${Math.round((100 * results.coverage.traversed.length) / results.coverage.total)}%)`} — untested connections are dimmed.
          </p>
          <ul className="test-results">
            {results.results.map((r) => (
              <li key={r.name} className={r.passed ? 'ok-text' : 'field-error'}>
                {r.passed ? '✓' : '✕'} {r.name}
                {r.failures.length > 0 && (
                  <ul>
                    {r.failures.map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
