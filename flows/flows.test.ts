/** Every example flow's scripted test calls pass, and together they travel every edge of the flow. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../engine/src/core/flow/diagnostics.js';
import { CALLS_SUFFIX, FLOW_SUFFIX, callsPathFor, flowsInFolder, readCallsFile, readFlowFile, readQueuesFile } from '../engine/src/flow-tests/flow-files.js';
import { runTestCalls } from '../engine/src/flow-tests/run-test-calls.js';

const folder = import.meta.dirname;
const flowFiles = readdirSync(folder).filter((name) => name.endsWith(FLOW_SUFFIX)).sort();
const flows = flowsInFolder(folder);
const queues = readQueuesFile(folder);

describe('example flows', () => {
  it('set up every queue they send callers to (queues.json, as the engine loads them on first start)', () => {
    if (queues.kind !== 'ok') throw new Error(`queues.json ${queues.kind === 'invalid' ? queues.message : 'is missing'}`);
    const used = new Set(
      flows.flatMap((f) => [
        ...f.nodes.filter((n) => n.kind === 'queue').map((n) => String((n.params as { queueId: string }).queueId)),
        ...(f.fallback.then.action === 'queue' ? [f.fallback.then.queueId] : []),
      ]),
    );
    expect([...used].filter((id) => !queues.queues.has(id))).toEqual([]);
  });

  it('exist, each with its scripted test calls', () => {
    expect(flowFiles.length).toBeGreaterThan(0);
    const callsFiles = readdirSync(folder).filter((name) => name.endsWith(CALLS_SUFFIX));
    expect(callsFiles.sort()).toEqual(flowFiles.map((name) => name.replace(FLOW_SUFFIX, CALLS_SUFFIX)));
  });

  describe.each(flowFiles)('%s', (name) => {
    it('passes every test call and travels every edge', async () => {
      const path = join(folder, name);
      const file = readFlowFile(path, flows.map((f) => f.id));
      if (file.kind === 'unreadable') throw new Error(`${name} ${file.message}`);
      expect(file.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(file.flow && !hasErrors(file.diagnostics)).toBeTruthy();
      const calls = readCallsFile(callsPathFor(path));
      if (calls.kind !== 'ok') throw new Error(`${name}: test calls ${calls.kind === 'invalid' ? calls.message : 'missing'}`);
      const report = await runTestCalls(file.flow!, calls.file, { flows, ...(queues.kind === 'ok' ? { queues: queues.queues } : {}) });
      const failures = report.results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
      expect(failures).toEqual([]);
      expect(report.coverage.untraversed).toEqual([]);
      expect(report.coverage.traversed).toHaveLength(report.coverage.total);
    }, 120_000); // every call waits in its queue through the ACD's database (a scratch PGlite in this worker)
  });
});
