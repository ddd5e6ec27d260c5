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
      case 'input.speech':
        return { kind: 'caller', text: data.transcript ? `said “${String(data.transcript)}”` : 'said something that was not understood', ...(nodeId ? { nodeId } : {}) };
      case 'input.none':
        return { kind: 'caller', text: 'said and pressed nothing', ...(nodeId ? { nodeId } : {}) };
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
