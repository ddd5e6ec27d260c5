import { describe, expect, it } from 'vitest';
import { parseTelephonyConfig, TelephonyConfigError, telephonyConfigSchema } from './config.js';

const minimal = {
  drachtio: { secret: 'cymru' },
  mediaServers: [{ name: 'fs1', host: 'freeswitch' }],
};

function problemsOf(raw: unknown): string[] {
  try {
    parseTelephonyConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(TelephonyConfigError);
    return (error as TelephonyConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('telephonyConfigSchema', () => {
  it('fills in the defaults a telephony engineer expects', () => {
    const config = parseTelephonyConfig(minimal);
    expect(config.drachtio).toEqual({ host: '127.0.0.1', port: 9022, secret: 'cymru' });
    expect(config.mediaServers[0]).toMatchObject({ eventSocketPort: 8021, secret: 'ClueCon', profile: 'drachtio_mrf' });
    expect(config.admission).toEqual({
      maxConcurrentCalls: 1000,
      maxCallsPerSecond: 25,
      maxSetupsInFlight: 20,
      maxSetupMs: 1000,
      maxEventLoopLagMs: 250,
      mediaServerHeadroom: 0.9,
      retryAfterSeconds: 5,
    });
    expect(config.agents.realm).toBe('frontdoor');
  });

  it('streams callers\' audio live by default, and names a bad audioFork key', () => {
    expect(parseTelephonyConfig(minimal).audioFork).toEqual({
      enabled: true,
      listenPort: 0,
      sampleRate: 8000,
      speechThresholdDb: -40,
      minSpeechMs: 200,
      endSilenceMs: 800,
      preRollMs: 300,
    });
    expect(problemsOf({ ...minimal, audioFork: { sampleRate: 44100, endSilenceMs: 50, listenAddres: '0.0.0.0' } })).toEqual([
      'telephony.audioFork.sampleRate: expected 8000 or 16000',
      'telephony.audioFork.endSilenceMs: Too small: expected number to be >=200',
      'telephony.audioFork: Unrecognized key: "listenAddres"',
    ]);
  });

  it('fills in the Microsoft hubs and 5061 for Teams', () => {
    const config = parseTelephonyConfig({
      ...minimal,
      teams: { enabled: true, sbcFqdn: 'sbc.council.gov.uk', tls: { certificate: '/c.pem', key: '/k.pem' } },
    });
    expect(config.teams?.port).toBe(5061);
    expect(config.teams?.hubs).toEqual([
      'sip.pstnhub.microsoft.com',
      'sip2.pstnhub.microsoft.com',
      'sip3.pstnhub.microsoft.com',
    ]);
  });

  it('names the path of a bad trunk host', () => {
    expect(
      problemsOf({ ...minimal, trunks: [{ name: 'bt', outbound: { host: 'not a host!' } }] }),
    ).toContain('telephony.trunks[0].outbound.host: expected a hostname or IP address');
  });

  it('names an unknown key and where it is', () => {
    const problems = problemsOf({ ...minimal, mediaServers: [{ name: 'fs1', host: 'fs', eventsocketport: 8021 }] });
    expect(problems.join('\n')).toMatch(/^telephony\.mediaServers\[0\]: .*eventsocketport/m);
  });

  it('rejects a trunk that neither admits nor carries calls, and a bad CIDR', () => {
    expect(problemsOf({ ...minimal, trunks: [{ name: 'empty' }] })).toContain(
      'telephony.trunks[0]: a trunk needs inbound.allow, inbound.auth or outbound',
    );
    expect(problemsOf({ ...minimal, trunks: [{ name: 't', inbound: { allow: ['10.0.0.0/99'] } }] })[0]).toMatch(
      /^telephony\.trunks\[0\]\.inbound\.allow\[0\]: expected an IP address or CIDR block/,
    );
  });

  it('requires a media server and rejects duplicate names', () => {
    expect(problemsOf({ drachtio: { secret: 's' }, mediaServers: [] })).toContain(
      'telephony.mediaServers: at least one media server is needed',
    );
    expect(
      problemsOf({ ...minimal, mediaServers: [{ name: 'a', host: 'h' }, { name: 'a', host: 'h2' }] }),
    ).toContain('telephony.mediaServers[1].name: duplicate media server name "a"');
  });

  it('describes its keys for generated documentation', () => {
    expect(telephonyConfigSchema.shape.drachtio.shape.secret.description).toMatch(/admin secret/);
    expect(telephonyConfigSchema.shape.mediaServers.description).toBe('The FreeSWITCH pool');
  });
});
