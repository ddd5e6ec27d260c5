import { dirname, join } from 'node:path';
import { hasErrors } from '../core/flow/diagnostics.js';
import { callsFileMatches, callsPathFor, flowPaths, flowsInFolder, readCallsFile, readFlowFile, readQueuesFile } from '../flow-tests/flow-files.js';
import { QUEUES_FILE } from '../queue/queue-definitions.js';
import { runTestCalls } from '../flow-tests/run-test-calls.js';
import { EXIT, line, type CliIo } from './io.js';
import { formatDiagnostic } from './validate-command.js';

const percent = (part: number, whole: number): string => (whole === 0 ? '100%' : `${Math.floor((part / whole) * 1000) / 10}%`);

/**
 * Run the scripted test calls beside each flow. Prints each call's pass/fail (with why), each flow's
 * edge coverage, and as its very last line `N passed, N failed`.
 */
export async function testCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length === 0) {
    line(io.stderr, 'usage: frontdoor test <flow files or folders…>');
    return EXIT.unreadable;
  }
  let passed = 0;
  let failed = 0;
  for (const path of flowPaths(args)) {
    const folderFlows = flowsInFolder(dirname(path));
    const file = readFlowFile(path, folderFlows.map((f) => f.id));
    if (file.kind === 'unreadable') {
      line(io.stdout, `${path} ${file.message}`);
      failed++;
      continue;
    }
    if (!file.flow || hasErrors(file.diagnostics)) {
      line(io.stdout, `${path}: cannot test an invalid flow`);
      for (const d of file.diagnostics) line(io.stdout, `  ${formatDiagnostic(path, d)}`);
      failed++;
      continue;
    }
    const callsPath = callsPathFor(path);
    const calls = readCallsFile(callsPath);
    if (calls.kind === 'missing') {
      line(io.stdout, `${path}: no test calls (${callsPath} does not exist)`);
      continue;
    }
    if (calls.kind === 'invalid') {
      line(io.stdout, `${callsPath}: ${calls.message}`);
      failed++;
      continue;
    }
    if (!callsFileMatches(calls.file, callsPath, path)) {
      line(io.stdout, `${callsPath}: says it tests ${calls.file.flow}, not ${path}`);
      failed++;
      continue;
    }
    const queues = readQueuesFile(dirname(path));
    if (queues.kind === 'invalid') {
      line(io.stdout, `${join(dirname(path), QUEUES_FILE)}: ${queues.message}`);
      failed++;
      continue;
    }
    line(io.stdout, `${path} (${calls.file.calls.length} calls)`);
    const report = await runTestCalls(file.flow, calls.file, { flows: folderFlows, ...(queues.kind === 'ok' ? { queues: queues.queues } : {}) });
    for (const result of report.results) {
      line(io.stdout, `  ${result.passed ? 'pass' : 'FAIL'}  ${result.name}`);
      for (const failure of result.failures) line(io.stdout, `        ${failure}`);
      if (result.passed) passed++;
      else failed++;
    }
    const { traversed, total, untraversed } = report.coverage;
    line(io.stdout, `  edge coverage ${traversed.length}/${total} (${percent(traversed.length, total)})${untraversed.length ? `; not travelled: ${untraversed.join(', ')}` : ''}`);
  }
  line(io.stdout, `${passed} passed, ${failed} failed`);
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
