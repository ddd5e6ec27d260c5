import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../core/flow/diagnostics.js';
import { SCHEDULES_FILE, flowPaths, flowsInFolder, readFlowFile, schedulesInFolder } from '../flow-tests/flow-files.js';
import { EXIT, line, type CliIo } from './io.js';

/** `file:nodeId:field: severity code message` — nodeId (or edge id) and field empty when the problem is the flow's. */
export const formatDiagnostic = (file: string, d: Diagnostic): string =>
  `${file}:${d.nodeId ?? d.edgeId ?? ''}:${d.field ?? ''}: ${d.severity} ${d.code} ${d.message}`;

/**
 * What a file's nodes may name: the flows in its folder (subflows) and, when the folder has a schedules.json,
 * its schedules (opening hours). Read once per folder.
 */
function knownIds(): (path: string) => { flows: string[]; schedules?: string[] } {
  const byFolder = new Map<string, { flows: string[]; schedules?: string[] }>();
  return (path) => {
    const folder = dirname(path);
    if (!byFolder.has(folder)) {
      const schedules = schedulesInFolder(folder);
      const hasFile = existsSync(join(folder, SCHEDULES_FILE));
      byFolder.set(folder, {
        flows: flowsInFolder(folder).map((f) => f.id),
        ...(hasFile && schedules.kind === 'ok' ? { schedules: schedules.entries.map((s) => s.id) } : {}),
      });
    }
    return byFolder.get(folder)!;
  };
}

export function validateCommand(args: readonly string[], io: CliIo): number {
  if (args.length === 0) {
    line(io.stderr, 'usage: frontdoor validate <flow files or folders…>');
    return EXIT.unreadable;
  }
  const paths = flowPaths(args);
  if (paths.length === 0) {
    line(io.stderr, `frontdoor validate: no *.flow.json files in ${args.join(', ')}`);
    return EXIT.unreadable;
  }
  const known = knownIds();
  let invalid = false;
  let unreadable = false;
  for (const path of paths) {
    const file = readFlowFile(path, known(path));
    if (file.kind === 'unreadable') {
      unreadable = true;
      line(io.stdout, `${path}::: error file-unreadable ${path} ${file.message}`);
      continue;
    }
    for (const d of file.diagnostics) line(io.stdout, formatDiagnostic(path, d));
    if (file.diagnostics.some((d) => d.severity === 'error')) invalid = true;
    else line(io.stdout, `${path}: ok${file.diagnostics.length ? ` (${file.diagnostics.length} warning${file.diagnostics.length > 1 ? 's' : ''})` : ''}`);
  }
  return unreadable ? EXIT.unreadable : invalid ? EXIT.failed : EXIT.ok;
}
