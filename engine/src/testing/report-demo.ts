/**
 * A believable fortnight of a council contact centre for screenshots: queues with service lines and
 * targets, advisers in every state, callers waiting now, two weeks of queue visits, and real calls walking
 * a published flow's edges (with silences, wrong keys and hang-ups) for the analytics overlay. Everything is
 * drawn from a seeded generator, so the same seed gives the same pictures.
 */
import type { Flow } from '../ports/flow.js';
import type { ReportSql } from '../ports/report-sql.js';
import { seedBasics, seedCalls, seedEvents, seedVisits, type SeedCall, type SeedEvent, type SeedVisit } from './report-seed.js';

function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The example line's own queues (flows/queues.json), with service-level targets as a council might set them. */
export const DEMO_QUEUES = [
  { id: 'highways', name: 'Highways team', serviceLine: 'Highways', settings: { serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, targetPercents: [80, 95], abandonedTargetPercent: 3 } } },
  { id: 'blue-badge', name: 'Blue badge team', serviceLine: 'Adult social care', settings: { serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5 } } },
  { id: 'adult-social-care', name: 'Adult social care', serviceLine: 'Adult social care', settings: { serviceLevel: { answeredWithinSeconds: [20, 180], shortAbandonSeconds: 5, targetPercents: [90, 98], abandonedTargetPercent: 2 } } },
  { id: 'customer-services', name: 'Customer services', serviceLine: 'Customer services', settings: { serviceLevel: { answeredWithinSeconds: [30, 180], shortAbandonSeconds: 5 } } },
];

const iso = (ms: number) => new Date(ms).toISOString();

/** Seeds queues, agents and their states, `days` days of visits up to `now`, callers waiting at `now`, and flow calls. */
export async function seedDemo(
  sql: ReportSql,
  /** `engineInstanceId`: the running engine that holds the callers waiting now (else they belong to a silent engine and are soon ended). */
  options: { now: Date; days?: number; flow?: { id: string; version: number; graph: Flow }; seed?: number; engineInstanceId?: string },
): Promise<void> {
  const random = generator(options.seed ?? 14);
  const agents = ['amira', 'ben', 'chloe', 'dev', 'ellis', 'fatima', 'gareth', 'hana', 'ian', 'jo'];
  await seedBasics(sql, DEMO_QUEUES, agents);
  for (const [i, agent] of agents.entries()) {
    for (const q of DEMO_QUEUES.filter((_, k) => (i + k) % 2 === 0 || k === 3)) {
      await sql.query('INSERT INTO agent_queues (agent_id, queue_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [agent, q.id]);
    }
  }
  const now = options.now.getTime();
  const calls: SeedCall[] = [];
  const visits: SeedVisit[] = [];
  let n = 0;
  const dayMs = 86_400_000;
  const startOfToday = Math.floor(now / dayMs) * dayMs;
  for (let d = options.days ?? 14; d >= 0; d--) {
    const dayStart = startOfToday - d * dayMs;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0) continue;
    for (const q of DEMO_QUEUES) {
      const volume = Math.round((weekday === 6 ? 12 : 40) * (q.id === 'customer-services' ? 1.6 : q.id === 'blue-badge' ? 0.5 : 1) * (0.8 + random() * 0.4));
      for (let k = 0; k < volume; k++) {
        // Mostly office hours, busiest mid-morning; today, the hours before now whatever the time.
        const officeHour = 8 + Math.min(9.9, Math.abs((random() + random() + random()) / 3 - 0.35) * 14);
        const hoursSoFar = (now - dayStart) / 3_600_000;
        const hour = d === 0 ? Math.max(0.1, hoursSoFar - 0.05 - random() * Math.min(8, hoursSoFar)) : officeHour;
        const entered = dayStart + hour * 3_600_000;
        if (entered > now - 60_000) continue;
        const id = `demo-${++n}`;
        const from = `+4477009${String(Math.floor(random() * 900) + 100).padStart(5, '0')}`;
        const wait = Math.round(-Math.log(1 - random()) * (q.id === 'customer-services' ? 70 : 35));
        const patience = Math.round(-Math.log(1 - random()) * 150);
        const talk = Math.round(120 + random() * 420);
        calls.push({ id, from, startedAt: iso(entered - 40_000), endedAt: iso(entered + Math.min(wait, patience) * 1000 + (patience >= wait ? talk * 1000 : 0)), queueId: q.id, outcome: patience >= wait ? 'completed' : 'callerHungUp' });
        if (patience < wait) {
          visits.push({ id, callId: id, queueId: q.id, enteredAt: iso(entered), endedAt: iso(entered + patience * 1000), outcome: 'abandoned' });
        } else {
          const agent = agents[Math.floor(random() * agents.length)]!;
          const answered = entered + wait * 1000;
          const ended = answered + talk * 1000;
          visits.push({ id, callId: id, queueId: q.id, enteredAt: iso(entered), answeredAt: iso(answered), endedAt: iso(ended), outcome: 'answered', agentId: agent, wrapUp: { from: iso(ended), to: iso(ended + (20 + random() * 40) * 1000) } });
        }
      }
    }
  }
  // Callers waiting now, and a callback.
  for (const [k, q] of ['highways', 'highways', 'highways', 'customer-services', 'customer-services', 'adult-social-care'].entries()) {
    const id = `demo-wait-${k}`;
    calls.push({ id, from: `+44770090${String(k).padStart(4, '0')}`, startedAt: iso(now - (k + 1) * 47_000 - 30_000), queueId: q });
    visits.push({ id, callId: id, queueId: q, enteredAt: iso(now - (k + 1) * 47_000), ...(options.engineInstanceId ? { engineInstanceId: options.engineInstanceId } : {}) });
  }
  calls.push({ id: 'demo-callback', from: '+447700900777', startedAt: iso(now - 900_000), endedAt: iso(now - 700_000), queueId: 'customer-services' });
  visits.push({ id: 'demo-callback', callId: 'demo-callback', queueId: 'customer-services', kind: 'callback', enteredAt: iso(now - 880_000), callbackAcceptedAt: iso(now - 760_000) });
  await seedCalls(sql, calls);
  await seedVisits(sql, visits);
  const states: Array<[string, string]> = [['amira', 'available'], ['ben', 'on_call'], ['chloe', 'on_call'], ['dev', 'wrap_up'], ['ellis', 'break'], ['fatima', 'available'], ['gareth', 'on_call'], ['hana', 'ringing']];
  for (const [k, [agent, state]] of states.entries()) {
    const entry = state === 'on_call' || state === 'ringing' ? `demo-wait-${k}` : null;
    await sql.query(
      `INSERT INTO agent_states (agent_id, state, since, idle_since, wrap_ends_at, entry_id, call_id, reason)
       VALUES ($1, $2, $3, CASE WHEN $2 = 'available' THEN $3::timestamptz END, CASE WHEN $2 = 'wrap_up' THEN $3::timestamptz + interval '30 seconds' END, $4::text, $4::text, CASE WHEN $2 = 'break' THEN 'lunch' END)
       ON CONFLICT (agent_id) DO NOTHING`,
      [agent, state, iso(now - 60_000), entry],
    );
  }
  if (options.flow) await seedFlowCalls(sql, options.flow, now, random);
}

/** Calls walking the flow from its entry along its edges, with silences, wrong keys and hang-ups on the way. */
async function seedFlowCalls(sql: ReportSql, flow: { id: string; version: number; graph: Flow }, now: number, random: () => number): Promise<void> {
  const out = new Map<string, Array<{ outcome: string; to: string }>>();
  for (const e of flow.graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), { outcome: e.outcome, to: e.to }]);
  const kinds = new Map(flow.graph.nodes.map((node) => [node.id, node.kind]));
  const calls: SeedCall[] = [];
  const events: SeedEvent[] = [];
  for (let c = 0; c < 400; c++) {
    const id = `demo-flow-${c}`;
    let t = now - 6 * 86_400_000 + random() * 6 * 86_400_000 - 3_600_000;
    const started = t;
    let seq = 0;
    const log = (type: string, nodeId?: string, data?: Record<string, unknown>) =>
      events.push({ callId: id, seq: ++seq, at: iso(t), type, ...(nodeId ? { nodeId } : {}), ...(data ? { data } : {}) });
    log('call.started');
    let node: string | undefined = flow.graph.entry;
    let outcome = 'completed';
    let endedAt: string | undefined;
    for (let step = 0; node && step < 8; step++) {
      log('node.entered', node, { kind: kinds.get(node) ?? '' });
      const kind = kinds.get(node);
      t += 2_000 + random() * 6_000;
      if (kind === 'menu' || kind === 'speech' || kind === 'collect-digits' || kind === 'language') {
        if (random() < 0.18) {
          t += 5_000;
          log('input.none', node);
        }
        if (random() < 0.1) log('input.digits', node, { digits: '9' });
        log(kind === 'speech' && random() < 0.6 ? 'input.speech' : 'input.digits', node, {});
      }
      if (random() < 0.06) {
        outcome = 'callerHungUp';
        endedAt = node;
        break;
      }
      const exits: Array<{ outcome: string; to: string }> = out.get(node) ?? [];
      if (exits.length === 0) break;
      // Earlier exits (the menu's first options) are taken more often.
      const pick: { outcome: string; to: string } = exits[Math.min(exits.length - 1, Math.floor(-Math.log(1 - random()) * 1.3))]!;
      log('node.outcome', node, { outcome: pick.outcome });
      node = pick.to;
    }
    log('call.ended', undefined, { outcome });
    calls.push({ id, from: `+4477009${String(50000 + c)}`, flowId: flow.id, flowVersion: flow.version, startedAt: iso(started), endedAt: iso(t), outcome, ...(endedAt ? { endedAtNode: endedAt } : {}) });
  }
  await seedCalls(sql, calls);
  await seedEvents(sql, events);
}
