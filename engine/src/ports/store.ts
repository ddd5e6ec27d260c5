/**
 * Everything frontdoor keeps: flows and their immutable published versions, phone numbers, prompts,
 * schedules, queues and agents, call records and their event logs, payment results, users, sessions,
 * API tokens and the audit log. Types only — implemented with `pg` in engine/src/adapters/storage/postgres/
 * (one code path for the embedded PGlite and a real PostgreSQL server).
 *
 * Conventions:
 * - Ids are strings. Timestamps are `Date`s.
 * - Expected results (not found, already exists, stale revision, still in use) are typed values with a
 *   `kind`, never exceptions. Only infrastructure faults (database gone) throw.
 * - Every method that changes something takes `actor` (who did it: a username, `token:<name>`, or
 *   `system:<what>`) and writes the audit log row in the SAME transaction as the change, with the
 *   entity's before/after JSON. Callers do not write audit rows for these changes themselves.
 * - Password hashes, session and API token secrets are stored only as hashes and never appear in the
 *   audit log. Card numbers and security codes are never stored anywhere.
 */
import type { Flow } from './flow.js';
import type { CallEvent } from './call-events.js';
import type { PaymentStatus } from './payment-gateway.js';
import type { RegistrationRepository } from './registrations.js';
import type { AcdRepository, AcdSignal, AgentStateRepository, CallQueueOutcome } from './acd.js';
import type { DeskStore } from './desk.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who made a change: a username, `token:<name>` for API tokens, or `system:<what>` (e.g. `system:seed`). */
export type Actor = string;

export type NotFound = { kind: 'notFound' };
export type Exists = { kind: 'exists' };
export type Deleted = { kind: 'deleted' };
/** The entity is still referenced (e.g. a flow that phone numbers point to). */
export type InUse = { kind: 'inUse'; by: string[] };

export interface Page {
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

// ───────────────────────────── flows ─────────────────────────────

export interface FlowSummary {
  id: string;
  name: string;
  description?: string;
  /** The version callers get now; undefined when never published. */
  publishedVersion?: number;
  draftRevision: number;
  updatedAt: Date;
}

export interface FlowRecord extends FlowSummary {
  /** The work in progress, as the designer saved it. May be invalid (it is validated on publish). */
  draft: JsonObject;
  createdAt: Date;
}

export interface FlowVersionSummary {
  flowId: string;
  /** 1, 2, 3 … per flow. */
  version: number;
  /** sha256 (hex) of the graph's canonical JSON (keys sorted, no whitespace). */
  checksum: string;
  author: Actor;
  createdAt: Date;
  note: string;
  /** True for the one version callers get now. */
  published: boolean;
  /** When a later publish replaced it (undefined while published or if never replaced). */
  retiredAt?: Date;
}

export interface FlowVersion extends FlowVersionSummary {
  /**
   * The immutable graph that calls on this version run: the flow JSON exactly as it was published (the
   * draft, validated by the publisher). Run it through parseFlow to get defaults filled in.
   */
  graph: Flow;
}

export type CreateFlowResult = { kind: 'created'; flow: FlowRecord } | Exists;
export type SaveDraftResult =
  | { kind: 'saved'; revision: number }
  /** Someone saved since `expectedRevision`: reload, merge, retry. */
  | { kind: 'conflict'; currentRevision: number }
  | NotFound;
export type PublishResult =
  | { kind: 'published'; version: FlowVersion }
  | { kind: 'conflict'; currentRevision: number }
  | NotFound;

export interface FlowPublication {
  flowId: string;
  version: number;
}

export interface FlowRepository {
  list(): Promise<FlowSummary[]>;
  get(flowId: string): Promise<FlowRecord | undefined>;
  /** `id`, `name`, `description` are taken from the draft (a flow JSON). Draft revision starts at 1. */
  create(input: { draft: JsonObject & { id: string; name: string } }, actor: Actor): Promise<CreateFlowResult>;
  /** Optimistic concurrency: succeeds only when `expectedRevision` is the current draft revision; bumps it. */
  saveDraft(flowId: string, draft: JsonObject, expectedRevision: number, actor: Actor): Promise<SaveDraftResult>;
  /**
   * Removes the flow from lists and lookups. Its versions stay (call records point at them);
   * refused while a phone number routes to it.
   */
  delete(flowId: string, actor: Actor): Promise<Deleted | NotFound | InUse>;
  /**
   * Publishes the current draft as a new immutable version, if the draft is still at `expectedRevision`
   * (the caller validated that revision). Safe under concurrency: concurrent publishes each get their own
   * version number; none is lost. The draft and its revision are unchanged. Notifies every engine
   * (onFlowPublished). The draft must be a valid flow — validate before calling.
   */
  publish(flowId: string, expectedRevision: number, actor: Actor, note: string): Promise<PublishResult>;
  /** Publishes an earlier version's graph again as a new version (one-click roll back). */
  rollback(flowId: string, version: number, actor: Actor, note: string): Promise<{ kind: 'published'; version: FlowVersion } | NotFound>;
  versions(flowId: string): Promise<FlowVersionSummary[]>;
  version(flowId: string, version: number): Promise<FlowVersion | undefined>;
  /** The version callers get now. */
  published(flowId: string): Promise<FlowVersion | undefined>;
  /** The flow's scripted test calls (.calls.json without `flow`), as saved. */
  testCalls(flowId: string): Promise<JsonObject | undefined>;
  saveTestCalls(flowId: string, calls: JsonObject, actor: Actor): Promise<{ kind: 'saved' } | NotFound>;
}

// ───────────────────────────── numbers ─────────────────────────────

export interface PhoneNumber {
  /** The dialled number, E.164 (`+441234500000`), or `*` for "any number not listed". */
  did: string;
  flowId: string;
  /** Used when `flowId` has no published version (or is deleted). */
  fallbackFlowId?: string;
  label: string;
}

export type NumberRoute =
  /** `did` is the number row that matched (`*` when the catch-all did). */
  | { kind: 'flow'; did: string; flow: FlowVersion; usedFallback: boolean }
  | { kind: 'unknown' };

export interface NumberRepository {
  list(): Promise<PhoneNumber[]>;
  get(did: string): Promise<PhoneNumber | undefined>;
  /** Fails with `flowNotFound` when flowId/fallbackFlowId name no (undeleted) flow. */
  create(number: PhoneNumber, actor: Actor): Promise<{ kind: 'created'; number: PhoneNumber } | Exists | { kind: 'flowNotFound'; flowId: string }>;
  update(did: string, changes: Partial<Omit<PhoneNumber, 'did'>>, actor: Actor): Promise<{ kind: 'updated'; number: PhoneNumber } | NotFound | { kind: 'flowNotFound'; flowId: string }>;
  delete(did: string, actor: Actor): Promise<Deleted | NotFound>;
  /** DID → the published flow version a new call runs (the number's flow, else its fallback, else `*`). */
  route(did: string): Promise<NumberRoute>;
}

// ───────────────────────────── prompts ─────────────────────────────

export interface Prompt {
  id: string;
  name: string;
  /** Text per BCP 47 language, e.g. { "en-GB": "Welcome…", "cy-GB": "Croeso…" }. */
  text: Record<string, string>;
  /** Languages that have recorded audio. */
  audioLanguages: string[];
  updatedAt: Date;
}

export interface PromptAudioFile {
  contentType: string;
  bytes: Uint8Array;
  updatedAt: Date;
}

export interface PromptRepository {
  list(): Promise<Prompt[]>;
  get(id: string): Promise<Prompt | undefined>;
  create(prompt: { id: string; name: string; text: Record<string, string> }, actor: Actor): Promise<{ kind: 'created'; prompt: Prompt } | Exists>;
  update(id: string, changes: { name?: string; text?: Record<string, string> }, actor: Actor): Promise<{ kind: 'updated'; prompt: Prompt } | NotFound>;
  delete(id: string, actor: Actor): Promise<Deleted | NotFound>;
  putAudio(id: string, language: string, audio: { contentType: string; bytes: Uint8Array }, actor: Actor): Promise<{ kind: 'saved' } | NotFound>;
  audio(id: string, language: string): Promise<PromptAudioFile | undefined>;
  deleteAudio(id: string, language: string, actor: Actor): Promise<Deleted | NotFound>;
}

// ───────────────────────── schedules, holidays ─────────────────────────

/** Opening hours. `definition` is the schedule node's own JSON (weekly hours, closures), kept as data. */
export interface Schedule {
  id: string;
  name: string;
  /** IANA time zone, e.g. Europe/London. */
  timezone: string;
  /** Holiday calendar whose dates count as closed. */
  holidayCalendarId?: string;
  definition: JsonObject;
  updatedAt: Date;
}

export interface HolidayCalendar {
  id: string;
  name: string;
  /** Dates (YYYY-MM-DD, in the schedule's time zone) with a name each. */
  dates: { date: string; name: string }[];
  updatedAt: Date;
}

/** A plain id-keyed collection with audited create/update/delete. */
export interface CrudRepository<T extends { id: string }, Input, Refused = never> {
  list(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  create(input: Input, actor: Actor): Promise<{ kind: 'created'; item: T } | Exists | Refused>;
  update(id: string, changes: Partial<Omit<Input, 'id'>>, actor: Actor): Promise<{ kind: 'updated'; item: T } | NotFound | Refused>;
  delete(id: string, actor: Actor): Promise<Deleted | NotFound | InUse>;
}

export type ScheduleInput = Omit<Schedule, 'updatedAt'>;
export type HolidayCalendarInput = Omit<HolidayCalendar, 'updatedAt'>;
/** Refused when the schedule names a holiday calendar that does not exist. */
export type CalendarNotFound = { kind: 'calendarNotFound'; calendarId: string };

// ───────────────────────────── queues, agents ─────────────────────────────

export interface Queue {
  id: string;
  name: string;
  /** The service line reports group the queue under ("Highways", "Adult social care"); may be empty. */
  serviceLine: string;
  /** Opening hours: one of the stored schedules (the schedule node uses the same); absent: always open. */
  scheduleId?: string;
  /**
   * Everything else the ACD needs (caller treatment, overflow, callbacks, ring timeout, wrap-up, service
   * level …) as data, validated by the ONE schema in engine/src/queue/queue-settings.ts (which fills defaults).
   */
  settings: JsonObject;
  updatedAt: Date;
}

/**
 * How an agent is reached: a SIP user registered with the engine's registrar (`sip-user`, value the user
 * name), a fixed SIP URI (`sip-uri`), a Microsoft Teams user by number (`teams`, E.164), a phone number
 * through the trunk (`pstn`, E.164), or the agent desk's browser softphone (`webrtc`, value the user name).
 */
export type AgentEndpointKind = 'sip-user' | 'sip-uri' | 'teams' | 'pstn' | 'webrtc';

export interface AgentEndpoint {
  kind: AgentEndpointKind;
  value: string;
  /** e.g. "Desk phone", "Mobile". */
  label?: string;
}

export interface Agent {
  id: string;
  name: string;
  /** The user the adviser signs in as (one agent per user). */
  userId?: string;
  /** Up to 10 ways to reach the adviser; `activeEndpoint` says which rings now. */
  endpoints: AgentEndpoint[];
  /** Index into `endpoints` of the one that rings now (0 when there is one). */
  activeEndpoint: number;
  /** Skill → level, 1 (learning) to 10 (expert). */
  skills: Record<string, number>;
  /** Queues the agent serves. */
  queueIds: string[];
  updatedAt: Date;
}

/** A new or changed queue: the service line defaults to none. */
export type QueueInput = Omit<Queue, 'updatedAt' | 'serviceLine'> & { serviceLine?: string };
/** A new or changed agent: the first endpoint rings unless said otherwise. */
export type AgentInput = Omit<Agent, 'updatedAt' | 'activeEndpoint'> & { activeEndpoint?: number };
export type QueueNotFound = { kind: 'queueNotFound'; queueId: string };
export type ScheduleNotFound = { kind: 'scheduleNotFound'; scheduleId: string };
export type UserNotFound = { kind: 'userNotFound'; userId: string };
/** Refusals of an agent: a queue or user that does not exist, another agent already signed in as that user, an activeEndpoint past the end. */
export type AgentRefused = QueueNotFound | UserNotFound | { kind: 'userTaken'; userId: string; agentId: string } | { kind: 'noSuchEndpoint'; activeEndpoint: number };

// ───────────────────────────── calls ─────────────────────────────

/** A real call from the phone network, or a test call placed from the designer/CLI/API. */
export type CallKind = 'phone' | 'test';

/** What is known when a call starts. */
export interface CallStart {
  id: string;
  kind: CallKind;
  from: string;
  to: string;
  flowId?: string;
  /** The published version the call runs on; undefined for test calls of an unpublished draft. */
  flowVersion?: number;
  startedAt: Date;
  /** The engine process (run) that handled the call. */
  engineInstanceId: string;
}

export interface CallUpdate {
  answeredAt?: Date;
  /** The queue the caller waited in (the last, if several), the agent who took the call, and how it went there. */
  queueId?: string;
  agentId?: string;
  waitSeconds?: number;
  talkSeconds?: number;
  /** How the call's time in a queue ended: set by the ACD (answered, abandoned, callback_requested …). */
  queueOutcome?: CallQueueOutcome;
}

export interface CallEnd extends CallUpdate {
  endedAt: Date;
  /** runCall's outcome ("completed", "transferred", "callerHungUp" …), or "engine-lost" when the engine died mid-call. */
  outcome: string;
  /** Node the call ended at. */
  endedAtNode?: string;
}

/** One call's row: its start, what happened, and its end once it has ended. */
export interface CallRecord extends CallStart, Partial<CallEnd> {}

export interface CallFilter {
  kind?: CallKind;
  flowId?: string;
  from?: string;
  to?: string;
  outcome?: string;
  queueId?: string;
  agentId?: string;
  queueOutcome?: CallQueueOutcome;
  /** Calls started at or after. */
  since?: Date;
  /** Calls started before. */
  until?: Date;
  /** Only calls still in progress (no end yet). */
  active?: boolean;
}

export interface CallRepository {
  start(call: CallStart): Promise<{ kind: 'started' } | Exists>;
  update(callId: string, changes: CallUpdate): Promise<{ kind: 'updated' } | NotFound>;
  /** Idempotent for an ended call: the first end wins. */
  end(callId: string, end: CallEnd): Promise<{ kind: 'ended' } | { kind: 'alreadyEnded' } | NotFound>;
  get(callId: string): Promise<CallRecord | undefined>;
  /** Newest first. */
  list(filter: CallFilter, page: Page): Promise<Paged<CallRecord>>;
  /**
   * Appends to the call's log; (callId, seq) is unique, a repeated seq is ignored. payment.started and
   * payment.ended events also write the call's payments (PaymentRepository), in the same transaction.
   */
  appendEvents(events: CallEvent[]): Promise<void>;
  /** In seq order. */
  events(callId: string): Promise<CallEvent[]>;
}

// ───────────────────────────── payments ─────────────────────────────

/**
 * One card payment attempt, as the payments screen lists it: projected from the call's payment.started
 * and payment.ended events when they are appended (CallRepository.appendEvents), so every way a call is
 * recorded (phone calls, test calls) fills it the same way. Never card numbers, expiry dates or security
 * codes: the schema has no column that could hold them, and the masked card is the last four digits.
 */
export interface PaymentRecord {
  /** `<callId>:<seq of payment.started>`. */
  id: string;
  callId: string;
  /** The payment node that took it (absent for payments taken outside a flow). */
  nodeId?: string;
  /** 'pending' until the payment ends. */
  status: 'pending' | PaymentStatus;
  /** Undefined while the caller is still to key it on the payment line. */
  amountMinor?: number;
  currency: 'GBP';
  /** The council's reference for what is paid. */
  reference: string;
  /** The idempotency key sent to the gateway (Pay360's merchant reference). */
  merchantReference?: string;
  /** The gateway's session id (Pay360 telephone session). */
  gatewaySessionId?: string;
  /** The gateway's transaction id, when one was made. */
  gatewayTransactionId?: string;
  /** `**** 1111`. */
  maskedCard?: string;
  /** Why it was declined or failed (a reason code, `timeout`, `unreachable` …). */
  reason?: string;
  /** Found already paid under the same merchant reference: nothing was charged by this attempt. */
  previouslyPaid: boolean;
  createdAt: Date;
  completedAt?: Date;
  /** From the call: a phone call or a designer's test call, the flow it ran, the agent on it. */
  callKind: CallKind;
  flowId?: string;
  flowVersion?: number;
  agentId?: string;
}

export interface PaymentFilter {
  status?: PaymentRecord['status'];
  /** Exact council reference. */
  reference?: string;
  transactionId?: string;
  flowId?: string;
  callKind?: CallKind;
  /** Payments started at or after. */
  since?: Date;
  /** Payments started before. */
  until?: Date;
}

export interface PaymentRepository {
  /** Newest first. */
  list(filter: PaymentFilter, page: Page): Promise<Paged<PaymentRecord>>;
  get(paymentId: string): Promise<PaymentRecord | undefined>;
  forCall(callId: string): Promise<PaymentRecord[]>;
}

// ───────────────────────── users, sessions, tokens ─────────────────────────

/** What a user may do: the rights each role carries are in engine/src/auth/roles.ts (not a single ladder). */
export type Role = 'viewer' | 'payments' | 'agent' | 'supervisor' | 'designer' | 'publisher' | 'admin';

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

/** Only for checking a password at login. */
export interface UserWithPasswordHash extends User {
  passwordHash: string;
}

export interface UserRepository {
  list(): Promise<User[]>;
  get(userId: string): Promise<User | undefined>;
  byUsername(username: string): Promise<UserWithPasswordHash | undefined>;
  /** `passwordHash` is already hashed (argon2) by the caller. */
  create(user: { username: string; passwordHash: string; role: Role }, actor: Actor): Promise<{ kind: 'created'; user: User } | Exists>;
  /** A new password or disabling ends the user's sessions; `revokeTokens` also revokes every API token of theirs. */
  update(
    userId: string,
    changes: { role?: Role; passwordHash?: string; disabled?: boolean; revokeTokens?: boolean },
    actor: Actor,
  ): Promise<{ kind: 'updated'; user: User } | NotFound>;
  /** Also ends the user's sessions and revokes their tokens. */
  delete(userId: string, actor: Actor): Promise<Deleted | NotFound>;
  count(): Promise<number>;
}

export interface SessionRepository {
  /** `tokenHash` is sha256 of the cookie value; the value itself is never stored. */
  create(session: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void>;
  /** The session's user, if the session exists, has not expired and the user is not disabled. */
  find(tokenHash: string): Promise<{ user: User; expiresAt: Date } | undefined>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(): Promise<number>;
}

export interface ApiToken {
  id: string;
  name: string;
  userId: string;
  /** First characters of the token (e.g. `fd_ab12`) so people can tell tokens apart. */
  prefix: string;
  /** The most this token may do; absent: its user's role. The lower of this and the user's role applies. */
  role?: Role;
  createdAt: Date;
  lastUsedAt?: Date;
  expiresAt?: Date;
  revokedAt?: Date;
}

export interface ApiTokenRepository {
  list(userId?: string): Promise<ApiToken[]>;
  /** `tokenHash` is sha256 of the secret; the secret itself is never stored. */
  create(token: { name: string; userId: string; tokenHash: string; prefix: string; role?: Role; expiresAt?: Date }, actor: Actor): Promise<{ kind: 'created'; token: ApiToken } | { kind: 'userNotFound' }>;
  /** The token's user, if the token is neither revoked nor expired and the user is not disabled; records the use. */
  find(tokenHash: string): Promise<{ token: ApiToken; user: User } | undefined>;
  revoke(tokenId: string, actor: Actor): Promise<{ kind: 'revoked' } | NotFound>;
}

/** One limit on sign-in attempts: at most `max` attempts per `key` (an account, an address, everyone) within `windowMs`. */
export interface AttemptLimit {
  key: string;
  max: number;
  windowMs: number;
}

/**
 * Sign-in attempts counted where every request and every engine sees them: an attempt is reserved
 * against each limit at once, before the password is checked, so concurrent guesses cannot all slip
 * under a limit; a sign-in that succeeds gives its reservation back.
 */
export interface LoginThrottle {
  /** Counts one attempt against every limit, or none when any limit is already reached (then: which, and for how long). */
  reserve(limits: readonly AttemptLimit[]): Promise<{ allowed: true } | { allowed: false; key: string; retryAfterMs: number }>;
  /** Gives back one reserved attempt for each of `keys` (a sign-in that succeeded) and forgets `reset` entirely. */
  release(keys: readonly string[], reset: readonly string[]): Promise<void>;
}

// ───────────────────────────── secrets ─────────────────────────────

/** What anyone may see of a secret: never its value. */
export interface SecretInfo {
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: Actor;
}

/**
 * Secrets that flows refer to by name, kept sealed (encrypted by the engine before they get here; the
 * store never sees a key or a value). Every change is audited without the value.
 */
export interface SecretRepository {
  list(): Promise<SecretInfo[]>;
  sealed(name: string): Promise<Uint8Array | undefined>;
  /** Creates the secret, or replaces its value and description. */
  put(name: string, secret: { sealed: Uint8Array; description: string }, actor: Actor): Promise<{ kind: 'created' | 'replaced'; secret: SecretInfo }>;
  delete(name: string, actor: Actor): Promise<Deleted | NotFound>;
}

// ───────────────────────────── audit ─────────────────────────────

export interface AuditEntry {
  id: string;
  at: Date;
  actor: Actor;
  /** e.g. "flow.publish", "number.update", "user.create", "auth.login". */
  action: string;
  entityType: string;
  entityId: string;
  before?: JsonValue;
  after?: JsonValue;
}

export interface AuditFilter {
  actor?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  since?: Date;
  until?: Date;
}

export interface AuditRepository {
  /** For events that are not repository changes (logins, failed logins, exports). */
  record(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter, page: Page): Promise<Paged<AuditEntry>>;
}

// ───────────────────────────── engine instances ─────────────────────────────

export interface EngineInstance {
  /** One per engine process run. */
  id: string;
  /** Stable name of the engine (config or host name); a restart keeps the name, gets a new id. */
  name: string;
  host: string;
  pid: number;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt?: Date;
}

export interface EngineInstanceRepository {
  /**
   * Registers this run and ends the calls of this engine's earlier runs (same name), of stopped runs and of
   * engines silent for longer than `deadAfterMs` (default 60 s) with outcome 'engine-lost'.
   */
  register(instance: { id: string; name: string; host: string; pid: number; deadAfterMs?: number }): Promise<{ lostCalls: string[] }>;
  /** Records that this run is alive, and ends the calls of engines silent for longer than `deadAfterMs`. */
  heartbeat(instanceId: string, deadAfterMs: number): Promise<{ lostCalls: string[] }>;
  stop(instanceId: string): Promise<void>;
  list(): Promise<EngineInstance[]>;
}

// ───────────────────────────── the store ─────────────────────────────

export type DatabaseKind = 'embedded' | 'postgres';

/** Everything kept; the agent desk's part (break reasons, disposition codes, wrap-ups, desk connections) is in ports/desk.ts. */
export interface Store extends DeskStore {
  readonly kind: DatabaseKind;
  readonly flows: FlowRepository;
  readonly numbers: NumberRepository;
  readonly prompts: PromptRepository;
  readonly schedules: CrudRepository<Schedule, ScheduleInput, CalendarNotFound>;
  readonly holidayCalendars: CrudRepository<HolidayCalendar, HolidayCalendarInput>;
  /** Real queues; deleting one that still has callers or callbacks waiting is refused (inUse). */
  readonly queues: CrudRepository<Queue, QueueInput, ScheduleNotFound>;
  /** Real advisers (a test realm's simulated agents are not listed). */
  readonly agents: CrudRepository<Agent, AgentInput, AgentRefused>;
  /** Agents' states (available, ringing, on a call, wrap-up, break, offline) and their log (ports/acd.ts). */
  readonly agentStates: AgentStateRepository;
  /** Callers and callbacks in queues, dispatch, the queue event log (ports/acd.ts). */
  readonly acd: AcdRepository;

  readonly calls: CallRepository;
  readonly payments: PaymentRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly audit: AuditRepository;
  readonly loginThrottle: LoginThrottle;
  readonly secrets: SecretRepository;
  readonly engineInstances: EngineInstanceRepository;
  /** Agents' SIP phone registrations, seen by every engine (ports/registrations.ts). */
  readonly registrations: RegistrationRepository;
  /** Is the database answering? */
  health(): Promise<{ kind: DatabaseKind; ok: boolean; error?: string }>;
  /**
   * Does `error` (thrown by this store) mean the database cannot be reached right now — worth answering
   * "503, try again later" — rather than a bad request or a bug?
   */
  isUnavailable(error: unknown): boolean;
  /** Does `error` mean the database refused a value it was given (out of range, malformed, against a check)? */
  isRefusedValue(error: unknown): boolean;
  /**
   * Called when any engine publishes a flow (LISTEN/NOTIFY; polling where notifications are unavailable),
   * including this process's own publishes. Returns an unsubscribe function.
   */
  onFlowPublished(listener: (publication: FlowPublication) => void): () => void;
  /**
   * The ACD's signals from every engine sharing the database (ports/acd.ts AcdSignal): LISTEN/NOTIFY, and
   * this process's own at once; where notifications are unavailable (the embedded database), this
   * process's own only. Returns an unsubscribe function.
   */
  onAcdSignal(listener: (signal: AcdSignal) => void): () => void;
  close(): Promise<void>;
}
