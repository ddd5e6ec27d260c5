import { useEffect, useState } from 'react';
import { api, type VersionSummary } from '../api/client.js';
import { addDays, londonDay, percent } from '../reports/format.js';
import { useFlowStore } from '../store/context.js';
import { useAnalytics } from './overlay.js';

/** The Analytics tab: pick a published version and days; the canvas shows where callers went. */
export function AnalyticsPanel() {
  const flowId = useFlowStore((s) => s.flowId);
  const { analytics, show } = useAnalytics();
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [version, setVersion] = useState<number>();
  const today = londonDay();
  const [from, setFrom] = useState(addDays(today, -6));
  const [until, setUntil] = useState(today);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.versions(flowId).then(
      (list) => {
        setVersions(list);
        setVersion((v) => v ?? list.find((x) => x.published)?.version ?? list[0]?.version);
      },
      (e: Error) => setError(e.message),
    );
  }, [flowId]);

  const load = async () => {
    if (version === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      show(await api.flowAnalytics(flowId, version, from, addDays(until, 1)));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (versions.length === 0) return <p className="muted">Publish the flow to see where its callers go.</p>;
  const busiest = analytics ? [...analytics.nodes].sort((a, b) => b.hangups - a.hangups).filter((n) => n.hangups > 0).slice(0, 5) : [];
  return (
    <div className="analytics-panel">
      <p className="muted">Real calls only (not test calls), on whole days in Europe/London.</p>
      <label>
        Version
        <select value={version ?? ''} onChange={(e) => setVersion(Number(e.target.value))}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
              {v.published ? ' (live)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        Until
        <input type="date" value={until} min={from} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <div className="dialog-actions">
        <button type="button" className="primary" disabled={busy || version === undefined} onClick={() => void load()}>
          Show on the canvas
        </button>
        {analytics && (
          <button type="button" onClick={() => show(undefined)}>
            Hide
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {analytics && (
        <>
          <p role="status">
            {analytics.calls} calls on version {analytics.flowVersion}.
          </p>
          {busiest.length > 0 && (
            <>
              <h3>Where callers hung up</h3>
              <ul>
                {busiest.map((n) => (
                  <li key={n.nodeId}>
                    {n.nodeId}: {n.hangups} ({percent(n.visits > 0 ? (100 * n.hangups) / n.visits : null)} of its calls)
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}
