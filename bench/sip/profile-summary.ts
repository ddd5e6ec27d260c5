/**
 * Where a process's CPU went, from a V8 CPU profile (`node --cpu-prof`; bench:sip --cpu-prof DIR):
 * self time by package (node_modules/<name>, engine/src/<area>, node: internals, GC) and the functions
 * that cost most. Idle time is left out, so shares are of the time the process was busy.
 *
 *   node --import tsx bench/sip/profile-summary.ts <file.cpuprofile> [--top 25] [--callers writev]
 *
 * --callers NAME: whose code the self time of functions called NAME is spent for (the nearest caller
 * in a package or in the engine, outside Node's own internals).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } } });
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--top 25] [--callers <function name>]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

// Self time per node from the samples and their time deltas (µs).
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

function area(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return '(program: native, not attributed)';
  if (functionName === '(idle)') return 'idle';
  if (!url) return `native: ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const engine = /engine\/src\/((?:adapters\/[^/]+\/[^/]+)|[^/]+)/.exec(url);
  if (engine) return `engine/src/${engine[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').split('/').slice(0, 2).join('/');
  return url;
}

const areas = new Map<string, number>();
const functions = new Map<string, number>();
let busy = 0;
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const where = area(node);
  if (where === 'idle') continue;
  busy += micros;
  areas.set(where, (areas.get(where) ?? 0) + micros);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|engine\/src)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
}

const wall = (profile.endTime - profile.startTime) / 1e6;
const top = Number(values.top);
const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${wall.toFixed(1)} s profiled, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / 1e6 / wall).toFixed(0)}% of one core)\n`);
console.log('by package or area (share of busy time):');
for (const [where, micros] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(micros)}  ${where}`);
console.log('\nfunctions (self time):');
for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(micros)}  ${name}`);

if (values.callers) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    if (byId.get(id)!.callFrame.functionName !== values.callers) continue;
    let at = parent.get(id);
    let owner = '(none)';
    while (at !== undefined) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url && !frame.url.startsWith('node:')) {
        owner = `${area(byId.get(at)!)} (${frame.functionName || '(anonymous)'})`;
        break;
      }
      at = parent.get(at);
    }
    owners.set(owner, (owners.get(owner) ?? 0) + micros);
  }
  console.log(`\n${values.callers}: spent for`);
  for (const [owner, micros] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${share(micros)}  ${owner}`);
}
