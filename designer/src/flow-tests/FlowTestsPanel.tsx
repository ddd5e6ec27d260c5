import { useCallback, useEffect, useState } from 'react';
import { api, type FlowTestResults, type SavedTestCallRecord } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';

/** The flow's scripted test calls: list them, run them against the draft (pass/fail, edge coverage on the canvas), remove one. */
export function FlowTestsPanel() {
  const store = useFlowStoreApi();
  const flowId = useFlowStore((s) => s.flowId);
  const covered = useFlowStore((s) => s.coveredEdgeIds);
  const canEdit = useFlowStore((s) => !s.readOnly);
  const [saved, setSaved] = useState<{ calls: SavedTestCallRecord[]; world?: Record<string, unknown> }>();
  const [results, setResults] = useState<FlowTestResults>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();

  const reload = useCallback(() => {
    api.tests(flowId).then(setSaved, (e: Error) => setError(e.message));
  }, [flowId]);
  useEffect(() => {
    reload();
    // A test call saved as a test (Test call panel) shows up here at once.
    window.addEventListener('frontdoor:tests-changed', reload);
    return () => window.removeEventListener('frontdoor:tests-changed', reload);
  }, [reload]);

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

  const remove = async (name: string) => {
    if (!saved || !window.confirm(`Remove the test “${name}”?`)) return;
    try {
      await api.saveTests(flowId, { ...saved, calls: saved.calls.filter((c) => c.name !== name) });
      setResults(undefined);
      reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const passed = results?.results.filter((r) => r.passed).length ?? 0;
  const resultOf = (name: string) => results?.results.find((r) => r.name === name);
  return (
    <section className="flow-tests" aria-label="Flow tests">
      <p className="muted">Scripted calls that must keep working: run them before you publish. Save a test call as a test on the Test call tab.</p>
      <div className="call-buttons">
        <button type="button" className="primary" onClick={() => void run()} disabled={running || saved?.calls.length === 0}>
          {running ? 'Running…' : 'Run test calls'}
        </button>
        {covered && (
          <button type="button" onClick={() => store.getState().setCoverage(undefined)}>
            Hide coverage
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <p aria-live="polite" className={passed === results.results.length ? 'ok-text' : 'field-error'}>
          {passed} of {results.results.length} calls passed · edge coverage {results.coverage.traversed.length}/{results.coverage.total}
          {results.coverage.total > 0 && ` (${Math.round((100 * results.coverage.traversed.length) / results.coverage.total)}%)`} — untested connections are dimmed.
        </p>
      )}
      {saved && saved.calls.length === 0 && <p className="muted">No test calls yet.</p>}
      <ul className="test-results">
        {saved?.calls.map((c) => {
          const r = resultOf(c.name);
          return (
            <li key={c.name} className={r ? (r.passed ? 'test-passed' : 'test-failed') : undefined}>
              <span className="test-mark" aria-hidden="true">
                {r ? (r.passed ? '✓' : '✕') : '•'}
              </span>
              <span className="test-name">{c.name}</span>
              {r && <span className="visually-hidden">{r.passed ? 'passed' : 'failed'}</span>}
              {canEdit && (
                <button type="button" className="icon-button" aria-label={`Remove the test ${c.name}`} onClick={() => void remove(c.name)}>
                  ✕
                </button>
              )}
              {r && r.failures.length > 0 && (
                <ul className="test-failures">
                  {r.failures.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
