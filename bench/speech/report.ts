/** The speech bench's BENCHMARKS.md section, from its result. */
import { cpus } from 'node:os';
import type { RecognizerRun, SpeechBenchResult, Trial } from './speech-bench.js';

export const SPEECH_TARGETS = { textCorrectPct: 97, phoneCorrectPct: 90, decisionMs: 300 };

interface Tally {
  n: number;
  correct: number;
  wrong: number;
  noMatch: number;
  safeguardingMisses: number;
  safeguardingLost: number;
  falseSafeguarding: number;
  confirmAsked: number;
}

export function tally(trials: readonly Trial[]): Tally {
  const t: Tally = { n: 0, correct: 0, wrong: 0, noMatch: 0, safeguardingMisses: 0, safeguardingLost: 0, falseSafeguarding: 0, confirmAsked: 0 };
  for (const trial of trials) {
    t.n++;
    if (trial.spoken === trial.route) t.correct++;
    else if (trial.spoken === 'none') t.noMatch++;
    else t.wrong++;
    if (trial.route === 'safeguarding' && trial.spoken !== 'safeguarding') t.safeguardingMisses++;
    if (trial.route === 'safeguarding' && trial.final !== 'safeguarding') t.safeguardingLost++;
    if (trial.route !== 'safeguarding' && trial.spoken === 'safeguarding' && !trial.confirmAsked) t.falseSafeguarding++;
    if (trial.confirmAsked) t.confirmAsked++;
  }
  return t;
}

const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`);
export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 1 ? n.toFixed(3) : n.toFixed(0));
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function row(label: string, t: Tally): string {
  return `| ${label} | ${t.n} | ${t.correct} (${pct(t.correct, t.n)}) | ${t.wrong} | ${t.noMatch} | ${t.safeguardingMisses} | ${t.safeguardingLost} | ${t.falseSafeguarding} | ${t.confirmAsked} |`;
}

function table(run: RecognizerRun): string {
  const routes = [...new Set(run.trials.map((t) => t.route))];
  return [
    `| route said | n | correct | wrong | no match | safeguarding misses | safeguarding lost | false safeguarding (unconfirmed) | asked to confirm |`,
    `|---|---|---|---|---|---|---|---|---|`,
    ...routes.map((route) => row(route === 'none' ? 'something else (should be no match)' : route, tally(run.trials.filter((t) => t.route === route)))),
    row('**all**', tally(run.trials)),
    row('tuning part', tally(run.trials.filter((t) => !t.heldOut))),
    row('**held-out part**', tally(run.trials.filter((t) => t.heldOut))),
  ].join('\n');
}

export function speechSection(result: SpeechBenchResult, date: string, machine: string): string {
  const [text, phone] = result.runs;
  const textAll = tally(text!.trials);
  const textHeld = tally(text!.trials.filter((t) => t.heldOut));
  const phoneAll = phone ? tally(phone.trials) : undefined;
  const phoneHeld = phone ? tally(phone.trials.filter((t) => t.heldOut)) : undefined;
  const p50 = phone ? percentile(phone.latencyMs, 50) : Number.NaN;
  const p95 = phone ? percentile(phone.latencyMs, 95) : Number.NaN;
  const sections = result.runs.map(
    (run) => `### ${run.recognizer}

${table(run)}

Decision latency (${run.latencyNote}): p50 ${ms(percentile(run.latencyMs, 50))} ms, p95 ${ms(percentile(run.latencyMs, 95))} ms.${
      run.loadAverage
        ? ` Load average (1 min) while it ran: ${run.loadAverage.min.toFixed(1)}–${run.loadAverage.max.toFixed(1)}, mean ${run.loadAverage.mean.toFixed(1)}, on ${cpus().length} cores.`
        : ''
    }`,
  );
  return `## Speech: routing callers by what they say

\`npm run bench\` (bench/speech/: corpus.ts, render.ts, speech-bench.ts), ${date}. Machine: ${machine}. The machine was shared
with other work while this ran (load average well above its 2 cores): treat times as indicative.

**Corpus** (bench/speech/corpus.ts): ${result.utterances} utterances — ${result.utterances / 2} lines written as residents say them (many
phrasings per service, safeguarding said plainly and obliquely, negations, words two services share, off-topic talk), each also
wrapped as a caller might ("Hiya, …, thanks"). ${result.heldOut} are **held out** (chosen by a hash of the words): their results were
never looked at while the keyword lists and the recogniser were tuned; the tables show them apart, and the gap between the tuning
part and the held-out part is how much the tuning flattered the figures. **Phone audio**: each utterance rendered by one of
eight speakers — ${result.conditions.join('; ')} — then through G.711 and back to 8 kHz linear PCM (render.ts; cached in
\`.cache/speech-corpus/\`, never committed).

**What is measured**: the main line's open question (flows/main-line.flow.json, node \`ask-reason\`), run by the real speech node
with the flow's own params. *correct / wrong / no match* is the node's decision on the caller's first answer (a safeguarding match
the caller confirms counts as correct; "no match" means they are asked again). The caller then behaves truthfully: asked to confirm
safeguarding they press 1 only if that is why they called; asked again, they press the key the question offers for their service
(6 for someone at risk) or, if they called about something else, nothing. *safeguarding misses*: safeguarding callers speech did
not route there; *safeguarding lost*: those who did not reach safeguarding in the end (a wrong route — no-match reaches the keys);
*false safeguarding (unconfirmed)*: other callers sent to safeguarding without being asked.

${sections.join('\n\n')}

**Reading the figures.** The held-out part is the honest one for typed text: its misses are phrasings the main line's keyword
lists do not cover (a council adds such phrasings from its own call logs); they were left as they are, not tuned away. On phone
audio the on-machine recogniser routes few callers by speech, but routes none wrongly: talk it did not catch, or flagged words in
an utterance it heard poorly, end in "no match" or a confirmation question, and the keypad (with its safeguarding key) takes over.
Its decision latency is the decoder catching up: it decodes as the audio arrives, and on a machine shared with other work it falls
behind real time, so the wait after the end of speech is that backlog plus the final lattice pass.

**Google Cloud Speech** is not measured here: this machine has no route to Google. Its adapter is tested against a local gRPC fake of
the Speech API (engine/src/adapters/speech/google/).

| target | result | |
|---|---|---|
| typed text: ≥ ${SPEECH_TARGETS.textCorrectPct} % correct | ${pct(textAll.correct, textAll.n)} (held-out ${pct(textHeld.correct, textHeld.n)}) | ${mark((100 * textAll.correct) / textAll.n >= SPEECH_TARGETS.textCorrectPct && (100 * textHeld.correct) / textHeld.n >= SPEECH_TARGETS.textCorrectPct)} |
| typed text: 0 safeguarding misses | ${textAll.safeguardingMisses} (held-out ${textHeld.safeguardingMisses}) | ${mark(textAll.safeguardingMisses === 0)} |
${
  phoneAll && phoneHeld
    ? `| phone audio, on-machine recogniser: ≥ ${SPEECH_TARGETS.phoneCorrectPct} % correct | ${pct(phoneAll.correct, phoneAll.n)} (held-out ${pct(phoneHeld.correct, phoneHeld.n)}) | ${mark((100 * phoneAll.correct) / phoneAll.n >= SPEECH_TARGETS.phoneCorrectPct)} |
| phone audio: 0 unconfirmed false safeguarding routes | ${phoneAll.falseSafeguarding} | ${mark(phoneAll.falseSafeguarding === 0)} |
| phone audio: 0 safeguarding callers lost | ${phoneAll.safeguardingLost} (of ${phone!.trials.filter((t) => t.route === 'safeguarding').length}; ${phoneAll.safeguardingMisses} missed by speech reached safeguarding through confirmation or the keys) | ${mark(phoneAll.safeguardingLost === 0)} |
| on-machine decision ≤ ${SPEECH_TARGETS.decisionMs} ms after the end of speech | p50 ${ms(p50)} ms, p95 ${ms(p95)} ms | ${mark(p95 <= SPEECH_TARGETS.decisionMs)} |`
    : '| phone audio | not run (`--text-only`) | |'
}
`;
}
