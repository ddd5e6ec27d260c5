/** The real `frontdoor` command, run as a child process (as people and CI run it). */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallFlow } from '../core/flow/test-flows.js';

const repo = resolve(import.meta.dirname, '../../..');
const fixtures = join(repo, 'engine/src/flow-tests/fixtures');
const sandbox = mkdtempSync(join(tmpdir(), 'frontdoor-cli-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

function frontdoor(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [join(repo, 'bin/frontdoor.js'), ...args], { cwd: sandbox }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

type FlowJson = ReturnType<typeof smallFlow> & { nodes: Array<{ params: Record<string, unknown> }> };
const good = () => smallFlow() as FlowJson;

const broken: Record<string, [(f: FlowJson) => void, string]> = {
  'missing-entry': [(f) => (f.entry = 'start'), '::entry: error entry-missing '],
  'dangling-edge': [(f) => (f.edges[3]!.to = 'nowhere'), ':e4:to: error edge-dangling '],
  'unknown-kind': [(f) => (f.nodes[3]!.kind = 'teleport'), ':goodbye:: error node-kind-unknown '],
  'bad-params': [(f) => (f.nodes[2]!.params.destination = 'ring bob'), ':person:destination: error param-invalid '],
  unreachable: [(f) => f.nodes.push({ id: 'lonely', kind: 'hangup', version: 1, params: {} }), ':lonely:: error node-unreachable '],
};

describe('frontdoor validate', () => {
  it('prints one precise file:node:field diagnostic per broken flow, exit 1, never a stack trace', async () => {
    const folder = join(sandbox, 'broken');
    cpSync(fixtures, folder, { recursive: true });
    const files = Object.entries(broken).map(([name, [breakIt]]) => {
      const flow = good();
      breakIt(flow);
      const path = join(folder, `${name}.flow.json`);
      writeFileSync(path, JSON.stringify(flow));
      return path;
    });
    const result = await frontdoor(['validate', ...files]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(files.length);
    Object.values(broken).forEach(([, expected], i) => expect(lines[i]).toContain(`${files[i]}${expected}`));
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports every problem of one file in one pass: bad params and an unknown kind do not hide a dangling edge', async () => {
    const flow = good();
    flow.nodes[2]!.params.destination = 'ring bob'; // bad params on "person"
    flow.nodes[1]!.kind = 'teleport'; // "highways" of a kind nobody knows
    flow.edges[2]!.to = 'nowhere'; // menu noInput → a node that does not exist
    const path = join(sandbox, 'many-problems.flow.json');
    writeFileSync(path, JSON.stringify(flow));
    const result = await frontdoor(['validate', path]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[2]).sort()).toEqual(['edge-dangling', 'node-kind-unknown', 'param-invalid']);
    expect(result.stdout).toContain(`${path}:e3:to: error edge-dangling `);
  });

  it('checks opening-hours steps against the schedules.json beside the flows, and calls read them', async () => {
    const folder = join(sandbox, 'with-schedules');
    mkdirSync(folder);
    cpSync(join(repo, 'flows/schedules.json'), join(folder, 'schedules.json'));
    const flow = {
      schemaVersion: 1,
      id: 'hours',
      name: 'Hours',
      entry: 'hours',
      nodes: [
        { id: 'hours', kind: 'schedule', version: 2, name: 'Are we open', params: { scheduleId: 'council-office-hours' } },
        { id: 'open', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'We are open.' } } } },
        { id: 'shut', kind: 'hangup', version: 1, params: { prompt: { text: { 'en-GB': 'We are closed.' } } } },
      ],
      edges: [
        { id: 'e1', from: 'hours', outcome: 'open', to: 'open' },
        { id: 'e2', from: 'hours', outcome: 'closed', to: 'shut' },
        { id: 'e3', from: 'hours', outcome: 'holiday', to: 'shut' },
      ],
    };
    writeFileSync(join(folder, 'hours.flow.json'), JSON.stringify(flow));
    expect((await frontdoor(['validate', folder])).code).toBe(0);
    const call = await frontdoor(['call', join(folder, 'hours.flow.json'), '--at', '2026-11-25T10:00:00Z'], '');
    expect(call.stdout).toContain('Are we open → Open');
    expect(call.stdout).toContain('caller hears: "We are open."');
    flow.nodes[0]!.params = { scheduleId: 'weekends' };
    writeFileSync(join(folder, 'hours.flow.json'), JSON.stringify(flow));
    const refused = await frontdoor(['validate', folder]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(':hours:scheduleId: error schedule-unknown ');
  });

  it('exits 0 for valid flows and 2 for a file it cannot read', async () => {
    const ok = await frontdoor(['validate', fixtures]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('council-line.flow.json: ok');
    const garbage = join(sandbox, 'garbage.flow.json');
    writeFileSync(garbage, '{ not json');
    const unreadable = await frontdoor(['validate', garbage, join(sandbox, 'missing.flow.json')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stdout).toContain(`${garbage}::: error file-unreadable`);
    expect(unreadable.stdout).toContain('missing.flow.json does not exist');
    expect(unreadable.stdout).not.toMatch(/^\s+at /m);
  });
});

describe('frontdoor test', () => {
  it('runs the calls beside each flow, reports coverage, and ends with exactly "N passed, N failed"', async () => {
    const result = await frontdoor(['test', fixtures]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pass  resident pays a bill through the payments subflow');
    expect(result.stdout).toContain('edge coverage 15/15 (100%)');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('12 passed, 0 failed');
  });

  it('exits 1 and says why when a call fails', async () => {
    const folder = join(sandbox, 'failing');
    cpSync(fixtures, folder, { recursive: true });
    const calls = {
      calls: [
        { name: 'silence ends politely', caller: [{ silence: true }, { silence: true }, { silence: true }], expect: { outcome: 'completed' } },
        { name: 'pressing 1 reaches highways', caller: [{ press: '1' }], expect: { endsAt: 'person' } },
      ],
    };
    writeFileSync(join(folder, 'council-line.calls.json'), JSON.stringify(calls));
    const result = await frontdoor(['test', join(folder, 'council-line.flow.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  pressing 1 reaches highways');
    expect(result.stdout).toContain('endsAt: expected "person" but the call ended at "highways"');
    expect(result.stdout).toMatch(/edge coverage \d+\/15 \(\d+(\.\d)?%\); not travelled: /);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });
});

describe('frontdoor call', () => {
  it('plays a call from piped lines: which node runs, what the caller hears, how it ends', async () => {
    const result = await frontdoor(['call', join(fixtures, 'council-line.flow.json'), '--at', '2026-11-28T23:30:00Z', '--from', '+447700900999'], 'press 0\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[23:30:00] call from +447700900999');
    expect(result.stdout).toContain('→ menu');
    expect(result.stdout).toContain('caller hears: "For highways, press 1.');
    expect(result.stdout).toContain('caller pressed 0');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/call ended: transferred at person$/);
    expect(result.stdout).toContain('menu → 0: Person');
  });

  it('names a bad input line and exits 2', async () => {
    const result = await frontdoor(['call', join(fixtures, 'council-line.flow.json')], 'press 1\ndance\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin line 2: "dance": expected press <keys>');
  });
});
