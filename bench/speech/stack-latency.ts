/**
 * End of speech → decision on the REAL stack (drachtio + FreeSWITCH + mod_audio_fork + the engine's
 * on-machine recogniser): callers, one at a time, say a line of the corpus over the main line's open
 * question; each call's record gives the speech node's `decisionMs` (from the end of the caller's
 * utterance — the VAD's trailing silence over — to the route being known). The time from the caller's
 * last word adds that trailing silence (telephony.audioFork.endSilenceMs, 800 ms by default).
 *
 * Run by test:sip with the engine its speech scenarios started (the stack is shared: under its lock):
 *   flock /tmp/fdstack.lock env TEST_SIP_ONLY=speech SPEECH_LATENCY_CALLS=16 npm run test:sip
 * Returns a markdown section for BENCHMARKS.md (with the machine and its load average while it ran).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { EngineProcess } from '../../test/sip/harness/engine.js';
import { callerLine, callEvents, placeCall } from '../../test/sip/speech-caller.js';
import { corpus } from './corpus.js';

const WORDS_AT_MS = 14_000;
const END_SILENCE_MS = 800;

/** Places `calls` calls one at a time to `engine`'s main line and reports end of speech → decision. */
export async function measureStackLatency(engine: Pick<EngineProcess, 'api'>, workDir: string, calls: number): Promise<string> {
  // Every route but payments (whose REFER a caller that only talks would not answer), spread over the corpus.
  const lines = corpus().filter((u) => u.route !== 'payments' && u.route !== 'person' && !u.text.includes('…'));
  const step = Math.max(1, Math.floor(lines.length / calls));
  const chosen = lines.filter((_, i) => i % step === 0).slice(0, calls);

  const loads: number[] = [loadavg()[0]!];
  const samples: Array<{ text: string; transcript: string; decisionMs: number }> = [];
  const missing: string[] = [];
  for (const [i, utterance] of chosen.entries()) {
    const line = callerLine({ words: utterance.text, wordsAtMs: WORDS_AT_MS, tailMs: 12_000, seed: 500 + i });
    const placed = await placeCall({
      template: 'speech-until-hangup.xml',
      from: `+4477009003${String(i).padStart(2, '0')}`,
      line,
      waitMs: line.wordsEndMs! + 10_000,
      slot: 0,
      dir: join(workDir, `latency-${i}`),
    });
    loads.push(loadavg()[0]!);
    if (!placed.callId) {
      missing.push(`${utterance.text}: no call placed`);
      continue;
    }
    const heard = (await callEvents(engine, placed.callId).catch(() => [])).find((e) => e.type === 'input.speech' && e.nodeId === 'ask-reason');
    if (typeof heard?.data.decisionMs !== 'number') {
      missing.push(`${utterance.text}: no decision logged`);
      continue;
    }
    samples.push({ text: utterance.text, transcript: String(heard.data.transcript), decisionMs: heard.data.decisionMs });
    process.stderr.write(`stack latency: ${i + 1}/${chosen.length} ${heard.data.decisionMs} ms\n`);
  }

  const sorted = samples.map((s) => s.decisionMs).sort((a, b) => a - b);
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const markdown = `### End of speech → decision on the real stack (on-machine recogniser)

${new Date().toISOString().slice(0, 10)}, ${calls} calls one at a time through drachtio-server 0.9.10 and FreeSWITCH 1.10.12 with
mod_audio_fork (8 kHz, PCMA from the caller), the engine's voice activity detector (800 ms trailing silence) and PocketSphinx.
Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}.
Load average (1 min) while it ran: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (mean ${mean(loads).toFixed(1)}) on ${cpus().length} cores.

| | p50 | p95 | max | n |
|---|---|---|---|---|
| end of the utterance (trailing silence over) → decision | ${pct(50)} ms | ${pct(95)} ms | ${sorted.at(-1)} ms | ${sorted.length} |
| caller's last word → decision (+ ${END_SILENCE_MS} ms trailing silence) | ${pct(50) + END_SILENCE_MS} ms | ${pct(95) + END_SILENCE_MS} ms | ${(sorted.at(-1) ?? 0) + END_SILENCE_MS} ms | ${sorted.length} |
${missing.length ? `\nNot measured: ${missing.join('; ')}.\n` : ''}`;
  for (const s of samples) process.stderr.write(`  ${s.decisionMs} ms  "${s.text}" → "${s.transcript}"\n`);
  return markdown;
}
