/**
 * Seconds from now to the next weekday 10:30 in London that is not an England & Wales bank holiday:
 * test:sip shifts the engine's clock by this much (libfaketime) so the main-line scenarios, which walk
 * the line's open branch, mean the same at any hour they are run.
 */
import { ENGLAND_AND_WALES_BANK_HOLIDAYS } from '../../engine/src/core/bank-holidays.js';

const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function inLondon(at: number) {
  const parts = Object.fromEntries(london.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: parts.weekday!, time: `${parts.hour}:${parts.minute}` };
}

const now = Date.now();
// Walk forward a minute at a time from the next whole minute: at most a week and a half of minutes.
for (let at = Math.ceil(now / 60_000) * 60_000; at < now + 11 * 86_400_000; at += 60_000) {
  const here = inLondon(at);
  if (here.time === '10:30' && !['Sat', 'Sun'].includes(here.weekday) && !ENGLAND_AND_WALES_BANK_HOLIDAYS.has(here.date)) {
    console.log(Math.round((at - now) / 1000));
    process.exit(0);
  }
}
console.error('no weekday 10:30 found in the next 11 days');
process.exit(1);
