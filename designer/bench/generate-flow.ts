import type { Flow, FlowEdge, FlowNode } from '../../engine/src/core/flow/schema.js';

const SERVICES = ['Bins', 'Council tax', 'Housing', 'Parking', 'Libraries', 'Planning', 'Highways', 'Benefits', 'Schools', 'Recycling', 'Trees', 'Noise', 'Licensing', 'Registrars', 'Leisure', 'Social care'];
const say = (text: string) => ({ text: { 'en-GB': text } });

type Kind = 'menu' | 'speech' | 'collect-digits' | 'play' | 'queue' | 'transfer' | 'payment';
/** What each kind of step is made of here: its params, and which of its exits lead on to new steps. */
const STEP: Record<Kind, { params: (service: string, i: number) => Record<string, unknown>; onward: string[]; toPerson: string[]; toEnd: string[] }> = {
  menu: {
    params: (s) => ({ prompt: say(`${s}: for information press 1, to report a problem press 2, to pay press 3.`), options: [{ digit: '1', label: 'Information' }, { digit: '2', label: 'Report' }, { digit: '3', label: 'Pay' }] }),
    onward: ['1', '2', '3'],
    toPerson: ['noInput', 'noMatch'],
    toEnd: [],
  },
  speech: {
    params: (s) => ({
      prompt: say(`Tell us what your ${s.toLowerCase()} question is about.`),
      groups: [
        { label: 'Safeguarding', outcome: 'safeguarding', phrases: ['fallen', 'not safe'], vulnerable: true },
        { label: 'Missed', outcome: 'missed', phrases: ['missed', 'late'], digit: '1' },
        { label: 'New request', outcome: 'new', phrases: ['new', 'request'], digit: '2' },
      ],
    }),
    onward: ['safeguarding', 'missed', 'new'],
    toPerson: ['noInput', 'noMatch'],
    toEnd: [],
  },
  'collect-digits': { params: (s) => ({ prompt: say(`Please key your ${s.toLowerCase()} reference.`), variable: 'reference', minDigits: 8, maxDigits: 8 }), onward: ['done'], toPerson: ['noInput', 'invalid'], toEnd: [] },
  play: { params: (s) => ({ prompt: say(`${s} information is on our website.`) }), onward: ['done'], toPerson: [], toEnd: [] },
  payment: { params: () => ({ referenceVariable: 'reference' }), onward: ['paid'], toPerson: ['declined', 'cancelled', 'failed'], toEnd: [] },
  queue: { params: (s, i) => ({ queueId: `${s.toLowerCase().replace(/ /g, '-')}-${i}`, priorityVariable: 'priority' }), onward: [], toPerson: [], toEnd: ['timeout', 'full', 'closed', 'noAgents'] },
  transfer: { params: (_, i) => ({ destination: `sip:team${i}@pbx.example.gov.uk` }), onward: [], toPerson: [], toEnd: ['busy', 'noAnswer', 'failed'] },
};
/** Kinds in the order a council line uses them, deeper into the flow. */
const BY_DEPTH: Kind[][] = [['speech'], ['menu', 'menu', 'speech'], ['collect-digits', 'menu', 'play', 'menu'], ['payment', 'menu', 'collect-digits', 'queue'], ['menu', 'queue', 'play', 'transfer', 'speech', 'collect-digits', 'payment']];

/**
 * A large council flow for the canvas benchmark, `count` steps in all: opening hours, then questions by
 * service (speech, menus), references, payments, information and queues, every exit wired (to the next
 * step, or to a shared customer-services queue or goodbye), laid out on a grid in the order the steps follow.
 */
export function generateFlow(count: number): Flow {
  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const add = (node: Omit<FlowNode, 'ui'>) => {
    nodes.push({ ...node, ui: { x: 0, y: 0 } });
    return node.id;
  };
  const edge = (from: string, outcome: string, to: string) => edges.push({ id: `e${edges.length}`, from, outcome, to });
  add({ id: 'hours', kind: 'schedule', version: 2, name: 'Opening hours', params: { scheduleId: 'council-office-hours' } });
  add({ id: 'person', kind: 'queue', version: 2, name: 'Customer services', params: { queueId: 'customer-services' } });
  add({ id: 'goodbye', kind: 'hangup', version: 1, name: 'Goodbye', params: { prompt: say('Thank you for calling. Goodbye.') } });
  add({ id: 'closed', kind: 'hangup', version: 1, name: 'We are closed', params: { prompt: say('We are closed. Please call again.') } });
  for (const outcome of ['timeout', 'full', 'closed', 'noAgents']) edge('person', outcome, 'goodbye');
  edge('hours', 'closed', 'closed');
  edge('hours', 'holiday', 'closed');
  const depth = new Map<string, number>([['hours', 0]]);
  const open: Array<{ from: string; outcome: string; service: string; level: number }> = [{ from: 'hours', outcome: 'open', service: 'Main', level: 0 }];
  let serviceIndex = 0;
  while (open.length > 0) {
    const slot = open.shift()!;
    // Out of room: the exit goes to a person.
    if (nodes.length >= count) {
      edge(slot.from, slot.outcome, 'person');
      continue;
    }
    const kinds = BY_DEPTH[Math.min(slot.level, BY_DEPTH.length - 1)]!;
    const kind = nodes.length + 4 >= count ? 'queue' : kinds[nodes.length % kinds.length]!;
    const service = slot.level === 1 ? SERVICES[serviceIndex++ % SERVICES.length]! : slot.service;
    const i = nodes.length;
    const id = add({ id: `${kind}-${i}`, kind, version: kind === 'play' ? 1 : 2, name: `${service} ${kind === 'collect-digits' ? 'reference' : kind === 'queue' ? 'team' : kind}`, params: STEP[kind].params(service, i) });
    depth.set(id, slot.level + 1);
    edge(slot.from, slot.outcome, id);
    for (const outcome of STEP[kind].onward) open.push({ from: id, outcome, service, level: slot.level + 1 });
    for (const outcome of STEP[kind].toPerson) edge(id, outcome, 'person');
    for (const outcome of STEP[kind].toEnd) edge(id, outcome, 'goodbye');
  }
  // In the order the steps follow one another, row by row, on a grid about as tall as it is wide.
  const ordered = [...nodes].sort((a, b) => (depth.get(a.id) ?? 99) - (depth.get(b.id) ?? 99));
  const columns = Math.ceil(Math.sqrt(nodes.length * 0.6));
  ordered.forEach((node, k) => (node.ui = { x: (k % columns) * 440, y: Math.floor(k / columns) * 260 }));
  return {
    schemaVersion: 1,
    id: `council-${count}`,
    name: `Council line (${nodes.length} steps)`,
    languages: ['en-GB'],
    entry: 'hours',
    fallback: { apology: { 'en-GB': 'Sorry, we are having a problem with our phone system.' }, then: { action: 'hangup' } },
    nodes,
    edges,
  };
}
