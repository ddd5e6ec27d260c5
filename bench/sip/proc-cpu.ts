/**
 * CPU time of processes from /proc (utime + stime of every thread, in clock ticks), so a run's CPU is
 * (after − before) / wall time, as a % of one core; and resident memory (VmRSS), sampled. Linux only; on
 * other systems it reports nothing.
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

/** The process's resident memory now, in MiB (VmRSS), or undefined if it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` from now; the function it returns stops and gives the first and highest samples (MiB). */
export function rssMeter(pid: number, everyMs = 250): () => { startMiB?: number; peakMiB?: number } {
  const startMiB = rssMiB(pid);
  let peakMiB = startMiB;
  const timer = setInterval(() => {
    const now = rssMiB(pid);
    if (now !== undefined && (peakMiB === undefined || now > peakMiB)) peakMiB = now;
  }, everyMs);
  return () => {
    clearInterval(timer);
    return { ...(startMiB !== undefined ? { startMiB } : {}), ...(peakMiB !== undefined ? { peakMiB } : {}) };
  };
}
