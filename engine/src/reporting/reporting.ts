/**
 * The reporting wing as the engine uses it: history with each queue's own thresholds, staffing beside it,
 * flow analytics, the live wallboard hub and the roll-up on a timer. Built by main.ts (and the API's test
 * harness) from the store and a clock; works only through ports.
 */
import type { Clock } from '../ports/clock.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { flowAnalytics, type FlowAnalytics } from './flow-analytics.js';
import { history, type Granularity, type HistoryRequest, type PeriodFigures, type Scope } from './history.js';
import { rollUp, REPORT_TIME_ZONE, type RollupOptions, type RollupResult } from './rollup.js';
import { staffing, type StaffingRow } from './staffing.js';
import { DEFAULT_SHORT_ABANDON_SECONDS, DEFAULT_THRESHOLDS, queueTargets, type QueueTargets } from './targets.js';
import { WallboardHub } from './wallboard.js';

export interface HistoryQuery {
  scope: Scope;
  granularity: Granularity;
  /** A Europe/London date (YYYY-MM-DD: its midnight) or an instant with an offset. */
  from: string;
  to: string;
  thresholds?: number[];
  shortAbandonSeconds?: number;
  repeatDays?: number;
}

export interface HistoryAnswer {
  scope: Scope;
  granularity: Granularity;
  timeZone: string;
  from: Date;
  to: Date;
  thresholds: number[];
  shortAbandonSeconds: number;
  repeatDays: number;
  targets: QueueTargets;
  periods: PeriodFigures[];
}

export type ReportingResult<T> = { kind: 'ok'; value: T } | { kind: 'notFound'; what: string } | { kind: 'invalid'; field: string; message: string };

export interface ReportingOptions {
  store: Store;
  clock: Pick<Clock, 'now'>;
  logger?: Pick<EngineLogger, 'warn' | 'error'>;
  /** How often this engine runs the roll-up (default every 5 minutes); 0: never (tests run it by hand). */
  rollupEveryMs?: number;
  rollup?: RollupOptions;
  wallboardPollMs?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PERIODS: Record<Granularity, number> = { halfHour: 48 * 62, day: 800, week: 530, month: 240 };
const SPAN_MS: Record<Granularity, number> = { halfHour: 1_800_000, day: 86_400_000, week: 7 * 86_400_000, month: 28 * 86_400_000 };

export class Reporting {
  readonly wallboard: WallboardHub;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ReportingOptions) {
    const { store } = options;
    this.wallboard = new WallboardHub(
      {
        sql: store.reportSql,
        queues: async () => (await store.queues.list()).sort((a, b) => a.name.localeCompare(b.name)),
        onChange: (listener) => store.onAcdSignal((signal) => ('realm' in signal && signal.realm === '' ? listener() : undefined)),
        clock: options.clock,
      },
      { pollMs: options.wallboardPollMs ?? 250, onError: (error) => options.logger?.error('wallboard refresh failed', error) },
    );
  }

  /** An instant from a Europe/London date or an ISO instant; undefined when it is neither. */
  async instant(text: string): Promise<Date | undefined> {
    if (DAY.test(text)) {
      const [row] = await this.options.store.reportSql.query<{ at: Date }>(`SELECT ($1::date::timestamp AT TIME ZONE '${REPORT_TIME_ZONE}') AS at`, [text]);
      return row?.at;
    }
    const at = new Date(text);
    return /T.*(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(at.getTime()) ? at : undefined;
  }

  private async targetsFor(scope: Scope): Promise<QueueTargets | 'notFound'> {
    if (scope.kind !== 'queue') return queueTargets(undefined);
    const queue = await this.options.store.queues.get(scope.queueId);
    return queue ? queueTargets(queue.settings) : 'notFound';
  }

  async history(query: HistoryQuery): Promise<ReportingResult<HistoryAnswer>> {
    const from = await this.instant(query.from);
    const to = await this.instant(query.to);
    if (!from) return { kind: 'invalid', field: 'from', message: 'must be a date (YYYY-MM-DD, Europe/London) or a date-time with an offset' };
    if (!to) return { kind: 'invalid', field: 'to', message: 'must be a date (YYYY-MM-DD, Europe/London) or a date-time with an offset' };
    if (!(from < to)) return { kind: 'invalid', field: 'to', message: 'must be after from' };
    if ((to.getTime() - from.getTime()) / SPAN_MS[query.granularity] > MAX_PERIODS[query.granularity]) {
      return { kind: 'invalid', field: 'to', message: `at most ${MAX_PERIODS[query.granularity]} periods of ${query.granularity} at once` };
    }
    const targets = await this.targetsFor(query.scope);
    if (targets === 'notFound') return { kind: 'notFound', what: `Queue ${(query.scope as { queueId: string }).queueId}` };
    const request: HistoryRequest = {
      scope: query.scope,
      granularity: query.granularity,
      from,
      to,
      thresholds: query.thresholds ?? (query.scope.kind === 'queue' ? targets.thresholds : DEFAULT_THRESHOLDS),
      shortAbandonSeconds: query.shortAbandonSeconds ?? (query.scope.kind === 'queue' ? targets.shortAbandonSeconds : DEFAULT_SHORT_ABANDON_SECONDS),
      repeatDays: query.repeatDays ?? 7,
    };
    const periods = await history(this.options.store.reportSql, request);
    return {
      kind: 'ok',
      value: { ...request, thresholds: [...request.thresholds], timeZone: REPORT_TIME_ZONE, targets, periods },
    };
  }

  /** Half-hour staffing for one Europe/London day of a scope, against its first threshold's target. */
  async staffing(query: { scope: Scope; day: string; targetPercent?: number; withinSeconds?: number }): Promise<ReportingResult<{ day: string; withinSeconds: number; targetPercent: number; rows: StaffingRow[] }>> {
    if (!DAY.test(query.day)) return { kind: 'invalid', field: 'day', message: 'must be a date: YYYY-MM-DD' };
    const next = new Date(`${query.day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    const answer = await this.history({
      scope: query.scope,
      granularity: 'halfHour',
      from: query.day,
      to: next.toISOString().slice(0, 10),
      ...(query.withinSeconds !== undefined ? { thresholds: [query.withinSeconds] } : {}),
    });
    if (answer.kind !== 'ok') return answer;
    const withinSeconds = answer.value.thresholds[0]!;
    const targetPercent = query.targetPercent ?? answer.value.targets.targetPercents[0]!;
    return { kind: 'ok', value: { day: query.day, withinSeconds, targetPercent, rows: staffing(answer.value.periods, { withinSeconds, targetPercent }) } };
  }

  async flowAnalytics(query: { flowId: string; flowVersion: number; fromDay: string; toDay: string }): Promise<ReportingResult<FlowAnalytics>> {
    if (!DAY.test(query.fromDay)) return { kind: 'invalid', field: 'from', message: 'must be a date: YYYY-MM-DD' };
    if (!DAY.test(query.toDay)) return { kind: 'invalid', field: 'to', message: 'must be a date: YYYY-MM-DD' };
    if (!(query.fromDay < query.toDay)) return { kind: 'invalid', field: 'to', message: 'must be after from' };
    const version = await this.options.store.flows.version(query.flowId, query.flowVersion);
    if (!version) return { kind: 'notFound', what: `Version ${query.flowVersion} of flow ${query.flowId}` };
    return { kind: 'ok', value: await flowAnalytics(this.options.store.reportSql, query) };
  }

  rollUp(): Promise<RollupResult | undefined> {
    return rollUp(this.options.store.reportSql, new Date(this.options.clock.now()), this.options.rollup);
  }

  /** Rolls up now and every `rollupEveryMs` (any engine may; one at a time). */
  startRollups(): void {
    const every = this.options.rollupEveryMs ?? 5 * 60_000;
    if (every <= 0 || this.timer) return;
    const run = () =>
      void this.rollUp().catch((error: unknown) => {
        if (!this.options.store.isUnavailable(error)) this.options.logger?.error('report roll-up failed', error);
      });
    run();
    this.timer = setInterval(run, every);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wallboard.close();
  }
}
