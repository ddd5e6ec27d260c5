import { useId } from 'react';
import { ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../../../engine/src/core/bank-holidays.js';
import { WEEKDAYS, type Weekday } from '../../../engine/src/core/schedule.js';
import { ALL_DAY, DAY_NAMES, isAllDay, WEEKDAYS_ONLY, type Hours, type Range } from './hours.js';

const OFFICE: Range = { open: '09:00', close: '17:00' };

/** The times of one day (or one dated exception): open or closed, 24 hours, or one or more stretches with time pickers. */
function DayHours({ label, ranges, onChange, readOnly, closedWord = 'Closed' }: { label: string; ranges: Range[]; onChange(r: Range[]): void; readOnly: boolean; closedWord?: string }) {
  const id = useId();
  const open = ranges.length > 0;
  const allDay = isAllDay(ranges);
  return (
    <div className="day-hours" role="group" aria-label={label}>
      <label className="day-open">
        <input type="checkbox" checked={open} disabled={readOnly} onChange={(e) => onChange(e.target.checked ? [OFFICE] : [])} />
        <span>{open ? 'Open' : closedWord}</span>
      </label>
      {open && (
        <label className="day-all">
          <input type="checkbox" checked={allDay} disabled={readOnly} onChange={(e) => onChange(e.target.checked ? ALL_DAY : [OFFICE])} />
          <span>24 hours</span>
        </label>
      )}
      {open && !allDay && (
        <div className="day-ranges">
          {ranges.map((r, i) => (
            <span key={i} className="day-range">
              <label className="visually-hidden" htmlFor={`${id}-open-${i}`}>
                {label}: opens ({i + 1})
              </label>
              <input id={`${id}-open-${i}`} type="time" value={r.open} disabled={readOnly} onChange={(e) => onChange(ranges.map((x, j) => (j === i ? { ...x, open: e.target.value } : x)))} />
              <span aria-hidden="true">–</span>
              <label className="visually-hidden" htmlFor={`${id}-close-${i}`}>
                {label}: closes ({i + 1})
              </label>
              <input
                id={`${id}-close-${i}`}
                type="time"
                value={r.close === '24:00' ? '23:59' : r.close}
                disabled={readOnly}
                onChange={(e) => onChange(ranges.map((x, j) => (j === i ? { ...x, close: e.target.value === '23:59' ? '24:00' : e.target.value } : x)))}
              />
              {!readOnly && ranges.length > 1 && (
                <button type="button" className="icon-button" aria-label={`Remove ${r.open}–${r.close} on ${label}`} onClick={() => onChange(ranges.filter((_, j) => j !== i))}>
                  ✕
                </button>
              )}
            </span>
          ))}
          {!readOnly && ranges.length < 6 && (
            <button
              type="button"
              className="link"
              onClick={() => {
                const last = ranges.at(-1)!;
                onChange([...ranges, { open: last.close < '23:00' ? last.close : '13:00', close: last.close < '23:00' ? '24:00' : '14:00' }]);
              }}
            >
              + Add a break
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * A week of opening hours, dated exceptions and bank holidays, with time pickers: the form a council
 * officer fills in (never JSON). The same editor serves the Schedules screen and old opening-hours steps.
 */
export function HoursEditor({ hours, onChange, readOnly = false }: { hours: Hours; onChange(h: Hours): void; readOnly?: boolean }) {
  const setDay = (day: Weekday, ranges: Range[]) => onChange({ ...hours, weekly: { ...hours.weekly, [day]: ranges } });
  const upcoming = [...ENGLAND_AND_WALES_BANK_HOLIDAYS.entries()].filter(([date]) => date >= new Date().toISOString().slice(0, 10)).slice(0, 4);
  return (
    <div className="hours-editor">
      <fieldset className="field-group week">
        <legend>Weekly hours</legend>
        {!readOnly && (
          <div className="week-actions">
            <button type="button" onClick={() => onChange({ ...hours, weekly: { ...hours.weekly, ...Object.fromEntries(WEEKDAYS_ONLY.map((d) => [d, structuredClone(hours.weekly.monday)])) } })}>
              Copy Monday to weekdays
            </button>
            <button type="button" onClick={() => onChange({ ...hours, weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, ALL_DAY])) as Hours['weekly'] })}>
              24 hours, every day
            </button>
          </div>
        )}
        {WEEKDAYS.map((day) => (
          <div key={day} className="week-row">
            <span className="week-day">{DAY_NAMES[day]}</span>
            <DayHours label={DAY_NAMES[day]} ranges={hours.weekly[day]} onChange={(r) => setDay(day, r)} readOnly={readOnly} />
          </div>
        ))}
      </fieldset>
      <fieldset className="field-group">
        <legend>Bank holidays</legend>
        <label className="field-inline">
          <input type="checkbox" checked={hours.bankHolidays} disabled={readOnly} onChange={(e) => onChange({ ...hours, bankHolidays: e.target.checked })} />
          <span>Closed on England &amp; Wales bank holidays (the Holiday exit)</span>
        </label>
        {hours.bankHolidays && upcoming.length > 0 && (
          <p className="help">Next: {upcoming.map(([date, name]) => `${name} ${new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })}`).join(' · ')}</p>
        )}
      </fieldset>
      <fieldset className="field-group">
        <legend>Dated exceptions</legend>
        <p className="help">Closures and special hours on particular days (a staff training day, Christmas Eve). They come before the weekly hours and bank holidays.</p>
        {hours.exceptions.map((e, i) => (
          <div key={i} className="exception-row" role="group" aria-label={`Exception ${i + 1}`}>
            <div className="exception-head">
              <label>
                <span className="visually-hidden">Date of exception {i + 1}</span>
                <input type="date" value={e.date} disabled={readOnly} onChange={(x) => onChange({ ...hours, exceptions: hours.exceptions.map((y, j) => (j === i ? { ...y, date: x.target.value } : y)) })} />
              </label>
              <label className="exception-label">
                <span className="visually-hidden">What the day is (exception {i + 1})</span>
                <input placeholder="e.g. Staff training day" value={e.label ?? ''} disabled={readOnly} onChange={(x) => onChange({ ...hours, exceptions: hours.exceptions.map((y, j) => (j === i ? { ...y, label: x.target.value } : y)) })} />
              </label>
              {!readOnly && (
                <button type="button" className="icon-button" aria-label={`Remove exception ${i + 1}`} onClick={() => onChange({ ...hours, exceptions: hours.exceptions.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              )}
            </div>
            <DayHours
              label={e.label || e.date || `Exception ${i + 1}`}
              ranges={e.hours}
              closedWord="Closed all day"
              readOnly={readOnly}
              onChange={(r) => onChange({ ...hours, exceptions: hours.exceptions.map((y, j) => (j === i ? { ...y, hours: r } : y)) })}
            />
          </div>
        ))}
        {!readOnly && (
          <button type="button" onClick={() => onChange({ ...hours, exceptions: [...hours.exceptions, { date: '', label: '', hours: [] }] })}>
            Add a dated exception
          </button>
        )}
      </fieldset>
    </div>
  );
}
