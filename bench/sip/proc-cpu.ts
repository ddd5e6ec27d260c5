/**
 * CPU time of processes from /proc (utime + stime of every thread, in clock ticks), so a run's CPU is
 * (after − before) / wall time, as a % of one core. Linux only; on other systems it reports nothing.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Seconds of CPU the process has used so far, or undefined if it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pid of the one running process whose command name is `comm` (e.g. freeswitch, drachtio). */
export function pidOf(comm: string): number | undefined {
  let found: number | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) found = Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}

/** Starts measuring; the function it returns gives each process's CPU since then, in % of one core. */
export function cpuMeter(pids: Record<string, number | undefined>): () => Record<string, number | undefined> {
  const startedAt = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : cpuSeconds(pid)]));
  return () => {
    const wallSeconds = (performance.now() - startedAt) / 1000;
    return Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => {
        const start = before[name];
        const end = pid === undefined ? undefined : cpuSeconds(pid);
        return [name, start === undefined || end === undefined ? undefined : (100 * (end - start)) / wallSeconds];
      }),
    );
  };
}

/** The 1-minute load average (what `uptime` shows first). */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
