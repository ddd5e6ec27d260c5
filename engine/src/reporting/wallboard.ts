/**
 * The live wallboard: per queue, callers waiting now and the longest wait, callbacks pending, agents by
 * state, and today's service level at each threshold and abandoned share against the queue's targets —
 * one snapshot of every queue from three SQL statements. A hub keeps the latest snapshot for the
 * websocket: it looks for changes every `pollMs` with a cheap marker (the newest queue event and agent
 * state change), at once when an ACD signal arrives, and in full every `fullRefreshMs` (midnight, new
 * agents on a queue).
 */
import type { AgentStateName } from '../ports/acd.js';
import type { Clock } from '../ports/clock.js';
import type { ReportSql } from '../ports/report-sql.js';
import type { Queue } from '../ports/store.js';
import { queueFiguresSql } from './queue-figures.js';
import { REPORT_TIME_ZONE } from './rollup.js';
import { queueTargets, standingAtLeast, standingAtMost, type Standing } from './targets.js';

export const AGENT_STATES: readonly AgentStateName[] = ['available', 'ringing', 'on_call', 'wrap_up', 'break', 'offline'];

export interface WallboardQueue {
  id: string;
  name: string;
  serviceLine: string;
  waiting: number;
  /** When the caller waiting longest joined (ISO); the screen counts the seconds itself. */
  oldestWaitingSince: string | null;
  longestWaitSeconds: number;
  callbacksPending: number;
  agents: Record<AgentStateName, number>;
  today: {
    offered: number;
    answered: number;
    answeredWithin: Array<{ seconds: number; percent: number | null; target: number; standing: Standing }>;
    abandoned: number;
    shortAbandoned: number;
    abandonedPercent: number | null;
    abandonedTarget: number;
    abandonedStanding: Standing;
  };
}

export interface Wallboard {
  /** When the snapshot was taken (ISO). */
  at: string;
  /** Today in Europe/London (YYYY-MM-DD): "today's" figures count from its midnight. */
  day: string;
  queues: WallboardQueue[];
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);

/** One snapshot of every queue at `now`. */
export async function wallboardSnapshot(sql: ReportSql, queues: readonly Queue[], now: Date): Promise<Wallboard> {
  const targets = new Map(queues.map((q) => [q.id, queueTargets(q.settings)]));
  const waits = [...new Set([...targets.values()].flatMap((t) => t.thresholds))].sort((a, b) => a - b);
  const shorts = [...new Set([...targets.values()].map((t) => t.shortAbandonSeconds))].sort((a, b) => a - b);
  const zone = `'${REPORT_TIME_ZONE}'`;
  const midnight = `(date_trunc('day', $1::timestamptz AT TIME ZONE ${zone}) AT TIME ZONE ${zone})`;
  const [today, waiting, agents, [day]] = await Promise.all([
    waits.length === 0
      ? Promise.resolve([])
      : sql
          .query<Record<string, number> & { queue_id: string }>(
            `SELECT queue_id, sum(offered)::int AS offered, sum(answered)::int AS answered, sum(abandoned)::int AS abandoned,
               ${waits.map((_, i) => `sum(answered_within[${i + 1}])::int AS w${i}`).join(', ')},
               ${shorts.map((_, i) => `sum(abandoned_under[${i + 1}])::int AS s${i}`).join(', ')}
             FROM (${queueFiguresSql({ from: midnight, to: `$1::timestamptz + interval '1 second'`, waitThresholds: waits, shortAbandonThresholds: shorts, light: true })}) f
             GROUP BY queue_id`,
            [now],
          )
          .then((rows) =>
            rows.map((r) => ({
              queue_id: r.queue_id,
              offered: r.offered!,
              answered: r.answered!,
              abandoned: r.abandoned!,
              answered_within: waits.map((_, i) => r[`w${i}`] ?? 0),
              abandoned_under: shorts.map((_, i) => r[`s${i}`] ?? 0),
            })),
          ),
    sql.query<{ queue_id: string; waiting: number; oldest: Date | null; callbacks: number }>(
      `SELECT queue_id,
         count(*) FILTER (WHERE kind = 'caller' AND state IN ('waiting', 'offered'))::int AS waiting,
         min(entered_at) FILTER (WHERE kind = 'caller' AND state IN ('waiting', 'offered')) AS oldest,
         count(*) FILTER (WHERE kind = 'callback')::int AS callbacks
       FROM queue_entries WHERE realm = '' AND state <> 'ended' GROUP BY queue_id`,
    ),
    sql.query<{ queue_id: string; state: AgentStateName; n: number }>(
      `SELECT aq.queue_id, COALESCE(s.state, 'offline') AS state, count(*)::int AS n
       FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id AND a.realm = ''
       LEFT JOIN agent_states s ON s.agent_id = aq.agent_id
       GROUP BY 1, 2`,
    ),
    sql.query<{ day: string }>(`SELECT to_char($1::timestamptz AT TIME ZONE ${zone}, 'YYYY-MM-DD') AS day`, [now]),
  ]);
  const todayBy = new Map(today.map((r) => [r.queue_id, r]));
  const waitingBy = new Map(waiting.map((r) => [r.queue_id, r]));
  const agentsBy = new Map<string, Record<AgentStateName, number>>();
  for (const row of agents) {
    const counts = agentsBy.get(row.queue_id) ?? (Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentStateName, number>);
    counts[row.state] = row.n;
    agentsBy.set(row.queue_id, counts);
  }
  return {
    at: now.toISOString(),
    day: day!.day,
    queues: queues.map((queue) => {
      const t = targets.get(queue.id)!;
      const f = todayBy.get(queue.id);
      const w = waitingBy.get(queue.id);
      const offered = f?.offered ?? 0;
      const shortAbandoned = f ? f.abandoned_under[shorts.indexOf(t.shortAbandonSeconds)]! : 0;
      const judged = offered - shortAbandoned;
      const abandoned = (f?.abandoned ?? 0) - shortAbandoned;
      const abandonedPercent = pct(abandoned, judged);
      return {
        id: queue.id,
        name: queue.name,
        serviceLine: queue.serviceLine,
        waiting: w?.waiting ?? 0,
        oldestWaitingSince: w?.oldest ? w.oldest.toISOString() : null,
        longestWaitSeconds: w?.oldest ? Math.max(0, Math.round((now.getTime() - w.oldest.getTime()) / 1000)) : 0,
        callbacksPending: w?.callbacks ?? 0,
        agents: agentsBy.get(queue.id) ?? (Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentStateName, number>),
        today: {
          offered,
          answered: f?.answered ?? 0,
          answeredWithin: t.thresholds.map((seconds, i) => {
            const percent = pct(f ? f.answered_within[waits.indexOf(seconds)]! : 0, judged);
            return { seconds, percent, target: t.targetPercents[i]!, standing: standingAtLeast(percent, t.targetPercents[i]!) };
          }),
          abandoned,
          shortAbandoned,
          abandonedPercent,
          abandonedTarget: t.abandonedTargetPercent,
          abandonedStanding: standingAtMost(abandonedPercent, t.abandonedTargetPercent),
        },
      };
    }),
  };
}

export interface WallboardSource {
  sql: ReportSql;
  /** Real queues (the ACD's), by name. */
  queues(): Promise<Queue[]>;
  /** Called on any ACD signal (LISTEN/NOTIFY, or this process's own); returns an unsubscribe. */
  onChange?(listener: () => void): () => void;
  clock: Pick<Clock, 'now'>;
}

/** Keeps the latest wallboard and pushes each new one to every listener. */
export class WallboardHub {
  private readonly listeners = new Set<(board: Wallboard) => void>();
  private latest: Wallboard | undefined;
  private latestJson = '';
  private marker = '';
  private lastFull = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly source: WallboardSource,
    private readonly options: { pollMs?: number; fullRefreshMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** The latest snapshot (taken now if there is none yet). */
  async current(): Promise<Wallboard> {
    if (!this.latest) await this.refresh(true);
    return this.latest!;
  }

  /** Pushes the current board at once, then every change, until the returned function is called. */
  subscribe(listener: (board: Wallboard) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    if (this.latest) listener(this.latest);
    else void this.refresh(true).catch(this.options.onError ?? (() => undefined));
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Look for a change now (an ACD signal arrived). */
  poke(): void {
    void this.refresh(false).catch(this.options.onError ?? (() => undefined));
  }

  private start(): void {
    this.unsubscribe = this.source.onChange?.(() => this.poke());
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.refresh(false)
          .catch(this.options.onError ?? (() => undefined))
          .finally(() => {
            if (this.listeners.size > 0) tick();
          });
      }, this.options.pollMs ?? 250);
      this.timer.unref?.();
    };
    tick();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  close(): void {
    this.listeners.clear();
    this.stop();
  }

  /** One refresh at a time; a request while one runs makes one more run afterwards. */
  private refresh(force: boolean): Promise<void> {
    if (this.running) {
      this.again ||= true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.refreshOnce(force);
          force = false;
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async refreshOnce(force: boolean): Promise<void> {
    const now = this.source.clock.now();
    const [mark] = await this.source.sql.query<{ e: number | null; s: number | null; q: Date | null }>(
      `SELECT (SELECT max(id) FROM queue_events WHERE realm = '') AS e, (SELECT max(id) FROM agent_state_log) AS s, (SELECT max(updated_at) FROM queues) AS q`,
    );
    const marker = `${mark?.e}/${mark?.s}/${mark?.q?.toISOString()}`;
    const due = now - this.lastFull >= (this.options.fullRefreshMs ?? 10_000);
    if (!force && !due && marker === this.marker && this.latest) return;
    this.marker = marker;
    this.lastFull = now;
    const board = await wallboardSnapshot(this.source.sql, await this.source.queues(), new Date(now));
    const { at: _at, ...comparable } = board;
    const json = JSON.stringify({ ...comparable, queues: board.queues.map(({ longestWaitSeconds: _l, ...q }) => q) });
    this.latest = board;
    if (json === this.latestJson) return;
    this.latestJson = json;
    for (const listener of this.listeners) listener(board);
  }
}
