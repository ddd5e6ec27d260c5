/**
 * sipp (Debian sip-tester) as bench:sip's callers. One scenario: INVITE (G.711 + RFC 2833 telephone
 * events), wait for the answer, stay silent for `holdMs` (the prompt plays meanwhile), press 1 (sipp's
 * stock RFC 2833 capture — one digit per call, so its fixed RTP sequence numbers never collide), then
 * wait for the app's BYE after the acknowledgement. Every call logs its INVITE time, its final response
 * (code, time, Retry-After) and whether it completed, so latencies and outcomes come from sipp's side.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DTMF_ONE = '/usr/share/sip-tester/dtmf_2833_1.pcap';
/** Final responses an app may answer with instead of 200; each is logged by code. */
const REFUSALS = [403, 404, 408, 480, 486, 487, 488, 500, 502, 503, 504];

const INVITE = `
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+447700900123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:+447700900123@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      User-Agent: frontdoor-bench-sipp
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=bench call
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 0 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv
`;

const ACK_2XX = `
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+447700900123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      Contact: <sip:+447700900123@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Length: 0
`;

/** The ACK of a non-2xx final response belongs to the INVITE's transaction: same Via branch. */
const ACK_REFUSAL = `
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      [last_Via:]
      From: <sip:+447700900123@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
`;

const BYE_OK = `
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:+447700900123@[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0
`;

const cdata = (text: string) => `<![CDATA[\n${text}\n    ]]>`;

/** The scenario's XML: the caller stays silent `holdMs` after the answer, then presses 1. */
export function pressOneScenario(holdMs: number, answerTimeoutMs = 32_000, byeTimeoutMs = 20_000): string {
  const refusals = REFUSALS.map(
    (code) =>
      `  <recv response="${code}" optional="true" next="r${code}"><action><gettimeofday assign_to="s1,u1"/>` +
      `<ereg regexp="[0-9]+" search_in="hdr" header="Retry-After:" assign_to="ra"/></action></recv>`,
  ).join('\n');
  const refusalBranches = REFUSALS.map(
    (code) => `  <label id="r${code}"/>
  <send>${cdata(ACK_REFUSAL)}</send>
  <nop next="done"><action><log message="FINAL [call_id] ${code} [$s0] [$u0] [$s1] [$u1] ra=[$ra]"/></action></nop>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="bench:sip press one (hold ${holdMs} ms)">
  <nop><action><gettimeofday assign_to="s0,u0"/></action></nop>
  <send retrans="500">${cdata(INVITE)}</send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
${refusals}
  <recv response="200" rrs="true" timeout="${answerTimeoutMs}"><action><gettimeofday assign_to="s1,u1"/></action></recv>
  <send>${cdata(ACK_2XX)}</send>
  <nop><action><log message="FINAL [call_id] 200 [$s0] [$u0] [$s1] [$u1] ra="/></action></nop>
  <pause milliseconds="${holdMs}"/>
  <nop><action><exec play_pcap_audio="${DTMF_ONE}"/></action></nop>
  <recv request="BYE" timeout="${byeTimeoutMs}"/>
  <send>${cdata(BYE_OK)}</send>
  <nop next="done"><action><log message="COMPLETED [call_id]"/></action></nop>
${refusalBranches}
  <label id="done"/>
</scenario>
`;
}

export interface SippCall {
  /** The final response to the INVITE (undefined: none came before the timeout). */
  status?: number;
  /** INVITE sent → final response received, ms. */
  finalMs?: number;
  retryAfter?: boolean;
  /** Answered, pressed 1, heard the app hang up after the acknowledgement. */
  completed: boolean;
}

export interface SippRun {
  offered: number;
  calls: SippCall[];
  /** sipp's own count of failed calls. */
  sippFailed: number;
  exitCode: number | null;
}

export interface SippLoad {
  target: string;
  did: string;
  localIp: string;
  /** New calls per second. */
  rate: number;
  calls: number;
  holdMs: number;
  dir: string;
  label: string;
}

/** Runs sipp to the end of the load and reads back what happened to each call. */
export async function runSipp(load: SippLoad): Promise<SippRun> {
  mkdirSync(load.dir, { recursive: true });
  const scenario = join(load.dir, `${load.label}.xml`);
  const logFile = join(load.dir, `${load.label}.log`);
  const statFile = join(load.dir, `${load.label}.stat.csv`);
  writeFileSync(scenario, pressOneScenario(load.holdMs));
  writeFileSync(logFile, '');
  const args = [
    load.target,
    '-sf', scenario,
    '-i', load.localIp,
    '-s', load.did,
    '-r', String(load.rate),
    '-m', String(load.calls),
    '-l', String(Math.max(load.calls, 10)),
    '-trace_logs', '-log_file', logFile,
    '-trace_stat', '-stf', statFile,
    '-trace_err', '-error_file', join(load.dir, `${load.label}.errors.log`),
    '-timeout', `${Math.ceil(load.calls / load.rate + load.holdMs / 1000 + 90)}s`,
    '-timeout_error',
    '-nostdin',
  ];
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== null && code > 1 && code !== 255 && !readFileSync(logFile, 'utf8')) reject(new Error(`sipp exited ${code}: ${stderr.trim()}`));
      else resolve(code);
    });
  });
  return { offered: load.calls, ...readCalls(logFile), sippFailed: failedCount(statFile), exitCode };
}

function readCalls(logFile: string): { calls: SippCall[] } {
  const byId = new Map<string, SippCall>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const final = /^FINAL (\S+) (\d+) (\S+) (\S+) (\S+) (\S+) ra=(\S*)/.exec(line);
    if (final) {
      const [, id, status, s0, u0, s1, u1, ra] = final;
      const sent = Number(s0) * 1000 + Number(u0) / 1000;
      const received = Number(s1) * 1000 + Number(u1) / 1000;
      byId.set(id!, { status: Number(status), finalMs: received - sent, retryAfter: ra !== '' && ra !== undefined, completed: false });
      continue;
    }
    const completed = /^COMPLETED (\S+)/.exec(line);
    if (completed) {
      const call = byId.get(completed[1]!);
      if (call) call.completed = true;
    }
  }
  return { calls: [...byId.values()] };
}

/** sipp's cumulative FailedCall count, from the last line of its statistics file. */
function failedCount(statFile: string): number {
  try {
    const lines = readFileSync(statFile, 'utf8').trim().split('\n');
    const header = lines[0]!.split(';');
    const last = lines.at(-1)!.split(';');
    const column = header.indexOf('FailedCall(C)');
    return column < 0 ? 0 : Number(last[column]);
  } catch {
    return 0;
  }
}
