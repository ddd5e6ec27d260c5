/**
 * The desk's legs of calls this engine simulates (a designer's test call offered to a real adviser):
 * the simulator's bridge rings the adviser here (DeskLegs), and the adviser's desk actions arrive here
 * as DeskCommands. A command for a leg this engine does not hold is left to the engine that does.
 */
import type { DeskCommand, DeskLegId, DeskLegs, DeskTalkEnd } from '../ports/desk.js';

/** ended: the adviser talked to the caller and has not wrapped up yet (forgotten once they do). */
export type LegStage = 'ringing' | 'talking' | 'ended';

/** A leg as the desk shows it. */
export interface LegState extends DeskLegId {
  stage: LegStage;
  held: boolean;
}

interface Leg extends LegState {
  answer?: (result: 'answered' | 'declined') => void;
  end?: (end: DeskTalkEnd) => void;
  /** The adviser ended their part before the bridge asked how it ends. */
  pendingEnd?: DeskTalkEnd;
}

const keyOf = (leg: DeskLegId) => `${leg.callId}\u0000${leg.agentId}`;

export type CommandResult = { kind: 'done'; leg: LegState } | { kind: 'notHere' } | { kind: 'wrongStage'; stage: LegStage };

export class DeskLegRegistry implements DeskLegs {
  private readonly legs = new Map<string, Leg>();
  private readonly listeners = new Set<(agentId: string) => void>();

  /** Called with the adviser's id whenever one of their legs changes (rings, is answered, held, ends). */
  onChange(listener: (agentId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(agentId: string): void {
    for (const listener of this.listeners) listener(agentId);
  }

  /** The adviser's leg this engine holds, if any: one ringing or talking first, else one waiting for its wrap-up. */
  legOf(agentId: string): LegState | undefined {
    const mine = [...this.legs.values()].filter((leg) => leg.agentId === agentId);
    const leg = mine.find((l) => l.stage !== 'ended') ?? mine.at(-1);
    return leg && { callId: leg.callId, agentId: leg.agentId, stage: leg.stage, held: leg.held };
  }

  /** The adviser wrapped the call up: its ended leg is forgotten. */
  forget(id: DeskLegId): void {
    const key = keyOf(id);
    if (this.legs.get(key)?.stage === 'ended') {
      this.legs.delete(key);
      this.changed(id.agentId);
    }
  }

  ring(id: DeskLegId, signal: AbortSignal): Promise<'answered' | 'declined'> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const key = keyOf(id);
    return new Promise((resolve, reject) => {
      const leg: Leg = { ...id, stage: 'ringing', held: false };
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        if (this.legs.get(key) === leg && leg.stage === 'ringing') this.legs.delete(key);
        this.changed(id.agentId);
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      leg.answer = (result) => {
        if (result === 'answered') leg.stage = 'talking';
        done();
        resolve(result);
      };
      this.legs.set(key, leg);
      signal.addEventListener('abort', onAbort, { once: true });
      this.changed(id.agentId);
    });
  }

  talk(id: DeskLegId, signal: AbortSignal): Promise<DeskTalkEnd> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const key = keyOf(id);
    return new Promise((resolve, reject) => {
      const leg: Leg = this.legs.get(key) ?? { ...id, stage: 'talking', held: false };
      leg.stage = 'talking';
      const finish = () => {
        signal.removeEventListener('abort', onAbort);
        // Kept until the adviser wraps up, so the desk can ask how the call ended.
        if (this.legs.get(key) === leg) {
          leg.stage = 'ended';
          leg.held = false;
          leg.answer = undefined;
          leg.end = undefined;
        }
        this.changed(id.agentId);
      };
      const onAbort = () => {
        finish();
        reject(signal.reason);
      };
      leg.end = (end) => {
        finish();
        resolve(end);
      };
      this.legs.set(key, leg);
      if (leg.pendingEnd) {
        leg.end(leg.pendingEnd);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.changed(id.agentId);
    });
  }

  /** Applies an adviser's action to a leg this engine holds. */
  command(command: DeskCommand): CommandResult {
    const leg = this.legs.get(keyOf(command));
    if (!leg) return { kind: 'notHere' };
    const state = (): LegState => ({ callId: leg.callId, agentId: leg.agentId, stage: leg.stage, held: leg.held });
    if (command.kind === 'answer' || command.kind === 'decline') {
      if (leg.stage !== 'ringing' || !leg.answer) return { kind: 'wrongStage', stage: leg.stage };
      leg.answer(command.kind === 'answer' ? 'answered' : 'declined');
      return { kind: 'done', leg: state() };
    }
    if (leg.stage !== 'talking') return { kind: 'wrongStage', stage: leg.stage };
    if (command.kind === 'hold') {
      leg.held = command.on;
      this.changed(leg.agentId);
      return { kind: 'done', leg: state() };
    }
    const end: DeskTalkEnd = command.kind === 'hangup' ? { kind: 'hungUp' } : { kind: 'transferred', target: command.target };
    const after = state();
    // The bridge may not have asked for the end yet (answered a moment ago): kept for when it does.
    if (leg.end) leg.end(end);
    else leg.pendingEnd = end;
    return { kind: 'done', leg: after };
  }
}
