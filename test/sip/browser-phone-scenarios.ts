/**
 * The desk's browser phone over real SIP (issue 12, "What it must show"): Debian's Chromium with fake
 * media signs in to the agent desk as an adviser, goes available and chooses the browser phone, whose
 * JsSIP registers through drachtio-server's websocket with the password the desk derives; a sipp caller
 * rings a line that queues them; the desk shows the call ringing and the adviser answers in the browser
 * (the engine's INVITE goes down the websocket without SDP, FreeSWITCH answers the browser's WebRTC
 * offer: DTLS-SRTP, ICE, rtcp-mux). The browser's microphone is a 1020 Hz tone and the caller echoes
 * every RTP packet back, so the tone heard again in the browser has gone browser → FreeSWITCH → caller
 * → FreeSWITCH → browser: audio both ways. The caller hangs up; the desk goes to wrap-up and the call
 * record names the adviser.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs } from '../../designer/e2e/chromium.js';
import { ensureDesignerBuilt } from '../../designer/e2e/product.js';
import { signIn } from '../../designer/e2e/session.js';
import type { JsonObject } from '../../engine/src/ports/store.js';
import { startPrivatePostgres, type PrivatePostgres } from '../../scripts/test-postgres.js';
import { EngineProcess } from './harness/engine.js';
import { check, type Report } from './harness/report.js';
import { runSipp } from './harness/sipp.js';
import type { Stack } from './harness/stack.js';

export const BROWSER_PHONE_SCENARIOS = {
  answered:
    'browser phone: an adviser on the desk (Chromium, JsSIP over drachtio’s websocket) answers a queued sipp caller in the browser; DTLS-SRTP audio both ways; the caller hangs up and the desk goes to wrap-up',
} as const;

const DID = '+441234599401';
const QUEUE = 'webrtc-test';
const ADVISER = { username: 'ada', agentId: 'ada', phoneUser: 'ada-browser' };
const TONE_HZ = 1020;
/** How long the caller stays after the line answers (sipp -d): queueing, ringing, answering and the audio check fit in it. */
const CALLER_STAYS_MS = 40_000;

/** A line that puts the caller in the test queue, then says goodbye. */
function queueLine(): JsonObject & { id: string } {
  const bye = { text: { 'en-GB': 'Thank you for calling. Goodbye.' } };
  return {
    schemaVersion: 1,
    id: 'test-sip-browser-phone',
    name: 'test:sip — queue for the browser phone',
    languages: ['en-GB'],
    entry: 'wait',
    nodes: [
      { id: 'wait', kind: 'queue', version: 2, name: 'Web phone', params: { queueId: QUEUE }, ui: { x: 0, y: 0 } },
      { id: 'bye', kind: 'hangup', version: 1, params: { prompt: bye }, ui: { x: 0, y: 200 } },
    ],
    edges: ['answered', 'timeout', 'full', 'closed', 'noAgents', 'transferred'].map((outcome) => ({ id: `wait--${outcome}`, from: 'wait', outcome, to: 'bye' })),
  };
}

/** A 16-bit mono WAV of a steady tone: Chromium's fake microphone (--use-file-for-fake-audio-capture) loops it. */
function writeToneWav(path: string, hz: number, seconds: number, rate = 48_000): void {
  const frames = rate * seconds;
  const data = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i += 1) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 0.4 * 32767), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** Every RTCPeerConnection the page makes is kept on window, so the test can read its getStats(). */
const KEEP_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__peerConnections.push(this); }
  };
})();`;

/** The browser phone's RTCPeerConnection as it stands, for a failure's message. */
function peerConnectionState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const pc = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.at(-1);
    if (!pc) return 'no peer connection';
    const candidates = (pc.localDescription?.sdp.match(/a=candidate/g) ?? []).length;
    return `connection ${pc.connectionState}, ICE ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}, signalling ${pc.signalingState}, local description ${pc.localDescription?.type ?? 'none'} with ${candidates} candidates`;
  });
}

interface AudioCheck {
  codec: string | undefined;
  dtls: string | undefined;
  bytesReceived: number;
  bytesSent: number;
  audioEnergyReceived: number;
  /** 200 ms windows (of 20) whose loudest frequency in what the browser received was the tone. */
  toneWindows: number;
  loudestHz: number[];
}

/** In the page: the browser phone's media, over 4 s — RTP in and out (getStats), and whether what came in is the tone. */
async function checkBrowserAudio(page: Page): Promise<AudioCheck> {
  return page.evaluate(async (toneHz) => {
    const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const pc = pcs[pcs.length - 1];
    if (!pc) throw new Error('the page made no RTCPeerConnection');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const stats = async () => {
      const out = { bytesReceived: 0, bytesSent: 0, energy: 0, codecId: '', transportId: '', codec: undefined as string | undefined, dtls: undefined as string | undefined };
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.bytesReceived = Number(s.bytesReceived ?? 0);
          out.energy = Number(s.totalAudioEnergy ?? 0);
          out.codecId = String(s.codecId ?? '');
          out.transportId = String(s.transportId ?? '');
        }
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.bytesSent = Number(s.bytesSent ?? 0);
      });
      const codec = report.get(out.codecId) as { mimeType?: string } | undefined;
      const transport = report.get(out.transportId) as { dtlsState?: string; srtpCipher?: string } | undefined;
      out.codec = codec?.mimeType;
      out.dtls = transport ? `${transport.dtlsState ?? '?'} ${transport.srtpCipher ?? ''}`.trim() : undefined;
      return out;
    };
    const before = await stats();
    const track = pc.getReceivers().find((r) => r.track.kind === 'audio')?.track;
    if (!track) throw new Error('no audio track is received');
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 8192;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const loudestHz: number[] = [];
    let toneWindows = 0;
    for (let i = 0; i < 20; i += 1) {
      await sleep(200);
      analyser.getFloatFrequencyData(bins);
      let peak = 0;
      for (let b = 1; b < bins.length; b += 1) if (bins[b]! > bins[peak]!) peak = b;
      const hz = (peak * context.sampleRate) / analyser.fftSize;
      loudestHz.push(Math.round(hz));
      if (Math.abs(hz - toneHz) < 30 && bins[peak]! > -80) toneWindows += 1;
    }
    await context.close();
    const after = await stats();
    return {
      codec: after.codec,
      dtls: after.dtls,
      bytesReceived: after.bytesReceived - before.bytesReceived,
      bytesSent: after.bytesSent - before.bytesSent,
      audioEnergyReceived: after.energy - before.energy,
      toneWindows,
      loudestHz,
    };
  }, TONE_HZ);
}

export async function runBrowserPhoneScenarios(stack: Stack, workDir: string, report: Report): Promise<void> {
  const websocketUrl = process.env.DRACHTIO_WS_URL;
  if (!websocketUrl) {
    report.notRun(BROWSER_PHONE_SCENARIOS.answered, 'DRACHTIO_WS_URL (drachtio-server’s SIP websocket, e.g. ws://127.0.0.1:8088) is unset');
    return;
  }
  let postgres: PrivatePostgres | undefined;
  let engine: EngineProcess | undefined;
  let browser: Browser | undefined;
  const browserProblems: string[] = [];
  await report.run(BROWSER_PHONE_SCENARIOS.answered, async () => {
    await ensureDesignerBuilt();
    postgres = await startPrivatePostgres();
    engine = await EngineProcess.start({
      name: 'browser-phone',
      stack,
      workDir,
      httpPort: 18_191,
      databaseUrl: postgres.url,
      useAgentsTable: true,
      extraConfig: { desk: { offlineGraceSeconds: 60, previousCallsDays: 30, webrtc: { websocketUrl, domain: 'frontdoor.test', iceServers: [], secret: randomBytes(24).toString('base64url') } } },
    });
    const password = `Desk-${randomBytes(12).toString('base64url')}`;
    const queue = await engine.api('POST', '/api/queues', { id: QUEUE, name: 'Web phone', serviceLine: 'Test', settings: {} });
    check(queue.status === 201, `creating the queue answered ${queue.status}: ${JSON.stringify(queue.json)}`);
    const user = await engine.api<{ id: string }>('POST', '/api/users', { username: ADVISER.username, password, role: 'agent' });
    check(user.status === 201, `creating the adviser's user answered ${user.status}: ${JSON.stringify(user.json)}`);
    const agent = await engine.api('POST', '/api/agents', {
      id: ADVISER.agentId,
      name: 'Ada Lovelace',
      userId: user.json.id,
      // Calls ring on the desk phone until the adviser chooses the browser.
      endpoints: [
        { kind: 'sip-user', value: 'ada-desk', label: 'Desk phone' },
        { kind: 'webrtc', value: ADVISER.phoneUser, label: 'This browser' },
      ],
      skills: {},
      queueIds: [QUEUE],
    });
    check(agent.status === 201, `creating the adviser answered ${agent.status}: ${JSON.stringify(agent.json)}`);
    const flow = queueLine();
    const created = await engine.api<{ draftRevision: number }>('POST', '/api/flows', flow);
    check(created.status === 201, `creating the line answered ${created.status}: ${JSON.stringify(created.json)}`);
    const published = await engine.api('POST', `/api/flows/${flow.id}/publish`, { revision: created.json.draftRevision, note: 'test:sip' });
    check(published.status === 201, `publishing the line answered ${published.status}: ${JSON.stringify(published.json)}`);
    const numbered = await engine.api('POST', '/api/numbers', { did: DID, flowId: flow.id, label: 'test:sip browser phone' });
    check(numbered.status === 201, `routing ${DID} answered ${numbered.status}: ${JSON.stringify(numbered.json)}`);

    const tone = join(workDir, 'browser-microphone.wav');
    writeToneWav(tone, TONE_HZ, 10);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${tone}`, '--autoplay-policy=no-user-gesture-required'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => browserProblems.push(`uncaught: ${error.message}`));
    // The page's console (JsSIP's own debug log included) is kept with the run's logs.
    const consoleLog = createWriteStream(join(workDir, 'browser-console.log'));
    page.on('console', (m) => {
      consoleLog.write(`${new Date().toISOString()} ${m.type()}: ${m.text()}\n`);
      if (m.type() === 'error') browserProblems.push(m.text());
    });
    await page.addInitScript(KEEP_PEER_CONNECTIONS);
    // tsx (esbuild, keepNames) wraps named functions in the callbacks handed to page.evaluate in __name().
    await page.addInitScript('window.__name = (fn) => fn;');
    await page.addInitScript(() => localStorage.setItem('debug', 'JsSIP:*'));
    await signIn(page, engine.url, ADVISER.username, password, 'Agent desk');
    await page.getByRole('button', { name: 'Available', exact: true }).click();
    await page.getByRole('heading', { name: 'Ready for calls' }).waitFor();
    // The radio follows the desk's view: checked once the engine has stored the choice and pushed it back.
    const browserEndpoint = page.getByLabel('This browser');
    await browserEndpoint.click();
    for (let i = 0; i < 50 && !(await browserEndpoint.isChecked()); i += 1) await new Promise((r) => setTimeout(r, 200));
    check(await browserEndpoint.isChecked(), 'choosing the browser phone on the desk did not stick');
    const phoneStatus = page.locator('.phone-status');
    await page.waitForFunction(() => document.querySelector('.phone-status')?.textContent?.includes('ready'), undefined, { timeout: 15_000 }).catch(async () => {
      throw new Error(`the browser phone did not register: "${await phoneStatus.textContent().catch(() => '')}" ${browserProblems.slice(-3).join(' | ')}`);
    });

    const caller = runSipp({ scenario: 'caller-hangs-up-after-pause.xml', target: stack.sipTarget, service: DID, localPort: 5131, mediaPort: 16_310, echo: true, pauseMs: CALLER_STAYS_MS, timeoutSeconds: 90, workDir });
    const card = page.getByRole('article', { name: /Incoming call/ });
    await card.waitFor({ timeout: 30_000 }).catch(() => {
      throw new Error('the queued call never rang on the desk');
    });
    const answer = card.getByRole('button', { name: 'Answer' });
    await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Answer' && !b.disabled), undefined, { timeout: 20_000 }).catch(() => {
      throw new Error('the desk showed the call, but the browser phone never rang (no INVITE reached JsSIP)');
    });
    await page.screenshot({ path: join(workDir, 'browser-phone-ringing.png') });
    await answer.click();
    await page.getByRole('article', { name: /On a call/ }).waitFor({ timeout: 15_000 }).catch(async () => {
      throw new Error(`answered in the browser, but the call never connected (the browser's media: ${await peerConnectionState(page)})`);
    });
    await page.waitForFunction(() => ((window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.at(-1)?.connectionState ?? '') === 'connected', undefined, { timeout: 15_000 }).catch(async () => {
      throw new Error(`answered, but the browser's media never connected (${await peerConnectionState(page)})`);
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const audio = await checkBrowserAudio(page);
    await page.screenshot({ path: join(workDir, 'browser-phone-on-call.png') });
    const heard = `${audio.codec ?? '?'} over ${audio.dtls ?? '?'}: ${audio.bytesSent} bytes sent and ${audio.bytesReceived} received in 4 s, tone back in ${audio.toneWindows}/20 windows`;
    check(audio.bytesSent > 5_000, `the browser sent almost no audio (${heard})`);
    check(audio.bytesReceived > 5_000 && audio.audioEnergyReceived > 0, `the browser received almost no audio (${heard})`);
    check(audio.toneWindows >= 10, `the browser's own tone did not come back through the caller's echo (${heard}; loudest Hz per window: ${audio.loudestHz.join(' ')})`);

    const result = await caller.done;
    check(result.passed, `the caller's sipp failed (exit ${result.code}): ${result.errors || result.output.slice(-800)}`);
    const wrapUp = page.getByRole('article', { name: /Wrap-up/ });
    await wrapUp.waitFor({ timeout: 15_000 }).catch(() => {
      throw new Error('the caller hung up, but the desk did not go to wrap-up');
    });
    await page.screenshot({ path: join(workDir, 'browser-phone-wrap-up.png') });
    const { json } = await engine.api<{ items: Array<{ agentId?: string; queueId?: string; queueOutcome?: string }> }>('GET', `/api/calls?to=${encodeURIComponent(DID)}&pageSize=5`);
    const record = json.items[0];
    check(record?.agentId === ADVISER.agentId && record.queueId === QUEUE, `the call record does not name the adviser and queue: ${JSON.stringify(record)}`);
    return `${heard}; record: queue ${record.queueId}, agent ${record.agentId}, ${record.queueOutcome ?? 'no queue outcome'}`;
  });
  await browser?.close().catch(() => undefined);
  await engine?.stop();
  postgres?.dispose();
}
