/**
 * CPU profiles of exactly the measured part of a bench:sip run (not the app's start-up or warm-up):
 * with BENCH_CPU_PROFILE set to a file path, SIGUSR2 starts V8's sampling profiler in this process and
 * the next SIGUSR2 stops it and writes the profile there (read it with bench/sip/profile-summary.ts).
 * Both bench apps install it; bench/sip/run.ts --cpu-prof DIR sends the signals.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export function profileOnSignal(): void {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return;
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!running) {
        running = true;
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        return;
      }
      running = false;
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    })();
  });
}
