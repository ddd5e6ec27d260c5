/**
 * A call's event log told in plain words, the same way wherever people read it: the designer's test-call
 * transcript, one call's timeline on the Call records screen, `frontdoor call` at a terminal. Steps are
 * named as the designer named them (node.entered carries the name), exits by their labels, and secret
 * digits stay hidden.
 */
import type { CallEvent } from '../../ports/index.js';
import { REDACTED } from './event-log.js';

export type StoryLine =
  | { kind: 'step'; text: string; nodeId: string }
  | { kind: 'heard'; text: string; nodeId?: string }
  | { kind: 'caller'; text: string; nodeId?: string }
  | { kind: 'exit'; text: string; nodeId: string; outcome: string }
  | { kind: 'variable'; text: string; name: string; value: string }
  | { kind: 'problem'; text: string; nodeId?: string }
  | { kind: 'person'; text: string; nodeId?: string }
  | { kind: 'start' | 'end'; text: string; nodeId?: string };

/** How a call ended, in words ("the caller hung up", "answered by an agent"). */
export function outcomeWords(outcome: string): string {
  const words: Record<string, string> = {
    completed: 'the flow ended the call',
    callerHungUp: 'the caller hung up',
    transferred: 'transferred',
    answered: 'answered by an agent',
    failed: 'failed (something went wrong)',
    'engine-lost': 'lost (the engine stopped during the call)',
    voicemail: 'left a voicemail',
  };
  return words[outcome] ?? `“${outcome}”`;
}

/** A variable's value as a person reads it. */
const shown = (value: unknown): string =>
  value === null || value === undefined ? '(empty)' : typeof value === 'string' ? `“${value}”` : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);

const pounds = (pence: number): string => `£${(pence / 100).toFixed(2)}`;

/** How a payment ended, in words (payment.ended's status). */
const PAYMENT_WORDS: Record<string, string> = {
  paid: 'paid',
  declined: 'declined: no money taken',
  abandoned: 'abandoned: the caller left the payment line without paying',
  error: 'not taken: the payment service could not be used',
};

/** Who answered (agent.connected): the agent by name, and the queue they answered for; else the number put through to. */
function personOf(data: CallEvent['data']): string {
  const queue = typeof data.queueName === 'string' ? ` (${data.queueName})` : '';
  if (typeof data.agentName === 'string' && data.agentName !== '') return `${data.agentName}${queue}`;
  if (data.agentId) return `agent ${String(data.agentId)}${queue}`;
  return String(data.destination ?? 'a person');
}

/** Reads a call's events in order and tells each one; remembers the steps' names as it goes. */
export class CallStory {
  private readonly names = new Map<string, string>();

  /** The name of a step seen so far (its id until then). */
  nameOf(nodeId: string | undefined): string {
    return nodeId === undefined ? '' : (this.names.get(nodeId) ?? nodeId);
  }

  /** One event in words; undefined for events people need not read. */
  tell(event: CallEvent): StoryLine | undefined {
    const data = event.data;
    const nodeId = event.nodeId;
    switch (event.type) {
      case 'call.started':
        return { kind: 'start', text: `Call from ${String(data.from)} to ${String(data.to)}` };
      case 'node.entered': {
        const name = typeof data.name === 'string' && data.name !== '' ? data.name : (nodeId ?? '');
        if (nodeId !== undefined) this.names.set(nodeId, name);
        return { kind: 'step', text: name, nodeId: nodeId ?? '' };
      }
      case 'prompt.played':
        return { kind: 'heard', text: String(data.text ?? ''), ...(nodeId ? { nodeId } : {}) };
      case 'input.digits': {
        const digits = String(data.digits ?? '');
        return { kind: 'caller', text: digits === REDACTED ? 'pressed keys (hidden: they may be card details)' : `pressed ${digits === '' ? 'only the end key' : digits}`, ...(nodeId ? { nodeId } : {}) };
      }
      case 'input.speech': {
        if (data.error !== undefined && !data.transcript) {
          return { kind: 'problem', text: `The speech recogniser could not hear the caller: ${String(data.error)}`, ...(nodeId ? { nodeId } : {}) };
        }
        const sure = typeof data.confidence === 'number' ? ` (${Math.round(data.confidence * 100)}% sure)` : '';
        const picked = data.heard ? ` — picked out: ${String(data.heard)}` : '';
        const words = data.transcript ? `said “${String(data.transcript)}”${sure}${picked}` : 'said something that was not understood';
        return { kind: 'caller', text: data.confirm !== undefined ? `${words}, answering the check` : words, ...(nodeId ? { nodeId } : {}) };
      }
      case 'payment.started': {
        const amount = typeof data.amountPence === 'number' ? ` of ${pounds(data.amountPence)}` : '';
        return {
          kind: 'person',
          text: `Handed to the payment service for a payment${amount} (reference ${String(data.reference ?? '')}): card details go to it only`,
          ...(nodeId ? { nodeId } : {}),
        };
      }
      case 'payment.ended': {
        const amount = typeof data.amountPence === 'number' ? ` of ${pounds(data.amountPence)}` : '';
        const status = String(data.status ?? '');
        const said = data.previouslyPaid === true ? 'was already paid (nothing charged twice)' : (PAYMENT_WORDS[status] ?? `ended: ${status}`);
        const details = [data.maskedCard && `card ${String(data.maskedCard)}`, data.transactionId && `transaction ${String(data.transactionId)}`, data.reason && `reason: ${String(data.reason)}`].filter(Boolean);
        return { kind: status === 'paid' ? 'person' : 'problem', text: `Payment${amount} ${said}${details.length ? ` (${details.join(', ')})` : ''}`, ...(nodeId ? { nodeId } : {}) };
      }
      case 'input.none':
        return { kind: 'caller', text: 'said and pressed nothing', ...(nodeId ? { nodeId } : {}) };
      case 'agent.connected':
        return { kind: 'person', text: `Talking to ${personOf(data)}`, ...(nodeId ? { nodeId } : {}) };
      case 'node.outcome': {
        const label = typeof data.label === 'string' ? data.label : String(data.outcome ?? '');
        return { kind: 'exit', text: `${this.nameOf(nodeId)} → ${label}`, nodeId: nodeId ?? '', outcome: String(data.outcome ?? '') };
      }
      case 'var.set':
        return { kind: 'variable', text: `${String(data.name)} = ${shown(data.value)}`, name: String(data.name), value: shown(data.value) };
      case 'error':
        return { kind: 'problem', text: `Problem at ${this.nameOf(nodeId) || 'the start'}: ${String(data.message ?? data.code ?? '')}`, ...(nodeId ? { nodeId } : {}) };
      case 'call.ended': {
        const where = nodeId ? ` at ${this.nameOf(nodeId)}` : '';
        return { kind: 'end', text: `Call ended: ${outcomeWords(String(data.outcome ?? ''))}${where}`, ...(nodeId ? { nodeId } : {}) };
      }
      default:
        return undefined;
    }
  }
}

/** How a call turned out, for records: a caller who talked to a person is never counted as one who gave up. */
export type CallResultKind = 'talked' | 'abandoned' | 'transferred' | 'hungUp' | 'ended' | 'failed' | 'inProgress';

/**
 * The result of a call in words, from its record and its event log: talking to a person (an agent answered,
 * or a bridged transfer), giving up while waiting in a queue, being transferred, hanging up elsewhere, or
 * the flow ending the call (with the reason it gave).
 */
export function callResult(
  record: { outcome?: string | undefined; agentId?: string | undefined; talkSeconds?: number | undefined; endedAtNode?: string | undefined; queueOutcome?: string | undefined },
  events: readonly CallEvent[],
): { kind: CallResultKind; text: string } {
  const story = new CallStory();
  let lastKind: string | undefined;
  let lastNode: string | undefined;
  // The ACD's word on the queue is final where it has one: answered (or passed on by the agent) is talked.
  let talked = record.agentId !== undefined || (record.talkSeconds ?? 0) > 0 || record.queueOutcome === 'answered' || record.queueOutcome === 'transferred';
  for (const event of events) {
    story.tell(event);
    if (event.type === 'node.entered') {
      lastKind = String(event.data.kind ?? '');
      lastNode = event.nodeId;
    }
    if (event.type === 'agent.connected') talked = true;
  }
  const outcome = record.outcome;
  if (outcome === undefined) return { kind: 'inProgress', text: 'In progress' };
  if (talked) return { kind: 'talked', text: record.agentId ? `Talked to agent ${record.agentId}` : 'Talked to a person' };
  if (outcome === 'callerHungUp') {
    return lastKind === 'queue' || record.queueOutcome === 'abandoned'
      ? { kind: 'abandoned', text: `Hung up waiting in ${story.nameOf(lastNode)}` }
      : { kind: 'hungUp', text: `The caller hung up${lastNode ? ` at ${story.nameOf(lastNode)}` : ''}` };
  }
  if (outcome === 'transferred') return { kind: 'transferred', text: 'Transferred' };
  if (outcome === 'failed' || outcome === 'engine-lost') return { kind: 'failed', text: outcomeWords(outcome) };
  return { kind: 'ended', text: outcome === 'completed' ? 'Ended by the flow' : `Ended by the flow: ${outcomeWords(outcome)}` };
}
