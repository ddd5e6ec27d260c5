/** Reading flow files and their scripted test calls from disk (CLI, flows.test.ts, bench). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../core/flow/diagnostics.js';
import { hasErrors } from '../core/flow/diagnostics.js';
import { parseFlow } from '../core/flow/parse-flow.js';
import type { Flow } from '../core/flow/schema.js';
import { validateFlow } from '../core/flow/validate-flow.js';
import { callsFileSchema, type CallsFile } from './calls-file.js';
import { parseQueueDefinitions, QUEUES_FILE } from '../queue/queue-definitions.js';
import type { QueueDefinition } from '../testing/simulated-acd.js';

export const FLOW_SUFFIX = '.flow.json';
export const CALLS_SUFFIX = '.calls.json';

/** Why a file could not be read, in words. */
export const unreadable = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(error)})`;
};

export type FlowFile =
  | { path: string; kind: 'unreadable'; message: string }
  | { path: string; kind: 'checked'; flow?: Flow; diagnostics: Diagnostic[] };

/** Read, parse and validate one flow file. `knownFlowIds`: flows its subflow nodes may name. Never throws. */
export function readFlowFile(path: string, knownFlowIds?: Iterable<string>): FlowFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const message = error instanceof SyntaxError ? `is not valid JSON: ${error.message}` : unreadable(error);
    return { path, kind: 'unreadable', message };
  }
  const parsed = parseFlow(json);
  if (!parsed.flow || hasErrors(parsed.diagnostics)) return { path, kind: 'checked', ...(parsed.flow ? { flow: parsed.flow } : {}), diagnostics: parsed.diagnostics };
  const diagnostics = [...parsed.diagnostics, ...validateFlow(parsed.flow, knownFlowIds ? { flows: knownFlowIds } : {})];
  return { path, kind: 'checked', flow: parsed.flow, diagnostics };
}

/** The flow files named: files as given, folders searched (not recursively) for *.flow.json. */
export function flowPaths(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    const isFolder = (() => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    })();
    if (!isFolder) return [p];
    return readdirSync(p)
      .filter((name) => name.endsWith(FLOW_SUFFIX))
      .sort()
      .map((name) => join(p, name));
  });
}

/** The flows in a folder that parse cleanly, for subflow nodes to run. */
export function flowsInFolder(folder: string): Flow[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith(FLOW_SUFFIX));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = readFlowFile(join(folder, name));
    return file.kind === 'checked' && file.flow && !hasErrors(file.diagnostics) ? [file.flow] : [];
  });
}

/** The calls file beside a flow file (`x.flow.json` → `x.calls.json`). */
export const callsPathFor = (flowPath: string): string =>
  join(dirname(flowPath), `${basename(flowPath).slice(0, -FLOW_SUFFIX.length)}${CALLS_SUFFIX}`);

export type CallsFileRead = { kind: 'ok'; file: CallsFile } | { kind: 'missing' } | { kind: 'invalid'; message: string };

export function readCallsFile(path: string): CallsFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: unreadable(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', message: `is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = callsFileSchema.safeParse(json);
  if (!parsed.success) {
    return { kind: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ') };
  }
  return { kind: 'ok', file: parsed.data };
}

/** Does the calls file say it tests this flow file (or say nothing)? */
export const callsFileMatches = (file: CallsFile, callsPath: string, flowPath: string): boolean =>
  file.flow === undefined || resolve(dirname(callsPath), file.flow) === resolve(flowPath);

export type QueuesFileRead = { kind: 'ok'; queues: Map<string, QueueDefinition> } | { kind: 'missing' } | { kind: 'invalid'; message: string };

/** The folder's queue definitions (queues.json), for its test calls' ACD. */
export function readQueuesFile(folder: string): QueuesFileRead {
  let text: string;
  try {
    text = readFileSync(join(folder, QUEUES_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', message: unreadable(error) };
  }
  const parsed = parseQueueDefinitions(text);
  if (!parsed.ok) return { kind: 'invalid', message: parsed.problems.join('; ') };
  return { kind: 'ok', queues: new Map(parsed.definitions.queues.map((q) => [q.id, q])) };
}
