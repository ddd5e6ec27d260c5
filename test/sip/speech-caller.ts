/**
 * A caller who talks, for SIP tests and benches on the real stack: their phone line as continuous
 * G.711 RTP (sipp replaying a pcap: the line's hiss, their words at a given moment, hiss again), a
 * sipp scenario to place the call, and the engine's API to read what the flow made of it (test:sip's
 * speech scenarios, speech-scenarios.ts, and the stack latency bench).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONDITIONS, render, type Condition } from '../../bench/speech/render.js';
import { noise } from '../../engine/src/adapters/telephony/drachtio/testing/caller-audio.js';
import type { EngineProcess } from './harness/engine.js';
import { audioPcap } from './rtp-pcap.js';

const root = resolve(import.meta.dirname, '../..');
const RATE = 8000;
/** The line's own hiss between words (a quiet phone line). */
const LINE_NOISE_DB = -60;
/** flite's slt voice, no added noise: the clearest of the corpus' speakers. */
export const CLEAR_VOICE: Condition = CONDITIONS.find((c) => c.name.startsWith('flite slt'))!;

export interface CallerLine {
  samples: Int16Array;
  /** When the words end on the line (ms from the answer), if there are any. */
  wordsEndMs?: number;
}

/** The caller's line: hiss, `words` (rendered by `voice`, through G.711) from `wordsAtMs`, then `tailMs` of hiss. */
export function callerLine(options: { words?: string; wordsAtMs: number; tailMs: number; seed: number; voice?: Condition }): CallerLine {
  const parts: Int16Array[] = [];
  let wordsEndMs: number | undefined;
  if (options.words) {
    const pcm = render(options.words, options.voice ?? CLEAR_VOICE, join(root, '.cache', 'test-sip-speech'));
    const voice = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
    const hiss = noise(LINE_NOISE_DB, (voice.length / RATE) * 1000, RATE, options.seed + 1);
    parts.push(noise(LINE_NOISE_DB, options.wordsAtMs, RATE, options.seed), voice.map((v, i) => Math.max(-32768, Math.min(32767, v + hiss[i]!))));
    wordsEndMs = options.wordsAtMs + (voice.length / RATE) * 1000;
  }
  parts.push(noise(LINE_NOISE_DB, options.tailMs, RATE, options.seed + 2));
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, ...(wordsEndMs !== undefined ? { wordsEndMs } : {}) };
}

/** A talking caller's scenario (test/sip/scenarios/speech-*.xml) with its line, caller, wait and REFER target filled in. */
export function speechScenario(template: string, fields: { pcap: string; from: string; waitMs: number; targetRegexp?: string }): string {
  return readFileSync(join(root, 'test/sip/scenarios', template), 'utf8')
    .replaceAll('@PCAP@', fields.pcap)
    .replaceAll('@FROM@', fields.from)
    .replaceAll('@WAIT_MS@', String(fields.waitMs))
    .replaceAll('@TARGET_REGEXP@', fields.targetRegexp ?? '.');
}

export interface PlacedCall {
  ok: boolean;
  /** sipp's output and errors, when it failed. */
  output: string;
  /** The SIP Call-ID (the engine's call id). */
  callId?: string;
}

/**
 * Places one call with sipp from `from` to the main line, the line being `line`, following the scenario
 * `template` (test/sip/scenarios, with @PCAP@ @FROM@ @WAIT_MS@ @TARGET_REGEXP@ filled in). `slot` keeps
 * calls placed at the same time on their own SIP and RTP ports.
 */
export function placeCall(options: {
  template: string;
  from: string;
  line: CallerLine;
  waitMs: number;
  slot: number;
  dir: string;
  targetRegexp?: string;
}): Promise<PlacedCall> {
  const sipTarget = process.env.SIP_TARGET ?? '127.0.0.1:5060';
  const localIp = process.env.SIPP_LOCAL_IP ?? '127.0.0.1';
  const did = process.env.MAIN_LINE_DID ?? '+441234500000';
  const { dir, slot } = options;
  mkdirSync(dir, { recursive: true });
  const pcap = join(dir, 'line.pcap');
  writeFileSync(pcap, audioPcap(options.line.samples, { firstSequence: 1000 + slot * 20_000 }));
  const xml = speechScenario(options.template, { pcap, from: options.from, waitMs: options.waitMs, ...(options.targetRegexp ? { targetRegexp: options.targetRegexp } : {}) });
  writeFileSync(join(dir, 'scenario.xml'), xml);
  const args = [sipTarget, '-sf', join(dir, 'scenario.xml'), '-i', localIp, '-p', String(5081 + slot), '-mp', String(16_000 + slot * 100), '-s', did, '-m', '1'];
  args.push('-timeout', '180s', '-timeout_error', '-trace_err', '-error_file', join(dir, 'errors.log'), '-trace_msg', '-message_file', join(dir, 'messages.log'));
  return new Promise((done) => {
    // A phone sends its RTP every 20 ms whatever else it is doing; sipp on a machine starved of CPU sends late, in bursts,
    // and FreeSWITCH (real-time priority) hears gaps. Where we may (root), sipp gets the CPU first, as a phone would.
    const [command, prefix] = process.getuid?.() === 0 ? ['nice', ['-n', '-15', 'sipp']] : ['sipp', []];
    const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => {
      const read = (name: string) => {
        try {
          return readFileSync(join(dir, name), 'utf8');
        } catch {
          return '';
        }
      };
      const callId = /^Call-ID:\s*(\S+)/im.exec(read('messages.log'))?.[1];
      done({ ok: code === 0, output: `${output.slice(-1500)}${read('errors.log').slice(-1500)}`, ...(callId ? { callId } : {}) });
    });
  });
}

export interface CallEvent {
  seq: number;
  at: number;
  type: string;
  nodeId?: string;
  data: Record<string, unknown>;
}

/** A finished call's events, read through the engine's API (the record is written behind the call: waits a little for it). */
export async function callEvents(engine: Pick<EngineProcess, 'api'>, callId: string): Promise<CallEvent[]> {
  for (let i = 0; i < 50; i++) {
    const { status, json } = await engine.api<CallEvent[]>('GET', `/api/calls/${encodeURIComponent(callId)}/events`);
    if (status === 200 && json.some((e) => e.type === 'call.ended')) return json;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no finished record for call ${callId}`);
}
