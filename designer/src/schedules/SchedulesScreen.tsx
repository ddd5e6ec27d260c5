import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, roleAtLeast, type Me, type ScheduleRecord } from '../api/client.js';
import { HoursEditor } from './HoursEditor.js';
import { hoursFrom, hoursProblems, hoursSummary, type Hours } from './hours.js';

const TIME_ZONES = ['Europe/London', 'Europe/Dublin', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];

/** An id for a new schedule, made from its name ("Council office hours" → council-office-hours), not already taken. */
export function scheduleIdFor(name: string, taken: readonly string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'schedule';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

interface Editing {
  id?: string;
  name: string;
  timezone: string;
  hours: Hours;
}

/** Opening hours kept once and named: flows' opening-hours steps (and queues) choose them by name. */
export function SchedulesScreen({ me }: { me: Me }) {
  const canWrite = roleAtLeast(me.role, 'publisher');
  const [schedules, setSchedules] = useState<ScheduleRecord[]>();
  const [editing, setEditing] = useState<Editing>();
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<string[]>([]);

  const refresh = useCallback(() => {
    api.listSchedules().then(setSchedules, (e: Error) => setError(e.message));
  }, []);
  useEffect(refresh, [refresh]);

  const save = async () => {
    if (!editing) return;
    const found = [...(editing.name.trim() ? [] : ['Give the schedule a name']), ...hoursProblems(editing.hours)];
    setProblems(found);
    if (found.length) return;
    setError(undefined);
    const definition = { ...editing.hours, exceptions: editing.hours.exceptions.map(({ label, ...e }) => ({ ...e, ...(label ? { label } : {}) })) };
    try {
      if (editing.id) await api.updateSchedule(editing.id, { name: editing.name.trim(), timezone: editing.timezone, definition });
      else await api.createSchedule({ id: scheduleIdFor(editing.name, (schedules ?? []).map((s) => s.id)), name: editing.name.trim(), timezone: editing.timezone, definition });
      setEditing(undefined);
      refresh();
    } catch (e) {
      setError([(e as Error).message, ...(e instanceof ApiError ? Object.entries(e.fieldErrors.byField).map(([f, m]) => `${f}: ${m}`) : [])].join(' · '));
    }
  };

  const remove = async (s: ScheduleRecord) => {
    if (!window.confirm(`Delete the schedule “${s.name}”?`)) return;
    try {
      await api.deleteSchedule(s.id);
      refresh();
    } catch (e) {
      const usedBy = e instanceof ApiError ? ((e.body as { usedBy?: string[] } | undefined)?.usedBy ?? []) : [];
      setError(usedBy.length ? `“${s.name}” is still used by ${usedBy.join(', ')}: choose other hours there first.` : (e as Error).message);
    }
  };

  if (editing) {
    return (
      <main className="screen schedule-edit" aria-label={editing.id ? `Edit ${editing.name}` : 'New schedule'}>
        <h1>{editing.id ? editing.name || 'Schedule' : 'New schedule'}</h1>
        <form
          className="schedule-form"
          aria-label="Schedule"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="schedule-form-head">
            <div className="field">
              <label htmlFor="schedule-name">Name</label>
              <input id="schedule-name" value={editing.name} disabled={!canWrite} placeholder="e.g. Council office hours" onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="schedule-zone">Time zone</label>
              <select id="schedule-zone" value={editing.timezone} disabled={!canWrite} onChange={(e) => setEditing({ ...editing, timezone: e.target.value })}>
                {[...new Set([editing.timezone, ...TIME_ZONES])].map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </div>
            <p className="schedule-summary" aria-live="polite">
              {hoursSummary(editing.hours.weekly)}
            </p>
          </div>
          <HoursEditor hours={editing.hours} onChange={(hours) => setEditing({ ...editing, hours })} readOnly={!canWrite} />
          {(problems.length > 0 || error) && (
            <div className="field-error" role="alert">
              {problems.map((p) => (
                <div key={p}>{p}</div>
              ))}
              {error && <div>{error}</div>}
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => setEditing(undefined)}>
              {canWrite ? 'Cancel' : 'Back'}
            </button>
            {canWrite && (
              <button type="submit" className="primary">
                Save schedule
              </button>
            )}
          </div>
        </form>
      </main>
    );
  }

  return (
    <main className="screen" aria-label="Schedules">
      <div className="screen-head">
        <h1>Schedules</h1>
        <p className="muted">Opening hours kept once and chosen by name in flows’ Opening hours steps. A change here applies to the next call.</p>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {canWrite && (
        <button type="button" className="primary" onClick={() => setEditing({ name: '', timezone: 'Europe/London', hours: hoursFrom(undefined) })}>
          Add schedule
        </button>
      )}
      <table className="records">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Hours</th>
            <th scope="col">Closures</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(schedules ?? []).map((s) => {
            const hours = hoursFrom(s.definition);
            return (
              <tr key={s.id}>
                <td>
                  <strong>{s.name}</strong>
                  {s.timezone !== 'Europe/London' && <div className="muted">{s.timezone}</div>}
                </td>
                <td>{hoursSummary(hours.weekly)}</td>
                <td>
                  {[hours.bankHolidays ? 'Bank holidays' : '', hours.exceptions.length ? `${hours.exceptions.length} dated exception${hours.exceptions.length > 1 ? 's' : ''}` : ''].filter(Boolean).join(' · ') || '—'}
                </td>
                <td className="row-actions">
                  <button type="button" aria-label={`${canWrite ? 'Edit' : 'View'} schedule ${s.name}`} onClick={() => setEditing({ id: s.id, name: s.name, timezone: s.timezone, hours })}>
                    {canWrite ? 'Edit' : 'View'}
                  </button>
                  {canWrite && (
                    <button type="button" className="danger" aria-label={`Delete schedule ${s.name}`} onClick={() => void remove(s)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
          {schedules?.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No schedules yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}
