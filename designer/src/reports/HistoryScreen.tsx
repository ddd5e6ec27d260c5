import { useEffect, useMemo, useState } from 'react';
import { api, type QueueRecord } from '../api/client.js';
import { HistoryChart } from './HistoryChart.js';
import type { Granularity, HistoryAnswer, StaffingAnswer } from './report-types.js';
import { addDays, duration, londonDay, percent, periodLabel } from './format.js';

type ScopeChoice = { kind: 'all' } | { kind: 'queue'; queueId: string } | { kind: 'serviceLine'; serviceLine: string };

const scopeKey = (s: ScopeChoice) => (s.kind === 'queue' ? `queue:${s.queueId}` : s.kind === 'serviceLine' ? `line:${s.serviceLine}` : 'all');
const scopeFrom = (key: string): ScopeChoice =>
  key.startsWith('queue:') ? { kind: 'queue', queueId: key.slice(6) } : key.startsWith('line:') ? { kind: 'serviceLine', serviceLine: key.slice(5) } : { kind: 'all' };

function StaffingPanel({ staffing }: { staffing: StaffingAnswer }) {
  const rows = staffing.rows.filter((r) => r.offered > 0);
  return (
    <section className="staffing" aria-labelledby="staffing-title">
      <h2 id="staffing-title">Staffing needed</h2>
      <p className="muted">
        For {staffing.targetPercent} % answered in {staffing.withinSeconds} s, from each half-hour’s measured calls, handle time and patience.
        Erlang C: callers wait as long as it takes; Erlang A: callers give up as they did.
      </p>
      {rows.length === 0 ? (
        <p>No calls that day.</p>
      ) : (
        <table className="records report-table">
          <thead>
            <tr>
              <th scope="col">Half-hour</th>
              <th scope="col">Calls</th>
              <th scope="col">AHT</th>
              <th scope="col">Erlangs</th>
              <th scope="col">Agents (C)</th>
              <th scope="col">Agents (A)</th>
              <th scope="col">Wait (A)</th>
              <th scope="col">Abandon (A)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.start}>
                <th scope="row">{periodLabel(r.start, 'halfHour')}</th>
                <td>{r.offered}</td>
                <td>{duration(r.handleSeconds)}</td>
                <td>{r.erlangs?.toFixed(2) ?? '–'}</td>
                <td>{r.erlangC?.agents ?? '–'}</td>
                <td>{r.erlangA?.agents ?? '–'}</td>
                <td>{duration(r.erlangA?.averageSpeedOfAnswer)}</td>
                <td>{r.erlangA ? percent(r.erlangA.abandonRate * 100) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** History by half-hour, day, week or month: a chart, the table under it, CSV, and staffing beside a day's half-hours. */
export function HistoryScreen() {
  const today = londonDay();
  const [queues, setQueues] = useState<QueueRecord[]>([]);
  const [scope, setScope] = useState<ScopeChoice>({ kind: 'all' });
  const [granularity, setGranularity] = useState<Granularity>('day');
  const [from, setFrom] = useState(addDays(today, -13));
  const [until, setUntil] = useState(today);
  const [repeatDays, setRepeatDays] = useState(7);
  const [answer, setAnswer] = useState<HistoryAnswer>();
  const [staffing, setStaffing] = useState<StaffingAnswer>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.listQueues().then(setQueues, () => setQueues([]));
  }, []);
  const lines = useMemo(() => [...new Set(queues.map((q) => q.serviceLine ?? '').filter(Boolean))].sort(), [queues]);
  const query = useMemo(() => {
    const q = new URLSearchParams({ granularity, from, to: addDays(until, 1), repeatDays: String(repeatDays) });
    if (scope.kind === 'queue') q.set('queueId', scope.queueId);
    if (scope.kind === 'serviceLine') q.set('serviceLine', scope.serviceLine);
    return q.toString();
  }, [scope, granularity, from, until, repeatDays]);

  useEffect(() => {
    setError(undefined);
    api.history(query).then(setAnswer, (e: Error) => {
      setAnswer(undefined);
      setError(e.message);
    });
    if (granularity === 'halfHour') {
      const q = new URLSearchParams({ day: from });
      if (scope.kind === 'queue') q.set('queueId', scope.queueId);
      if (scope.kind === 'serviceLine') q.set('serviceLine', scope.serviceLine);
      api.staffing(q.toString()).then(setStaffing, () => setStaffing(undefined));
    } else setStaffing(undefined);
  }, [query, granularity, from, scope]);

  const first = answer?.thresholds[0] ?? 20;
  return (
    <section className="screen reports" aria-label="Reports">
      <h1>Reports</h1>
      <form className="report-controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          Show
          <select value={scopeKey(scope)} onChange={(e) => setScope(scopeFrom(e.target.value))}>
            <option value="all">All queues</option>
            {lines.length > 0 && (
              <optgroup label="Service lines">
                {lines.map((l) => (
                  <option key={l} value={`line:${l}`}>
                    {l}
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="Queues">
              {queues.map((q) => (
                <option key={q.id} value={`queue:${q.id}`}>
                  {q.name}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          By
          <select
            value={granularity}
            onChange={(e) => {
              const g = e.target.value as Granularity;
              setGranularity(g);
              if (g === 'halfHour') setUntil(from);
            }}
          >
            <option value="halfHour">Half-hour</option>
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
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
        <label>
          Repeat callers within
          <select value={repeatDays} onChange={(e) => setRepeatDays(Number(e.target.value))}>
            {[1, 3, 7, 14, 28].map((d) => (
              <option key={d} value={d}>
                {d} {d === 1 ? 'day' : 'days'}
              </option>
            ))}
          </select>
        </label>
        <a className="button-link" href={api.historyCsvUrl(query)} download>
          Download CSV
        </a>
      </form>
      <p className="muted">Times in Europe/London. Definitions of every figure: docs/reporting.md.</p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {answer && (
        <div className="report-body">
          <div className="report-main">
            <HistoryChart periods={answer.periods} granularity={answer.granularity} threshold={first} target={answer.targets.targetPercents[0] ?? 80} />
            <table className="records report-table" aria-label="Figures per period">
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col">Offered</th>
                  <th scope="col">Answered</th>
                  {answer.thresholds.map((t) => (
                    <th scope="col" key={t}>
                      In {t} s
                    </th>
                  ))}
                  <th scope="col">Abandoned</th>
                  <th scope="col" title={`Hung up within ${answer.shortAbandonSeconds} s: not counted as abandoned`}>
                    Short
                  </th>
                  <th scope="col">ASA</th>
                  <th scope="col">AHT</th>
                  <th scope="col">Longest</th>
                  <th scope="col">Callbacks</th>
                  <th scope="col">Repeat {answer.repeatDays} d</th>
                  {scope.kind === 'all' && <th scope="col">Resolved in IVR</th>}
                </tr>
              </thead>
              <tbody>
                {answer.periods.map((p) => (
                  <tr key={p.start}>
                    <th scope="row">{periodLabel(p.start, answer.granularity)}</th>
                    <td>{p.offered}</td>
                    <td>{p.answered}</td>
                    {p.answeredWithin.map((w) => (
                      <td key={w.seconds}>{percent(w.percent)}</td>
                    ))}
                    <td>
                      {p.abandoned} ({percent(p.abandonedPercent)})
                    </td>
                    <td>{p.shortAbandoned}</td>
                    <td>{duration(p.asa)}</td>
                    <td>{duration(p.aht)}</td>
                    <td>{duration(p.longestWait)}</td>
                    <td>
                      {p.callbacks.requested > 0 ? `${p.callbacks.completed}/${p.callbacks.requested}` : '–'}
                    </td>
                    <td>{percent(p.repeat.percent)}</td>
                    {scope.kind === 'all' && <td>{p.ivr ? `${p.ivr.contained} of ${p.ivr.calls} (${percent(p.ivr.containmentPercent)})` : '–'}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {staffing && <StaffingPanel staffing={staffing} />}
        </div>
      )}
    </section>
  );
}
