import { createInterface } from 'node:readline';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallEvent, PromptSegment } from '../ports/index.js';
import { hasErrors } from '../core/flow/diagnostics.js';
import { CallStory } from '../core/runtime/call-story.js';
import { parseCallerLine, type CallerAction } from '../adapters/telephony/simulator/caller-action.js';
import { startLiveCall } from '../adapters/telephony/simulator/live-call.js';
import { runScriptedCall } from '../adapters/telephony/simulator/scripted-call.js';
import { simulatedPortsFor } from '../testing/simulated-call-ports.js';
import { defaultWorld } from '../adapters/telephony/simulator/world.js';
import { flowsInFolder, readFlowFile, schedulesInFolder } from '../flow-tests/flow-files.js';
import { EXIT, line, type CliIo } from './io.js';
import { formatDiagnostic } from './validate-command.js';

const USAGE = 'usage: frontdoor call <flow file> [--at 2026-11-28T23:30:00Z] [--from +447700900123]';

const londonTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A running commentary of the call, in the designer's words: which step runs, what the caller hears and does, how it ends. */
function commentary(io: CliIo) {
  const say = (at: number, text: string) => line(io.stdout, `[${londonTime.format(at)}] ${text}`);
  const story = new CallStory();
  return {
    prompt(segment: PromptSegment, at: number) {
      say(at, `  caller hears: "${segment.text}"${segment.language === 'en-GB' ? '' : ` (${segment.language})`}`);
    },
    event(event: CallEvent) {
      // What the caller hears is told as it starts playing (prompt), not again when it has played.
      if (event.type === 'prompt.played') return;
      const told = story.tell(event);
      if (!told) return;
      const text =
        told.kind === 'start' ? `${told.text.replace(/^Call/, 'call')} on flow ${String(event.data.flowId)}`
        : told.kind === 'step' ? `→ ${told.text}`
        : told.kind === 'caller' ? `  caller ${told.text}`
        : told.kind === 'end' ? told.text.replace(/^Call/, 'call')
        : `  ${told.text}`;
      say(event.at, text);
    },
  };
}

/** Everything piped in, as caller actions; the first bad line is reported. */
async function readScript(io: CliIo): Promise<{ ok: true; actions: CallerAction[] } | { ok: false; message: string }> {
  const actions: CallerAction[] = [];
  let number = 0;
  for await (const text of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    number++;
    const parsed = parseCallerLine(text);
    if (parsed.ok === 'blank') continue;
    if (!parsed.ok) return { ok: false, message: `stdin line ${number}: ${parsed.message}` };
    actions.push(parsed.action);
  }
  return { ok: true, actions };
}

/**
 * `frontdoor call <flow>`: a simulated call in the terminal. At a keyboard it runs live, in real time;
 * with piped input the lines are the caller's script, played on simulated time (instant, repeatable).
 */
export async function callCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsedArgs;
  try {
    parsedArgs = parseArgs({ args: [...args], options: { at: { type: 'string' }, from: { type: 'string' } }, allowPositionals: true });
  } catch (error) {
    line(io.stderr, `${(error as Error).message}\n${USAGE}`);
    return EXIT.unreadable;
  }
  const { values, positionals } = parsedArgs;
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0) {
    line(io.stderr, USAGE);
    return EXIT.unreadable;
  }
  const at = values.at === undefined ? undefined : Date.parse(values.at);
  if (at !== undefined && Number.isNaN(at)) {
    line(io.stderr, `--at "${values.at}" is not an ISO 8601 time like 2026-11-28T23:30:00Z`);
    return EXIT.unreadable;
  }
  const flows = flowsInFolder(dirname(path));
  const folderSchedules = schedulesInFolder(dirname(path));
  const schedules = folderSchedules.kind === 'ok' ? folderSchedules.schedules : [];
  const file = readFlowFile(path, flows.map((f) => f.id));
  if (file.kind === 'unreadable') {
    line(io.stderr, `${path} ${file.message}`);
    return EXIT.unreadable;
  }
  if (!file.flow || hasErrors(file.diagnostics)) {
    for (const d of file.diagnostics) line(io.stderr, formatDiagnostic(path, d));
    return EXIT.failed;
  }
  const flow = file.flow;
  const from = values.from ?? '+447700900123';
  const show = commentary(io);

  if (!io.stdin.isTTY) {
    const script = await readScript(io);
    if (!script.ok) {
      line(io.stderr, script.message);
      return EXIT.unreadable;
    }
    await runScriptedCall({ flow, ports: simulatedPortsFor([flow, ...flows], { schedules }), caller: script.actions, world: defaultWorld(), from, callId: 'terminal-call', ...(at === undefined ? {} : { at }), onEvent: show.event, onPrompt: show.prompt });
    return EXIT.ok;
  }

  line(io.stdout, 'Type: press 1 | say I have fallen | hangup   (Ctrl-D hangs up)');
  const call = startLiveCall({ flow, ports: simulatedPortsFor([flow, ...flows], { schedules }), from, callId: 'terminal-call', ...(at === undefined ? {} : { at }) });
  call.on('event', show.event);
  let clockNow = at ?? Date.now();
  call.on('event', (event) => (clockNow = event.at));
  call.on('prompt', (segment) => show.prompt(segment, clockNow));
  const keyboard = createInterface({ input: io.stdin, crlfDelay: Infinity });
  keyboard.on('line', (text) => {
    const parsed = parseCallerLine(text);
    if (parsed.ok === 'blank') return;
    if (!parsed.ok) return line(io.stderr, parsed.message);
    const action = parsed.action;
    if ('press' in action) call.press(action.press);
    else if ('say' in action) call.say(action.say);
    else if ('hangup' in action) call.hangup();
    else line(io.stdout, '  (this call runs in real time: just wait, or type the next thing)');
  });
  keyboard.on('close', () => call.hangup());
  await call.finished;
  keyboard.close();
  return EXIT.ok;
}
