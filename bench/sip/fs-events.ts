/**
 * DTMF → start of the next prompt, measured the same way for every app under test: from FreeSWITCH's
 * own events (its clock, its channels), on a separate event-socket connection of the bench's. For each
 * channel, the time from a DTMF event to the next prompt on that channel — the
 * CHANNEL_EXECUTE of a playback (or a PLAYBACK_START, whichever comes first) (Event-Date-Timestamp,
 * microseconds). A small event-socket client: auth, `event json DTMF CHANNEL_EXECUTE PLAYBACK_START`, Content-Length framing.
 */
import { connect, type Socket } from 'node:net';

/** Dialplan applications that start a prompt (text prompts are `playback say:…`, which fires no PLAYBACK_START). */
const PROMPT_APPS = new Set(['playback', 'speak', 'play_and_get_digits']);

export interface DtmfToPromptWatch {
  /** Milliseconds from each DTMF to the next prompt's start, one per channel that had both. */
  samples(): number[];
  /** Channels that received a DTMF and never started another prompt (so far). */
  unanswered(): number;
  reset(): void;
  /** FreeSWITCH's own version line (`api version`). */
  version(): Promise<string>;
  close(): void;
}

export async function watchDtmfToPrompt(options: { host: string; port: number; secret: string }): Promise<DtmfToPromptWatch> {
  const socket: Socket = connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  let samples: number[] = [];
  let pending = new Map<string, number>();
  let buffer: Buffer = Buffer.alloc(0);
  const apiReplies: ((body: string) => void)[] = [];
  let ready: (() => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  const authed = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  socket.on('error', (error) => failed?.(error));

  const onMessage = (headers: Map<string, string>, body: string) => {
    const type = headers.get('Content-Type');
    if (type === 'auth/request') socket.write(`auth ${options.secret}\n\n`);
    else if (type === 'command/reply') {
      const reply = headers.get('Reply-Text') ?? '';
      if (reply.startsWith('-ERR')) failed?.(new Error(`FreeSWITCH event socket: ${reply}`));
      else if (reply.startsWith('+OK accepted')) socket.write('event json DTMF CHANNEL_EXECUTE PLAYBACK_START\n\n');
      else if (reply.startsWith('+OK event')) ready?.();
    } else if (type === 'api/response') {
      apiReplies.shift()?.(body);
    } else if (type === 'text/event-json') {
      const event = JSON.parse(body) as Record<string, string>;
      const channel = event['Unique-ID'];
      const at = Number(event['Event-Date-Timestamp']);
      if (!channel || !Number.isFinite(at)) return;
      if (event['Event-Name'] === 'DTMF') {
        if (!pending.has(channel)) pending.set(channel, at);
      } else if (event['Event-Name'] === 'PLAYBACK_START' || (event['Event-Name'] === 'CHANNEL_EXECUTE' && PROMPT_APPS.has(event.Application ?? ''))) {
        const pressed = pending.get(channel);
        if (pressed !== undefined) {
          samples.push((at - pressed) / 1000);
          pending.delete(channel);
        }
      }
    }
  };

  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end < 0) return;
      const headers = new Map<string, string>();
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        const colon = line.indexOf(': ');
        if (colon > 0) headers.set(line.slice(0, colon), decodeURIComponent(line.slice(colon + 2)));
      }
      const length = Number(headers.get('Content-Length') ?? 0);
      if (buffer.length < end + 2 + length) return;
      const body = buffer.subarray(end + 2, end + 2 + length).toString('utf8');
      buffer = buffer.subarray(end + 2 + length);
      onMessage(headers, body);
    }
  });
  await authed;
  return {
    samples: () => [...samples],
    unanswered: () => pending.size,
    reset() {
      samples = [];
      pending = new Map();
    },
    version: () =>
      new Promise<string>((resolve) => {
        apiReplies.push((body) => resolve(body.trim()));
        socket.write('api version\n\n');
      }),
    close: () => socket.destroy(),
  };
}
