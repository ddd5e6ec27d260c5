/**
 * Every node kind the engine knows: the one place a new kind (or a new version of a kind) is
 * registered. Saved flows name kind + version; old versions stay here so old flows keep running.
 */
import type { AnyNodeDefinition } from './nodes/define-node.js';
import { collectDigitsNode } from './nodes/collect-digits/collect-digits.node.js';
import { conditionNode } from './nodes/condition/condition.node.js';
import { hangupNode } from './nodes/hangup/hangup.node.js';
import { httpNode } from './nodes/http/http.node.js';
import { languageNode } from './nodes/language/language.node.js';
import { menuNode } from './nodes/menu/menu.node.js';
import { paymentNode } from './nodes/payment/payment.node.js';
import { paymentNodeV1 } from './nodes/payment/payment-v1.node.js';
import { playNode } from './nodes/play/play.node.js';
import { queueNode } from './nodes/queue/queue.node.js';
import { queueNode2 } from './nodes/queue/queue-2.node.js';
import { scheduleNode } from './nodes/schedule/schedule.node.js';
import { setNode } from './nodes/set/set.node.js';
import { speechNode } from './nodes/speech/speech.node.js';
import { subflowNode } from './nodes/subflow/subflow.node.js';
import { transferNode } from './nodes/transfer/transfer.node.js';
import { voicemailNode } from './nodes/voicemail/voicemail.node.js';

export const catalogue: readonly AnyNodeDefinition[] = [
  playNode,
  menuNode,
  collectDigitsNode,
  speechNode,
  languageNode,
  conditionNode,
  scheduleNode,
  setNode,
  httpNode,
  subflowNode,
  queueNode,
  queueNode2,
  transferNode,
  voicemailNode,
  paymentNodeV1,
  paymentNode,
  hangupNode,
] as unknown as readonly AnyNodeDefinition[];

const byKey = new Map(catalogue.map((d) => [`${d.kind}@${d.version}`, d]));

/** The definition for a kind at a version, or undefined. */
export function nodeDefinition(kind: string, version: number): AnyNodeDefinition | undefined {
  return byKey.get(`${kind}@${version}`);
}

/** The versions of a kind this engine knows (empty for an unknown kind). */
export function knownVersions(kind: string): number[] {
  return catalogue.filter((d) => d.kind === kind).map((d) => d.version);
}

/** The newest version of each kind, for the designer's palette. */
export function latestDefinitions(): AnyNodeDefinition[] {
  const latest = new Map<string, AnyNodeDefinition>();
  for (const d of catalogue) {
    const seen = latest.get(d.kind);
    if (!seen || seen.version < d.version) latest.set(d.kind, d);
  }
  return [...latest.values()];
}
