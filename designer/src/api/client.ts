import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow } from '../../../engine/src/core/flow/schema.js';

/** An error answer from the engine's API (application/problem+json). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly body: unknown,
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
  }

  /** Diagnostics carried by a 422 (e.g. publish refused because of errors). */
  get diagnostics(): Diagnostic[] {
    const b = this.body as { diagnostics?: Diagnostic[] } | undefined;
    return Array.isArray(b?.diagnostics) ? b.diagnostics : [];
  }

  /**
   * The problem's `errors[]` split by request-body field: `{ password: 'must be at least 10 characters' }`
   * for `body.password` (the first segment after `body.` names the field), so a form can show each
   * message beside its control; `other` keeps the rest (`params.id`, `query.…`) as `path: message`.
   */
  get fieldErrors(): { byField: Record<string, string>; other: string[] } {
    const errors = (this.body as { errors?: unknown } | undefined)?.errors;
    const byField: Record<string, string> = {};
    const other: string[] = [];
    for (const e of Array.isArray(errors) ? (errors as Array<{ path?: unknown; message?: unknown }>) : []) {
      const path = String(e.path ?? '');
      const message = String(e.message ?? '');
      const field = /^body\.([^.[\]]+)/.exec(path)?.[1];
      if (field) byField[field] = byField[field] ? `${byField[field]}; ${message}` : message;
      else other.push(path ? `${path}: ${message}` : message);
    }
    return { byField, other };
  }
}

export type Role = 'viewer' | 'payments' | 'agent' | 'supervisor' | 'designer' | 'publisher' | 'admin';
export const roles: readonly Role[] = ['viewer', 'payments', 'agent', 'supervisor', 'designer', 'publisher', 'admin'];
/** The rights each role carries, as the engine grants them (engine/src/auth/roles.ts): not one ladder. */
const grants: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  payments: ['viewer', 'payments'],
  agent: ['agent'],
  supervisor: ['viewer', 'agent', 'supervisor'],
  designer: ['viewer', 'designer'],
  publisher: ['viewer', 'designer', 'publisher'],
  admin: roles,
};
/** True when `role` may do what `needed` may do. */
export const roleAtLeast = (role: Role | undefined, needed: Role): boolean => role !== undefined && grants[role].includes(needed);

export interface Me {
  username: string;
  role: Role;
}
export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}
export interface ApiTokenRecord {
  id: string;
  name: string;
  userId: string;
  /** The secret's first characters, to recognise it by (the secret itself is never listed). */
  prefix: string;
  role?: Role;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  revokedAt?: string;
}
/** A secret as anyone may see it: never its value. */
export interface SecretRecord {
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}
export interface NewApiToken {
  name: string;
  userId?: string;
  role?: Role;
  expiresAt?: string;
}
export interface FlowSummary {
  id: string;
  name: string;
  description?: string;
  publishedVersion: number | null;
  draftRevision: number;
  updatedAt: string;
}
export interface FlowRecord {
  id: string;
  name: string;
  draft: Flow;
  draftRevision: number;
  publishedVersion: number | null;
  updatedAt: string;
}
export interface VersionSummary {
  version: number;
  checksum: string;
  author: string;
  createdAt: string;
  note: string;
  published: boolean;
}
export interface FlowDiff {
  nodes: { added: string[]; removed: string[]; changed: Array<{ nodeId: string; fields: string[] }> };
  edges: { added: string[]; removed: string[] };
}
export interface FlowTestResults {
  results: Array<{ name: string; passed: boolean; failures: string[]; path: string[] }>;
  coverage: { traversed: string[]; total: number };
}
export interface NumberRecord {
  did: string;
  flowId: string;
  fallbackFlowId?: string | null;
  label: string;
}
export interface PromptRecord {
  id: string;
  name: string;
  text: Record<string, string>;
  /** Languages with a recording (read only). */
  audioLanguages?: string[];
}
export interface ScheduleRecord {
  id: string;
  name: string;
  timezone: string;
  holidayCalendarId?: string;
  /** The schedule's weekly hours and closures, as data. */
  definition: Record<string, unknown>;
}

export type AgentStateName = 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break' | 'offline';
export interface AgentStateRecord {
  state: AgentStateName;
  reason?: string;
  since?: string;
  wrapEndsAt?: string;
  callId?: string;
  queueId?: string;
  missedOffers: number;
}
export interface QueueRecord {
  id: string;
  name: string;
  serviceLine: string;
  scheduleId?: string;
  /** The queue's settings with defaults filled in (engine/src/queue/queue-settings.ts). */
  settings: Record<string, unknown>;
  settingsProblems?: string[];
}
export type EndpointKind = 'sip-user' | 'sip-uri' | 'teams' | 'pstn' | 'webrtc';
export interface AgentEndpoint {
  kind: EndpointKind;
  value: string;
  label?: string;
}
export interface AgentRecord {
  id: string;
  name: string;
  userId?: string;
  endpoints: AgentEndpoint[];
  activeEndpoint: number;
  skills: Record<string, number>;
  queueIds: string[];
  state?: AgentStateRecord;
}
export interface NamedRecord {
  id: string;
  name: string;
}
export interface DispositionCodeRecord extends NamedRecord {
  queueIds: string[];
}
export type PresenceBody = { state: 'available' } | { state: 'break'; reasonId: string } | { state: 'offline' };

/** The agent desk's view of one adviser, as the engine pushes it (engine/src/desk/desk-service.ts DeskView). */
export interface DeskCallContext {
  callId: string;
  kind: 'phone' | 'test';
  callerNumber: string;
  dialled: string;
  startedAt: string;
  queueId?: string;
  queueName?: string;
  waitingSince?: string;
  path: string[];
  heard: Array<{ at: number; kind: 'said' | 'pressed'; text: string; step: string }>;
  variables: Record<string, string | number | boolean | null>;
  previousCalls: Array<{ callId: string; startedAt: string; queueId?: string; outcome?: string; disposition?: string; note?: string }>;
}
export interface DeskView {
  agent: { id: string; name: string; endpoints: AgentEndpoint[]; activeEndpoint: number; queueIds: string[] };
  state: { state: AgentStateName; reason?: string; since?: string; wrapEndsAt?: string; missedOffers: number };
  call?: {
    callId: string;
    context?: DeskCallContext;
    queueId?: string;
    answerOn: 'browser' | 'desk' | 'phone';
    leg?: { stage: 'ringing' | 'talking' | 'ended'; held: boolean };
    note: string;
    dispositionId?: string;
  };
  breakReasons: NamedRecord[];
  dispositionCodes: NamedRecord[];
  phone?: { websocketUrl: string; domain: string; iceServers: string[]; user: string };
  at: string;
}
export interface TeamView {
  agents: Array<{ id: string; name: string; state: DeskView['state']; callId?: string; queueId?: string }>;
  queues: Array<{ id: string; name: string; serviceLine: string; waiting: number; longestWaitSince?: string; available: number; loggedIn: number }>;
  at: string;
}
export type TransferTarget = { kind: 'queue'; queueId: string } | { kind: 'agent'; agentId: string } | { kind: 'number'; e164: string };
export interface DeskDirectory {
  queues: Array<{ id: string; name: string; waiting: number; available: number }>;
  agents: Array<{ id: string; name: string; state: AgentStateName }>;
}
export type PaymentStatus = 'pending' | 'paid' | 'declined' | 'abandoned' | 'error';
export interface PaymentRecord {
  id: string;
  callId: string;
  status: PaymentStatus;
  /** Pence. */
  amountMinor?: number;
  currency: 'GBP';
  reference: string;
  gatewayTransactionId?: string;
  /** Last four digits only: `**** 1111`. */
  maskedCard?: string;
  reason?: string;
  previouslyPaid: boolean;
  createdAt: string;
  completedAt?: string;
  callKind: 'phone' | 'test';
  flowId?: string;
  agentId?: string;
}
export interface PaymentFilter {
  status?: PaymentStatus;
  reference?: string;
  kind?: 'phone' | 'test';
  /** ISO date-times. */
  since?: string;
  until?: string;
}
export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The query string for a payments filter (blank fields left out). */
export function paymentQuery(filter: PaymentFilter, extra: Record<string, string> = {}): string {
  const entries = Object.entries({ ...filter, ...extra }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { title?: string; detail?: string };
    throw new ApiError(res.status, p.title ?? res.statusText ?? `HTTP ${res.status}`, p.detail, parsed);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

/** Every call the designer makes to the engine, in one place. */
export const api = {
  me: () => request<Me>('GET', '/api/auth/me'),
  health: () => request<{ speech?: { recognizer: 'offline' | 'google' | 'none' } }>('GET', '/api/health'),
  login: (username: string, password: string) => request<Me>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),

  listFlows: () => request<FlowSummary[]>('GET', '/api/flows'),
  createFlow: (flow: unknown) => request<{ id: string; draftRevision: number }>('POST', '/api/flows', flow),
  importFlow: (flow: unknown) => request<{ id: string; draftRevision?: number }>('POST', '/api/flows/import', flow),
  getFlow: (id: string) => request<FlowRecord>('GET', `/api/flows/${enc(id)}`),
  deleteFlow: (id: string) => request<void>('DELETE', `/api/flows/${enc(id)}`),
  saveDraft: (id: string, flow: Flow, revision: number) =>
    request<{ revision: number }>('PUT', `/api/flows/${enc(id)}/draft`, { flow, revision }),
  publish: (id: string, revision: number, note: string) =>
    request<{ version: number }>('POST', `/api/flows/${enc(id)}/publish`, { revision, note }),
  versions: (id: string) => request<VersionSummary[]>('GET', `/api/flows/${enc(id)}/versions`),
  version: (id: string, version: number) =>
    request<{ version: number; flow: Flow }>('GET', `/api/flows/${enc(id)}/versions/${version}`),
  rollback: (id: string, version: number) =>
    request<{ version: number }>('POST', `/api/flows/${enc(id)}/versions/${version}/rollback`),
  diff: (id: string, from: number | 'draft', to: number | 'draft') =>
    request<FlowDiff>('GET', `/api/flows/${enc(id)}/diff?from=${from}&to=${to}`),
  exportFlow: (id: string) => request<unknown>('GET', `/api/flows/${enc(id)}/export`),
  runTests: (id: string, flow: Flow) => request<FlowTestResults>('POST', `/api/flows/${enc(id)}/tests/run`, { flow }),

  listNumbers: () => request<NumberRecord[]>('GET', '/api/numbers'),
  createNumber: (n: NumberRecord) => request<NumberRecord>('POST', '/api/numbers', n),
  updateNumber: (did: string, changes: Omit<NumberRecord, 'did'>) => request<NumberRecord>('PUT', `/api/numbers/${enc(did)}`, changes),
  deleteNumber: (did: string) => request<void>('DELETE', `/api/numbers/${enc(did)}`),

  listPrompts: () => request<PromptRecord[]>('GET', '/api/prompts'),
  createPrompt: (p: PromptRecord) => request<PromptRecord>('POST', '/api/prompts', p),
  updatePrompt: (id: string, changes: Omit<PromptRecord, 'id'>) => request<PromptRecord>('PUT', `/api/prompts/${enc(id)}`, changes),
  deletePrompt: (id: string) => request<void>('DELETE', `/api/prompts/${enc(id)}`),

  listSchedules: () => request<ScheduleRecord[]>('GET', '/api/schedules'),
  createSchedule: (s: ScheduleRecord) => request<ScheduleRecord>('POST', '/api/schedules', s),
  updateSchedule: (id: string, changes: Omit<ScheduleRecord, 'id'>) => request<ScheduleRecord>('PUT', `/api/schedules/${enc(id)}`, changes),
  deleteSchedule: (id: string) => request<void>('DELETE', `/api/schedules/${enc(id)}`),

  listQueues: () => request<QueueRecord[]>('GET', '/api/queues'),
  queueSettingsSchema: () => request<Record<string, unknown>>('GET', '/api/queue-settings-schema'),
  createQueue: (q: Omit<QueueRecord, 'settingsProblems'>) => request<QueueRecord>('POST', '/api/queues', q),
  updateQueue: (id: string, changes: { name?: string; serviceLine?: string; scheduleId?: string | null; settings?: Record<string, unknown> }) =>
    request<QueueRecord>('PUT', `/api/queues/${enc(id)}`, changes),
  deleteQueue: (id: string) => request<void>('DELETE', `/api/queues/${enc(id)}`),

  listAgents: () => request<AgentRecord[]>('GET', '/api/agents'),
  createAgent: (a: Omit<AgentRecord, 'state'>) => request<AgentRecord>('POST', '/api/agents', a),
  updateAgent: (id: string, changes: Partial<Omit<AgentRecord, 'id' | 'state' | 'userId'>> & { userId?: string | null }) =>
    request<AgentRecord>('PUT', `/api/agents/${enc(id)}`, changes),
  deleteAgent: (id: string) => request<void>('DELETE', `/api/agents/${enc(id)}`),
  setAgentState: (id: string, body: PresenceBody) => request<AgentStateRecord>('PUT', `/api/agents/${enc(id)}/state`, body),

  listBreakReasons: () => request<NamedRecord[]>('GET', '/api/break-reasons'),
  createBreakReason: (r: NamedRecord) => request<NamedRecord>('POST', '/api/break-reasons', r),
  updateBreakReason: (id: string, changes: Omit<NamedRecord, 'id'>) => request<NamedRecord>('PUT', `/api/break-reasons/${enc(id)}`, changes),
  deleteBreakReason: (id: string) => request<void>('DELETE', `/api/break-reasons/${enc(id)}`),
  listDispositionCodes: () => request<DispositionCodeRecord[]>('GET', '/api/disposition-codes'),
  createDispositionCode: (d: DispositionCodeRecord) => request<DispositionCodeRecord>('POST', '/api/disposition-codes', d),
  updateDispositionCode: (id: string, changes: Omit<DispositionCodeRecord, 'id'>) => request<DispositionCodeRecord>('PUT', `/api/disposition-codes/${enc(id)}`, changes),
  deleteDispositionCode: (id: string) => request<void>('DELETE', `/api/disposition-codes/${enc(id)}`),

  desk: () => request<DeskView>('GET', '/api/desk'),
  setDeskState: (body: PresenceBody) => request<AgentStateRecord>('PUT', '/api/desk/state', body),
  setDeskEndpoint: (activeEndpoint: number) => request<{ activeEndpoint: number }>('PUT', '/api/desk/endpoint', { activeEndpoint }),
  saveNote: (callId: string, note: string) => request<{ note: string; updatedAt: string }>('PUT', `/api/desk/calls/${enc(callId)}/note`, { note }),
  wrapUp: (callId: string, body: { dispositionId: string; note: string; then?: PresenceBody }) =>
    request<{ disposition: string; state: string }>('POST', `/api/desk/calls/${enc(callId)}/wrap-up`, body),
  deskAnswer: (callId: string) => request<unknown>('POST', `/api/desk/calls/${enc(callId)}/answer`),
  deskDecline: (callId: string) => request<unknown>('POST', `/api/desk/calls/${enc(callId)}/decline`),
  deskHold: (callId: string, on: boolean) => request<unknown>('POST', `/api/desk/calls/${enc(callId)}/hold`, { on }),
  deskHangup: (callId: string) => request<unknown>('POST', `/api/desk/calls/${enc(callId)}/hangup`),
  deskTransfer: (callId: string, target: TransferTarget) => request<{ to: string }>('POST', `/api/desk/calls/${enc(callId)}/transfer`, { target }),
  deskDirectory: () => request<DeskDirectory>('GET', '/api/desk/directory'),
  team: () => request<TeamView>('GET', '/api/supervisor/team'),
  listenIn: (callId: string) => request<{ agentId: string; ringing: string }>('POST', `/api/supervisor/calls/${enc(callId)}/listen`),

  listUsers: () => request<UserRecord[]>('GET', '/api/users'),
  createUser: (u: { username: string; password: string; role: Role }) => request<UserRecord>('POST', '/api/users', u),
  updateUser: (id: string, changes: { role?: Role; password?: string; disabled?: boolean; revokeTokens?: boolean }) =>
    request<UserRecord>('PUT', `/api/users/${enc(id)}`, changes),
  deleteUser: (id: string) => request<void>('DELETE', `/api/users/${enc(id)}`),

  listPayments: (filter: PaymentFilter, page: number, pageSize = 25) =>
    request<Paged<PaymentRecord>>('GET', `/api/payments${paymentQuery(filter, { page: String(page), pageSize: String(pageSize) })}`),
  /** Where the browser downloads the filtered list as CSV (a plain link: the session cookie goes with it). */
  paymentsExportUrl: (filter: PaymentFilter) => `/api/payments/export${paymentQuery(filter)}`,

  listTokens: () => request<ApiTokenRecord[]>('GET', '/api/tokens'),
  /** The answer carries the secret (`token`): the only time anyone sees it. */
  createToken: (t: NewApiToken) => request<ApiTokenRecord & { token: string }>('POST', '/api/tokens', t),
  revokeToken: (id: string) => request<void>('DELETE', `/api/tokens/${enc(id)}`),

  /** Names and descriptions only: no route returns a secret's value. */
  listSecrets: () => request<SecretRecord[]>('GET', '/api/secrets'),
  putSecret: (name: string, secret: { value: string; description?: string }) => request<SecretRecord & { created: boolean }>('PUT', `/api/secrets/${enc(name)}`, secret),
  deleteSecret: (name: string) => request<void>('DELETE', `/api/secrets/${enc(name)}`),
};

/** Where to hear a prompt: its recording when the library has one, else text-to-speech of the text. */
export function promptAudioUrl(text: string, language: string, promptId?: string): string {
  return promptId
    ? `/api/prompts/${enc(promptId)}/audio/${enc(language)}`
    : `/api/tts?text=${enc(text)}&language=${enc(language)}`;
}

export type Api = typeof api;
