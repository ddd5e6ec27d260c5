import { z } from 'zod';

/**
 * The telephony part of frontdoor's config file: where drachtio-server and the FreeSWITCH pool are,
 * which SIP trunks may send calls and carry outbound ones, how agents' phones register, Microsoft
 * Teams Direct Routing and admission control. Validated with zod; errors name the key path
 * (e.g. `telephony.trunks[0].outbound.host: expected a hostname or IP address`).
 */

const hostname = z
  .string()
  .min(1, 'expected a hostname or IP address')
  .max(253)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:.]+)$/, 'expected a hostname or IP address');

const port = z.number().int().min(1, 'expected a port from 1 to 65535').max(65535, 'expected a port from 1 to 65535');

const name = z
  .string()
  .min(1, 'must not be empty')
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use only letters, digits, _ . -');

const secret = z.string().min(1, 'must not be empty');

/** An IPv4/IPv6 address, or a CIDR block like 203.0.113.0/24. */
const ipOrCidr = z
  .string()
  .regex(
    /^((\d{1,3}\.){3}\d{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$/,
    'expected an IP address or CIDR block (e.g. 203.0.113.10 or 203.0.113.0/24)',
  );

const digestCredentials = z.strictObject({
  username: z.string().min(1, 'must not be empty').describe('Digest user name'),
  password: secret.describe('Digest password'),
});

export const drachtioConnectionSchema = z
  .strictObject({
    host: hostname.default('127.0.0.1').describe('drachtio-server admin host (inbound connection from the engine)'),
    port: port.default(9022).describe('drachtio-server admin port'),
    secret: secret.describe('drachtio-server admin secret (drachtio.conf.xml <admin secret=…>)'),
  })
  .describe('The SIP edge: drachtio-server, reached over its admin TCP protocol');

export const mediaServerSchema = z
  .strictObject({
    name: name.describe('Name shown in health and metrics'),
    host: hostname.describe('FreeSWITCH host (event socket)'),
    eventSocketPort: port.default(8021).describe('FreeSWITCH event socket port (event_socket.conf.xml)'),
    secret: secret.default('ClueCon').describe('FreeSWITCH event socket password'),
    profile: z
      .string()
      .min(1)
      .default('drachtio_mrf')
      .describe('FreeSWITCH SIP profile that drachtio-server sends media-server INVITEs to'),
    listenAddress: hostname
      .default('0.0.0.0')
      .describe('Local address the engine listens on for FreeSWITCH outbound event-socket connections'),
    listenPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(0)
      .describe('Local port for FreeSWITCH outbound event-socket connections (0: any free port)'),
    advertisedAddress: hostname
      .optional()
      .describe('Address FreeSWITCH should connect back to, when listenAddress is not reachable from it (NAT, containers)'),
    advertisedPort: port.optional().describe('Port FreeSWITCH should connect back to (with advertisedAddress)'),
    maxCalls: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Calls (FreeSWITCH channels) this engine puts on this media server before the pool skips it (default: no cap of the engine's own; admission control keeps within FreeSWITCH's max-sessions)"),
  })
  .describe('A FreeSWITCH media server driven through drachtio-fsmrf');

export const trunkSchema = z
  .strictObject({
    name: name.describe('Trunk name (used in logs, metrics and outbound routing)'),
    inbound: z
      .strictObject({
        allow: z
          .array(ipOrCidr)
          .default([])
          .describe('Source addresses or CIDR blocks this trunk sends calls from'),
        auth: digestCredentials
          .optional()
          .describe('Require SIP digest authentication on INVITEs from this trunk'),
        dids: z
          .array(z.string().min(1))
          .default([])
          .describe('Numbers (E.164) this trunk delivers; empty means any'),
      })
      .default({ allow: [], dids: [] })
      .describe('Who may send calls in through this trunk: allow-list and/or digest auth'),
    outbound: z
      .strictObject({
        host: hostname.describe('Trunk provider SIP host'),
        port: port.default(5060).describe('Trunk provider SIP port'),
        transport: z.enum(['udp', 'tcp', 'tls']).default('udp').describe('SIP transport to the provider'),
        auth: digestCredentials.optional().describe('Credentials for the provider’s digest challenge'),
        callerId: z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number like +441234500000')
          .optional()
          .describe('Caller id presented when the caller’s own number must not be passed on'),
      })
      .optional()
      .describe('Where outbound calls (to public numbers) through this trunk go'),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code like GB')
      .default('GB')
      .describe('Country used to turn national numbers (01234 567890) into E.164 (+441234567890)'),
  })
  .refine((trunk) => trunk.inbound.allow.length > 0 || trunk.inbound.auth !== undefined || trunk.outbound !== undefined, {
    message: 'a trunk needs inbound.allow, inbound.auth or outbound',
  })
  .describe('A SIP trunk to a carrier');

export const agentAuthSchema = z
  .strictObject({
    realm: z.string().min(1).default('frontdoor').describe('Registrar digest realm'),
    users: z
      .array(
        z.strictObject({
          username: z.string().min(1).describe('SIP user name the phone registers as'),
          password: secret.describe('SIP password'),
          agentId: z.string().min(1).optional().describe('Agent this phone belongs to (default: the user name)'),
        }),
      )
      .default([])
      .describe('Phones allowed to register'),
    useAgentsTable: z
      .boolean()
      .default(false)
      .describe('Also accept agents whose SIP credentials are held in the agents table'),
    minExpires: z.number().int().positive().default(60).describe('Shortest registration accepted, seconds'),
    maxExpires: z.number().int().positive().default(3600).describe('Longest registration granted, seconds'),
    staticContacts: z
      .record(z.string().min(1), z.string().regex(/^sips?:/, 'expected a sip: or sips: URI'))
      .default({})
      .describe('Agents reached on a fixed SIP URI instead of a registration (agentId → URI)'),
  })
  .describe('Registrar for agents’ SIP phones');

export const PSTN_HUBS = ['sip.pstnhub.microsoft.com', 'sip2.pstnhub.microsoft.com', 'sip3.pstnhub.microsoft.com'];

export const teamsSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Route teams: destinations through Microsoft Teams Direct Routing'),
    sbcFqdn: hostname.describe('This SBC’s FQDN as registered with Set-CsOnlinePstnGateway (in Contact and the certificate)'),
    tls: z
      .strictObject({
        certificate: z.string().min(1).describe('Path to the PEM certificate for sbcFqdn (public CA)'),
        key: z.string().min(1).describe('Path to the PEM private key'),
      })
      .describe('TLS certificate drachtio-server presents on 5061'),
    port: port.default(5061).describe('SIP TLS port'),
    hubs: z.array(hostname).min(1).default(PSTN_HUBS).describe('Microsoft SIP proxies, in order of preference'),
    optionsIntervalSeconds: z.number().int().min(10).max(600).default(60).describe('OPTIONS keep-alive interval per hub'),
    failuresBeforeDown: z.number().int().min(1).default(2).describe('Failed OPTIONS in a row before a hub is skipped'),
    srtp: z.boolean().default(true).describe('Require SRTP media (FreeSWITCH rtp_secure_media)'),
  })
  .describe('Microsoft Teams Direct Routing');

/** The shipped admission defaults (docs/telephony.md, "Admission control", says how they were chosen). */
export const ADMISSION_DEFAULTS = {
  maxConcurrentCalls: 1000,
  maxCallsPerSecond: 25,
  maxSetupsInFlight: 20,
  maxSetupMs: 1000,
  maxEventLoopLagMs: 250,
  mediaServerHeadroom: 0.9,
  retryAfterSeconds: 5,
} as const;

export const admissionSchema = z
  .strictObject({
    maxConcurrentCalls: z.number().int().positive().default(ADMISSION_DEFAULTS.maxConcurrentCalls).describe('Calls in progress before new ones get 503'),
    maxCallsPerSecond: z.number().positive().default(ADMISSION_DEFAULTS.maxCallsPerSecond).describe('New calls per second before new ones get 503'),
    maxSetupsInFlight: z
      .number()
      .int()
      .positive()
      .default(ADMISSION_DEFAULTS.maxSetupsInFlight)
      .describe('Calls still being set up (INVITE received, not yet answered) before new ones get 503'),
    maxSetupMs: z
      .number()
      .int()
      .min(100)
      .max(4000)
      .default(ADMISSION_DEFAULTS.maxSetupMs)
      .describe('New calls get 503 while a call has been setting up longer than this (media servers answering slowly)'),
    maxEventLoopLagMs: z
      .number()
      .int()
      .min(10)
      .default(ADMISSION_DEFAULTS.maxEventLoopLagMs)
      .describe("New calls get 503 while the engine's event loop runs this late (mean over half a second)"),
    mediaServerHeadroom: z
      .number()
      .gt(0)
      .max(1)
      .default(ADMISSION_DEFAULTS.mediaServerHeadroom)
      .describe("Share of FreeSWITCH's own max-sessions and sessions-per-second new calls may use"),
    retryAfterSeconds: z.number().int().positive().default(ADMISSION_DEFAULTS.retryAfterSeconds).describe('Retry-After sent with 503'),
  })
  .describe('Refuse calls politely (503 + Retry-After) before media servers fall over');

export const audioForkSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Stream callers' audio live from FreeSWITCH (mod_audio_fork) while a question listens: speech barge-in, end-of-speech detection, recognition as they speak. Off, or where a media server cannot, answers are recorded after the prompt"),
    listenAddress: hostname
      .optional()
      .describe("Where the engine takes mod_audio_fork's websocket connections (default: the first media server's listenAddress); only the media servers need to reach it"),
    listenPort: z.number().int().min(0).max(65535).default(0).describe('Port for those connections (0: any free port)'),
    advertisedAddress: hostname
      .optional()
      .describe("Address the media servers connect to (default: the first media server's advertisedAddress, else listenAddress)"),
    advertisedPort: port.optional().describe('Port the media servers connect to (with advertisedAddress, e.g. a published container port)'),
    sampleRate: z
      .union([z.literal(8000), z.literal(16000)], { error: 'expected 8000 or 16000' })
      .default(8000)
      .describe('Rate the caller audio is streamed at: 8000 is what a phone line carries (and what the telephony speech models expect); 16000 for wideband callers'),
    speechThresholdDb: z
      .number()
      .min(-70)
      .max(-10)
      .default(-40)
      .describe('Quietest sound (dBFS) that can count as speech; it must also stand 10 dB above the line’s own noise'),
    minSpeechMs: z.number().int().min(60).max(2000).default(200).describe('Speech needed before the prompt stops (ms): shorter sounds (clicks, coughs, line noise) never barge in'),
    endSilenceMs: z.number().int().min(200).max(5000).default(800).describe('Silence that ends an answer (ms)'),
    preRollMs: z.number().int().min(0).max(1000).default(300).describe('Audio kept from before the caller was heard to start, so the first syllable reaches the recogniser (ms)'),
  })
  .describe("Live caller audio for speech recognition (mod_audio_fork's websocket stream)");

export const telephonyConfigSchema = z
  .strictObject({
    drachtio: drachtioConnectionSchema,
    mediaServers: z.array(mediaServerSchema).min(1, 'at least one media server is needed').describe('The FreeSWITCH pool'),
    trunks: z.array(trunkSchema).default([]).describe('SIP trunks'),
    agents: agentAuthSchema.default({
      realm: 'frontdoor',
      users: [],
      useAgentsTable: false,
      minExpires: 60,
      maxExpires: 3600,
      staticContacts: {},
    }),
    teams: teamsSchema.optional(),
    admission: admissionSchema.default(ADMISSION_DEFAULTS),
    audioFork: audioForkSchema.prefault({}),
    defaultLanguage: z.string().default('en-GB').describe('TTS language when a prompt has none'),
    mediaBaseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe(
        "This engine's HTTP address as the media servers reach it, for recorded prompts and Welsh speech (default: http://<first media server's advertisedAddress, else http.host>:<http.port>)",
      ),
    ttsVoice: z.string().default('slt').describe('mod_flite voice for text prompts (kal, slt, rms, awb)'),
    recordCalls: z.boolean().default(false).describe('Record every call (paused during payments) into recordingsDir'),
    recordingsDir: z.string().min(1).default('/var/lib/freeswitch/recordings').describe('Where FreeSWITCH writes voicemail, utterances and call recordings; the engine reads the same path (a shared volume)'),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.mediaServers.forEach((server, index) => {
      if (seen.has(server.name)) {
        ctx.addIssue({ code: 'custom', path: ['mediaServers', index, 'name'], message: `duplicate media server name "${server.name}"` });
      }
      seen.add(server.name);
    });
    const trunkNames = new Set<string>();
    config.trunks.forEach((trunk, index) => {
      if (trunkNames.has(trunk.name)) {
        ctx.addIssue({ code: 'custom', path: ['trunks', index, 'name'], message: `duplicate trunk name "${trunk.name}"` });
      }
      trunkNames.add(trunk.name);
    });
    if (config.agents.minExpires > config.agents.maxExpires) {
      ctx.addIssue({ code: 'custom', path: ['agents', 'minExpires'], message: 'must not exceed agents.maxExpires' });
    }
  })
  .describe('Real telephony: drachtio-server, FreeSWITCH, trunks, agents, Teams');

export type TelephonyConfig = z.infer<typeof telephonyConfigSchema>;
export type TelephonyConfigInput = z.input<typeof telephonyConfigSchema>;
export type MediaServerConfig = TelephonyConfig['mediaServers'][number];
export type TrunkConfig = TelephonyConfig['trunks'][number];
export type AgentAuthConfig = TelephonyConfig['agents'];
export type TeamsConfig = z.infer<typeof teamsSchema>;
export type AdmissionConfig = TelephonyConfig['admission'];
export type AudioForkConfig = TelephonyConfig['audioFork'];

/** `telephony.trunks[0].outbound.host: expected a hostname or IP address` — one line per issue. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], prefix = 'telephony'): string[] {
  return issues.map((issue) => `${formatPath(prefix, issue.path)}: ${issue.message}`);
}

function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out;
}

/** Parse the telephony section, throwing one Error listing every bad key. */
export function parseTelephonyConfig(raw: unknown, prefix = 'telephony'): TelephonyConfig {
  const result = telephonyConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new TelephonyConfigError(formatConfigIssues(result.error.issues, prefix));
  }
  return result.data;
}

export class TelephonyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid telephony configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'TelephonyConfigError';
  }
}
