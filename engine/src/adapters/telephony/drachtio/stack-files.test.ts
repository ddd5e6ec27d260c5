import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GENERATED_PCAPS, scenarioWithPcaps } from '../../../../../test/sip/generated-pcaps.js';
import { audioPcap } from '../../../../../test/sip/rtp-pcap.js';
import { speechScenario } from '../../../../../test/sip/speech-caller.js';
import { loadConfig } from '../../../config/config.js';

/**
 * The files that only run against a real stack — the docker configs and the sipp scenarios of
 * `npm run test:sip` — are checked here on every run, so they cannot rot unnoticed.
 */
const root = resolve(import.meta.dirname, '../../../../..');
const scenarioDir = join(root, 'test/sip/scenarios');
const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.xml'));
const dockerXml = ['docker/drachtio/drachtio.conf.xml', ...readdirSync(join(root, 'docker/freeswitch/conf'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.xml'))
  .map((f) => `docker/freeswitch/conf/${f}`)];
const { window } = new JSDOM('');

function parseXml(path: string): Document {
  const doc = new window.DOMParser().parseFromString(readFileSync(path, 'utf8'), 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`${path}: ${error.textContent}`);
  return doc;
}

const sippInstalled = spawnSync('sipp', ['-v']).status !== null;


describe('sipp scenarios for npm run test:sip', () => {
  it('there is a scenario for each required walk', () => {
    expect(scenarios.sort()).toEqual([
      'assisted-payment.xml',
      'caller-hangs-up-after-pause.xml',
      'caller-tone-until-bye.xml',
      'caller-until-bye.xml',
      'cancel-before-answer.xml',
      'concurrent-call.xml',
      'hangup-mid-prompt.xml',
      'main-line-callback.xml',
      'main-line-dtmf-to-queue.xml',
      'main-line-dtmf-to-transfer.xml',
      'main-line-to-agent.xml',
      'payments-line.xml',
      'speech-in-queue.xml',
      'speech-to-transfer.xml',
      'speech-until-hangup.xml',
      'trunk-far-end.xml',
    ]);
  });

  it.each(scenarios)('%s is well-formed, and its pcaps exist (or are ones test:sip writes)', (file) => {
    const doc = parseXml(join(scenarioDir, file));
    expect(doc.documentElement.tagName).toBe('scenario');
    expect(doc.getElementsByTagName('send').length).toBeGreaterThan(0);
    for (const exec of Array.from(doc.getElementsByTagName('exec'))) {
      const pcap = exec.getAttribute('play_pcap_audio');
      if (!pcap) continue;
      if (pcap === '@PCAP@') continue; // the caller's line, written per call by test/sip/speech-caller.ts
      if (pcap.startsWith('@PCAPS@/')) expect(GENERATED_PCAPS[file] ?? {}, `${file} plays ${pcap}`).toHaveProperty(pcap.slice('@PCAPS@/'.length));
      else expect(existsSync(pcap), `${file} plays ${pcap}`).toBe(true);
    }
  });

  it.skipIf(!sippInstalled)('every scenario loads in sipp', async () => {
    // sipp parses each scenario, sends to a closed local port and gives up after a second; its
    // statistics screen only appears when the scenario loaded. All five run at once.
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const pcaps = mkdtempSync(join(tmpdir(), 'sipp-pcaps-'));
    const line = join(pcaps, 'line.pcap');
    writeFileSync(line, audioPcap(new Int16Array(8000)));
    const outputs = await Promise.all(
      scenarios.map(
        (file, i) =>
          new Promise<string>((done) => {
            // As test:sip runs it: with the pcaps it writes for the run (a talking caller's line per call).
            const scenario = scenarioWithPcaps(scenarioDir, file, pcaps);
            if (file.startsWith('speech-')) writeFileSync(scenario, speechScenario(file, { pcap: line, from: '+447700900123', waitMs: 1000, targetRegexp: '\\+441632960700' }));
            const args = ['127.0.0.1:9', '-sf', scenario, '-i', '127.0.0.1', '-p', String(base + i), '-m', '1', '-timeout', '1', '-timeout_error', '-s', '+441234500000'];
            execFile('sipp', args, { timeout: 10_000 }, (_error, stdout, stderr) => done(`${file}\n${stdout}${stderr}`));
          }),
      ),
    );
    rmSync(pcaps, { recursive: true, force: true });
    for (const output of outputs) expect(output, output.slice(0, 400)).toContain('Test Terminated');
  });

  it('the runner script is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', join(root, 'test/sip/run.sh')])).not.toThrow();
  });
});

describe('docker stack files', () => {
  it.each(dockerXml)('%s is well-formed XML', (file) => {
    expect(() => parseXml(join(root, file))).not.toThrow();
  });

  it('the FreeSWITCH profile is the one drachtio-fsmrf looks for, and the dialplan hands calls to the engine', () => {
    const profile = parseXml(join(root, 'docker/freeswitch/conf/sip_profiles/drachtio_mrf.xml'));
    expect(profile.getElementsByTagName('profile')[0]!.getAttribute('name')).toBe('drachtio_mrf');
    const dialplan = readFileSync(join(root, 'docker/freeswitch/conf/dialplan/mrf.xml'), 'utf8');
    expect(dialplan).toContain('${sip_h_X-esl-outbound} async full');
    const modules = readFileSync(join(root, 'docker/freeswitch/conf/autoload_configs/modules.conf.xml'), 'utf8');
    for (const mod of ['mod_event_socket', 'mod_sofia', 'mod_flite', 'mod_local_stream', 'mod_tone_stream', 'mod_audio_fork']) expect(modules).toContain(mod);
  });

  it('legs the engine creates (agents, trunk, transfers) offer plain RTP; only legs asking for it (Teams) offer SRTP', () => {
    // Found on the real stack: with FreeSWITCH's default ("optional" SRTP on its inbound channels) and the
    // offer made on arrival (enable-3pcc=true), every 3PCC leg offered RTP/SAVP beside RTP/AVP, and a phone
    // taking the AVP line heard encrypted packets as hiss while the caller heard nothing.
    const profile = parseXml(join(root, 'docker/freeswitch/conf/sip_profiles/drachtio_mrf.xml'));
    const params = Array.from(profile.getElementsByTagName('param'));
    expect(params.find((p) => p.getAttribute('name') === 'enable-3pcc')?.getAttribute('value')).toBe('proxy');
    const extensions = Array.from(parseXml(join(root, 'docker/freeswitch/conf/dialplan/mrf.xml')).getElementsByTagName('extension'));
    const actionsOf = (name: string) =>
      extensions
        .filter((e) => e.getAttribute('name') === name)
        .flatMap((e) => Array.from(e.getElementsByTagName('action')))
        .map((a) => a.getAttribute('data'));
    const conditionsOf = (name: string) =>
      extensions
        .filter((e) => e.getAttribute('name') === name)
        .flatMap((e) => Array.from(e.getElementsByTagName('condition')))
        .map((c) => `${c.getAttribute('field')} ${c.getAttribute('expression')}`);
    expect(conditionsOf('frontdoor-plain-rtp')).toEqual(['${sip_h_X-Secure-RTP} ^$', '${switch_r_sdp} ^$']);
    expect(actionsOf('frontdoor-plain-rtp')).toEqual(['rtp_secure_media=false']);
    expect(actionsOf('frontdoor-srtp')).toEqual(['rtp_secure_media=optional']);
    // Both are decided before the channel answers (the offer is made then).
    const order = extensions.map((e) => e.getAttribute('name'));
    expect(order.indexOf('frontdoor-plain-rtp')).toBeLessThan(order.indexOf('frontdoor'));
  });

  it('the hold music the adapter plays (local_stream://moh) streams media/hold-music, which the compose file mounts at /media', () => {
    const streams = parseXml(join(root, 'docker/freeswitch/conf/autoload_configs/local_stream.conf.xml')).getElementsByTagName('directory');
    const moh = [...Array.from({ length: streams.length }, (_, i) => streams[i]!)].find((d) => d.getAttribute('name') === 'moh');
    expect(moh?.getAttribute('path')).toBe('/media/hold-music');
    const compose = parseYaml(readFileSync(join(root, 'docker/docker-compose.yml'), 'utf8')) as { services: { freeswitch: { volumes: string[] } } };
    expect(compose.services.freeswitch.volumes).toContain('../media:/media:ro');
  });

  it('docker-compose.yml parses and runs every service the stack needs', () => {
    const compose = parseYaml(readFileSync(join(root, 'docker/docker-compose.yml'), 'utf8')) as { services: Record<string, unknown> };
    expect(Object.keys(compose.services).sort()).toEqual(['drachtio', 'engine', 'freeswitch', 'postgres']);
  });

  it("the engine's config file for the stack is valid", () => {
    const config = loadConfig({ file: join(root, 'docker/engine/frontdoor.yaml'), env: {} });
    expect(config.telephony?.mediaServers[0]).toMatchObject({ profile: 'drachtio_mrf', listenPort: 8085 });
  });
});
