/** The reports API's answers as the designer reads them (GET /api/reports/…; docs/reporting.md defines each figure). */
export type Standing = 'met' | 'close' | 'missed' | 'none';
export type AgentStateName = 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break' | 'offline';

export interface WallboardQueue {
  id: string;
  name: string;
  serviceLine: string;
  waiting: number;
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
  at: string;
  day: string;
  queues: WallboardQueue[];
}

export type Granularity = 'halfHour' | 'day' | 'week' | 'month';

export interface PeriodFigures {
  start: string;
  offered: number;
  answered: number;
  answeredWithin: Array<{ seconds: number; count: number; percent: number | null }>;
  abandoned: number;
  shortAbandoned: number;
  abandonedPercent: number | null;
  overflowed: number;
  closed: number;
  leftQueue: number;
  lost: number;
  callbacks: { requested: number; completed: number; failed: number };
  asa: number | null;
  aht: number | null;
  longestWait: number | null;
  handled: number;
  repeat: { identified: number; repeated: number; percent: number | null };
  ivr?: { calls: number; contained: number; containmentPercent: number | null; ivrHangups: number };
}

export interface HistoryAnswer {
  granularity: Granularity;
  timeZone: string;
  thresholds: number[];
  shortAbandonSeconds: number;
  repeatDays: number;
  targets: { targetPercents: number[]; abandonedTargetPercent: number };
  periods: PeriodFigures[];
}

export interface StaffingAnswer {
  day: string;
  withinSeconds: number;
  targetPercent: number;
  rows: Array<{
    start: string;
    offered: number;
    handleSeconds: number | null;
    patienceSeconds: number | null;
    erlangs: number | null;
    erlangC: { agents: number; serviceLevel: number; averageSpeedOfAnswer: number | null; waitProbability: number } | null;
    erlangA: { agents: number; serviceLevel: number; averageSpeedOfAnswer: number | null; abandonRate: number } | null;
  }>;
}

export interface NodeAnalytics {
  nodeId: string;
  visits: number;
  exits: Record<string, { taken: number; calls: number }>;
  inputs: { noInput: number; digits: number; speech: number; tries: number };
  noInputPercent: number | null;
  noMatchPercent: number | null;
  speechPercent: number | null;
  hangups: number;
  averageSeconds: number | null;
}

export interface FlowAnalytics {
  flowId: string;
  flowVersion: number;
  fromDay: string;
  toDay: string;
  calls: number;
  nodes: NodeAnalytics[];
}
