import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dtmfPcap } from '../../../../../test/sip/dtmf-pcap.js';
import { audioPcap } from '../../../../../test/sip/rtp-pcap.js';
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

/** The DTMF pcaps run.sh writes for payments-line.xml (test/sip/dtmf-pcap.ts), by file name → keys. */
const GENERATED_PCAPS: Record<string, string> = {
  'reference.pcap': '12345678#',
  'confirm.pcap': '1',
  'pay.pcap': '1',
  'card.pcap': '4444333322221111#1230#737#',
};

describe('sipp scenarios for npm run test:sip', () => {
  it('there is a scenario for each required walk', () => {
    expect(scenarios.sort()).toEqual([
      'cancel-before-answer.xml',
      'concurrent-call.xml',
      'hangup-mid-prompt.xml',
      'main-line-dtmf-to-queue.xml',
      'main-line-dtmf-to-transfer.xml',
      'payments-line.xml',
      'speech-to-transfer.xml',
      'speech-until-hangup.xml',
    ]);
  });

  it.each(scenarios)('%s is well-formed, and its pcaps exist (or are ones run.sh writes)', (file) => {
    const doc = parseXml(join(scenarioDir, file));
    expect(doc.documentElement.tagName).toBe('scenario');
    expect(doc.getElementsByTagName('send').length).toBeGreaterThan(0);
    for (const exec of Array.from(doc.getElementsByTagName('exec'))) {
      const pcap = exec.getAttribute('play_pcap_audio');
      if (!pcap) continue;
      if (pcap === '@PCAP@') continue; // the caller's line, written per call by test/sip/speech-caller.ts
      if (pcap.startsWith('@PCAPS@/')) expect(GENERATED_PCAPS, `${file} plays ${pcap}`).toHaveProperty(pcap.slice('@PCAPS@/'.length));
      else expect(existsSync(pcap), `${file} plays ${pcap}`).toBe(true);
    }
  });

  it.skipIf(!sippInstalled)('every scenario loads in sipp', async () => {
    // sipp parses each scenario, sends to a closed local port and gives up after a second; its
    // statistics screen only appears when the scenario loaded. All five run at once.
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const pcaps = mkdtempSync(join(tmpdir(), 'sipp-pcaps-'));
    for (const [name, keys] of Object.entries(GENERATED_PCAPS)) writeFileSync(join(pcaps, name), dtmfPcap(keys));
    writeFileSync(join(pcaps, 'line.pcap'), audioPcap(new Int16Array(8000)));
    const outputs = await Promise.all(
      scenarios.map(
        (file, i) =>
          new Promise<string>((done) => {
            const scenario = join(pcaps, file);
            const filled = readFileSync(join(scenarioDir, file), 'utf8')
              .replaceAll('@PCAPS@', pcaps)
              .replaceAll('@PCAP@', join(pcaps, 'line.pcap'))
              .replaceAll('@FROM@', '+447700900123')
              .replaceAll('@WAIT_MS@', '1000')
              .replaceAll('@TARGET_REGEXP@', '\\+441632960700');
            writeFileSync(scenario, filled);
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

  it('docker-compose.yml parses and runs every service the stack needs', () => {
    const compose = parseYaml(readFileSync(join(root, 'docker/docker-compose.yml'), 'utf8')) as { services: Record<string, unknown> };
    expect(Object.keys(compose.services).sort()).toEqual(['drachtio', 'engine', 'freeswitch', 'postgres']);
  });

  it("the engine's config file for the stack is valid", () => {
    const config = loadConfig({ file: join(root, 'docker/engine/frontdoor.yaml'), env: {} });
    expect(config.telephony?.mediaServers[0]).toMatchObject({ profile: 'drachtio_mrf', listenPort: 8085 });
  });
});
