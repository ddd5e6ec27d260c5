/**
 * Where the real drachtio-server + FreeSWITCH stack is (environment, see /opt/fdstack/bin/env.sh or
 * docker/), and the telephony config an engine — or test:sip's own in-process SIP application — uses
 * to reach it.
 */
import type { TelephonyConfigInput } from '../../../engine/src/adapters/telephony/drachtio/config.js';

export const REQUIRED = ['DRACHTIO_HOST', 'DRACHTIO_PORT', 'DRACHTIO_SECRET', 'FREESWITCH_HOST', 'FREESWITCH_PORT', 'FREESWITCH_SECRET', 'SIP_TARGET'] as const;

export interface Stack {
  drachtio: { host: string; port: number; secret: string };
  freeswitch: { host: string; port: number; secret: string };
  /** drachtio's SIP address, host:port: where callers and phones send. */
  sipTarget: string;
  /** Address FreeSWITCH reaches this machine on (its outbound event-socket connections). */
  advertised: string;
  listenAddress: string;
}

export function missingVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return REQUIRED.filter((name) => !env[name]);
}

export function stackFromEnv(env: NodeJS.ProcessEnv = process.env): Stack {
  return {
    drachtio: { host: env.DRACHTIO_HOST!, port: Number(env.DRACHTIO_PORT), secret: env.DRACHTIO_SECRET! },
    freeswitch: { host: env.FREESWITCH_HOST!, port: Number(env.FREESWITCH_PORT), secret: env.FREESWITCH_SECRET! },
    sipTarget: env.SIP_TARGET!,
    advertised: env.FRONTDOOR_ADVERTISED_ADDRESS ?? '127.0.0.1',
    listenAddress: env.FRONTDOOR_LISTEN_ADDRESS ?? '0.0.0.0',
  };
}

/** An agent's phone as the engine's config knows it (telephony.agents.users). */
export interface PhoneAccount {
  username: string;
  password: string;
  agentId: string;
}

export function telephonyConfig(
  stack: Stack,
  options: { trunkPort: number; phones: PhoneAccount[]; recordingsDir: string; recordCalls?: boolean; maxCalls?: number },
): TelephonyConfigInput {
  return {
    drachtio: stack.drachtio,
    mediaServers: [
      {
        name: 'fs-under-test',
        host: stack.freeswitch.host,
        eventSocketPort: stack.freeswitch.port,
        secret: stack.freeswitch.secret,
        listenAddress: stack.listenAddress,
        listenPort: 0,
        advertisedAddress: stack.advertised,
      },
    ],
    // The trunk's far end is sipp on this machine (trunk-far-end.xml).
    trunks: [{ name: 'test-trunk', outbound: { host: '127.0.0.1', port: options.trunkPort } }],
    agents: {
      realm: 'frontdoor-test',
      users: options.phones.map(({ username, password, agentId }) => ({ username, password, agentId })),
      useAgentsTable: false,
      minExpires: 60,
      maxExpires: 3600,
      staticContacts: {},
    },
    admission: { maxConcurrentCalls: options.maxCalls ?? 100, maxCallsPerSecond: 25, retryAfterSeconds: 1 },
    recordingsDir: options.recordingsDir,
    recordCalls: options.recordCalls ?? false,
  };
}
