/**
 * What an adviser sees about a call before answering it: who is calling, from which queue, how long they
 * have waited, the way they came through the flow (the steps' names), what they said or pressed, the
 * flow's variables (a case reference), and their calls of the last days with how each ended. Read from
 * the call record, its event log and the flow it ran — never digits keyed in a payment or other
 * sensitive step, and nothing that looks like a card number.
 */
import { knownVersions, nodeDefinition } from '../core/catalogue.js';
import type { CallEvent } from '../ports/call-events.js';
import type { FlowNode } from '../ports/flow.js';
import type { CallRecord, Store } from '../ports/store.js';
import type { VarValue } from '../ports/values.js';

export interface HeardItem {
  /** Epoch ms on the call's clock. */
  at: number;
  kind: 'said' | 'pressed';
  text: string;
  /** The step that asked. */
  step: string;
}

export interface PreviousCall {
  callId: string;
  startedAt: string;
  queueId?: string;
  outcome?: string;
  disposition?: string;
  note?: string;
}

export interface DeskCallContext {
  callId: string;
  kind: 'phone' | 'test';
  callerNumber: string;
  dialled: string;
  startedAt: string;
  queueId?: string;
  queueName?: string;
  /** When the caller reached the queue (ISO), for the time waited. */
  waitingSince?: string;
  /** The steps the caller went through, by name, in order. */
  path: string[];
  heard: HeardItem[];
  variables: Record<string, VarValue>;
  previousCalls: PreviousCall[];
}

/** A run of 13 or more digits (spaces and dashes ignored): a card number is never shown. */
export const looksLikeCard = (text: string): boolean => /\d{13,}/.test(text.replace(/[\s-]/g, ''));

/** Variables the flow keeps for itself, not for advisers. */
const internal = new Set(['agentId', 'agentName', 'transferTarget']);

function shown(value: VarValue | VarValue[] | undefined): value is VarValue {
  if (value === undefined || value === null || Array.isArray(value) || typeof value === 'object') return false;
  return typeof value !== 'string' || (!looksLikeCard(value) && value.length <= 500 && !value.includes('•••'));
}

async function flowNodes(store: Store, call: CallRecord): Promise<Map<string, FlowNode>> {
  if (!call.flowId) return new Map();
  const graph = call.flowVersion !== undefined ? (await store.flows.version(call.flowId, call.flowVersion))?.graph : ((await store.flows.get(call.flowId))?.draft as { nodes?: FlowNode[] } | undefined);
  return new Map((graph?.nodes ?? []).map((node) => [node.id, node]));
}

/** A step's name as the designer wrote it, else its kind's label. */
function stepName(nodes: Map<string, FlowNode>, nodeId: string | undefined, kind?: string): string {
  if (!nodeId) return 'the flow';
  const node = nodes.get(nodeId) ?? nodes.get(nodeId.split('/').at(-1) ?? nodeId);
  if (node?.name) return node.name;
  const ofKind = node?.kind ?? kind;
  const definition = node ? nodeDefinition(node.kind, node.version) : ofKind ? nodeDefinition(ofKind, knownVersions(ofKind).at(-1) ?? 1) : undefined;
  return definition?.ui.label ?? kind ?? nodeId;
}

/** Sensitive steps (payments): nothing the caller keyed there, nor what they set, is shown. */
function isSensitive(nodes: Map<string, FlowNode>, nodeId: string | undefined): boolean {
  const node = nodeId ? (nodes.get(nodeId) ?? nodes.get(nodeId.split('/').at(-1) ?? '')) : undefined;
  if (!node) return false;
  return nodeDefinition(node.kind, node.version)?.traits.sensitive === true;
}

/**
 * Whether the call is in a payment (or another sensitive step) now: its last step entered is one, or a
 * payment started and has not ended. Nobody listens in then.
 */
export async function inSensitiveStep(store: Store, callId: string): Promise<boolean> {
  const call = await store.calls.get(callId);
  if (!call) return false;
  const [nodes, events] = await Promise.all([flowNodes(store, call), store.calls.events(callId)]);
  const entered = events.filter((e) => e.type === 'node.entered').at(-1);
  const payments = events.filter((e) => (e.type as string) === 'payment.started').length - events.filter((e) => (e.type as string) === 'payment.ended').length;
  return payments > 0 || (entered !== undefined && isSensitive(nodes, entered.nodeId));
}

/** The context of `callId` for an adviser; undefined when the call is not recorded (yet). */
export async function deskCallContext(store: Store, callId: string, options: { now: number; previousCallsDays: number }): Promise<DeskCallContext | undefined> {
  const call = await store.calls.get(callId);
  if (!call) return undefined;
  const [nodes, events] = await Promise.all([flowNodes(store, call), store.calls.events(callId)]);
  const path: string[] = [];
  const heard: HeardItem[] = [];
  const variables: Record<string, VarValue> = {};
  let waitingSince: number | undefined;
  const kinds = new Map<string, string>();
  for (const event of events as CallEvent[]) {
    const sensitive = isSensitive(nodes, event.nodeId);
    if (event.type === 'node.entered') {
      if (event.nodeId) kinds.set(event.nodeId, String(event.data.kind ?? ''));
      // An event that carries the step's name (as the designer wrote it then) wins over the flow read now.
      const name = typeof event.data.name === 'string' && event.data.name ? event.data.name : stepName(nodes, event.nodeId, String(event.data.kind ?? ''));
      if (path.at(-1) !== name) path.push(name);
      if (event.data.kind === 'queue') waitingSince = event.at;
    } else if (event.type === 'input.speech' && typeof event.data.transcript === 'string' && event.data.transcript.trim() !== '' && !sensitive) {
      if (!looksLikeCard(event.data.transcript)) heard.push({ at: event.at, kind: 'said', text: event.data.transcript, step: stepName(nodes, event.nodeId, kinds.get(event.nodeId ?? '')) });
    } else if (event.type === 'input.digits' && typeof event.data.digits === 'string' && !sensitive && shown(event.data.digits)) {
      heard.push({ at: event.at, kind: 'pressed', text: event.data.digits, step: stepName(nodes, event.nodeId, kinds.get(event.nodeId ?? '')) });
    } else if (event.type === 'var.set' && typeof event.data.name === 'string' && !sensitive && !internal.has(event.data.name)) {
      const value = event.data.value;
      if (shown(value)) variables[event.data.name] = value;
      else delete variables[event.data.name];
    }
  }
  // What the caller said is shown once, under what they said, not again as a variable.
  for (const [name, value] of Object.entries(variables)) if (heard.some((h) => h.text === value)) delete variables[name];
  const queue = call.queueId ? await store.queues.get(call.queueId) : undefined;
  return {
    callId: call.id,
    kind: call.kind,
    callerNumber: call.from,
    dialled: call.to,
    startedAt: call.startedAt.toISOString(),
    ...(call.queueId ? { queueId: call.queueId } : {}),
    ...(queue ? { queueName: queue.name } : {}),
    ...(waitingSince !== undefined ? { waitingSince: new Date(waitingSince).toISOString() } : {}),
    path,
    heard,
    variables,
    previousCalls: await previousCalls(store, call, options),
  };
}

/** The caller's other calls in the last days (newest first, at most 5), with the advisers' dispositions and notes. */
async function previousCalls(store: Store, call: CallRecord, options: { now: number; previousCallsDays: number }): Promise<PreviousCall[]> {
  if (options.previousCallsDays === 0 || !call.from || call.from === 'anonymous') return [];
  const since = new Date(options.now - options.previousCallsDays * 86_400_000);
  const { items } = await store.calls.list({ from: call.from, since, kind: call.kind }, { page: 1, pageSize: 6 });
  const others = items.filter((c) => c.id !== call.id).slice(0, 5);
  const wrapUps = await store.desk.wrapUpsOfCalls(others.map((c) => c.id));
  return others.map((c) => {
    const wrap = wrapUps.get(c.id)?.at(-1);
    return {
      callId: c.id,
      startedAt: c.startedAt.toISOString(),
      ...(c.queueId ? { queueId: c.queueId } : {}),
      ...(c.outcome ? { outcome: c.outcome } : {}),
      ...(wrap?.dispositionName ? { disposition: wrap.dispositionName } : {}),
      ...(wrap?.note ? { note: wrap.note } : {}),
    };
  });
}
