/**
 * Every node kind the engine knows: the one place a new kind (or a new version of a kind) is
 * registered. Saved flows name kind + version; old versions stay here so old flows keep running.
 */
import { z } from 'zod';
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
import { scheduleInlineNode, scheduleNode } from './nodes/schedule/schedule.node.js';
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
  scheduleInlineNode,
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

const byKey = new Map<string, AnyNodeDefinition>(catalogue.map((d) => [`${d.kind}@${d.version}`, d]));
/** kind@version of every earlier version a current definition can upgrade → that definition. */
const upgradable = new Map<string, AnyNodeDefinition>(
  catalogue.flatMap((d) => (d.earlier ?? []).map((e) => [`${d.kind}@${e.version}`, d] as const)),
);

/**
 * A node's params as its kind's current definition writes them: an earlier version's params are upgraded
 * step by step. Nodes already current, of an unknown kind or of an unknown version come back unchanged.
 */
export function upgradeNode<N extends { kind: string; version: number; params: Record<string, unknown> }>(node: N): N {
  const current = upgradable.get(`${node.kind}@${node.version}`);
  if (!current) return node;
  let params = node.params;
  for (const step of current.earlier ?? []) if (step.version >= node.version) params = step.upgrade(params);
  return { ...node, version: current.version, params };
}

/** The definition for a kind at a version, or undefined. An earlier version gets the current definition, reading upgraded params. */
export function nodeDefinition(kind: string, version: number): AnyNodeDefinition | undefined {
  const exact = byKey.get(`${kind}@${version}`);
  if (exact) return exact;
  const current = upgradable.get(`${kind}@${version}`);
  if (!current) return undefined;
  let alias = aliases.get(`${kind}@${version}`);
  if (!alias) {
    const params = z.preprocess((raw) => (raw && typeof raw === 'object' && !Array.isArray(raw) ? upgradeNode({ kind, version, params: raw as Record<string, unknown> }).params : raw), current.params);
    aliases.set(`${kind}@${version}`, (alias = { ...current, version, params }));
  }
  return alias;
}
const aliases = new Map<string, AnyNodeDefinition>();

/** The versions of a kind this engine knows (empty for an unknown kind), oldest first. */
export function knownVersions(kind: string): number[] {
  return [...byKey.values(), ...upgradable.values()]
    .filter((d) => d.kind === kind)
    .flatMap((d) => [d.version, ...(d.earlier ?? []).map((e) => e.version)])
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort((a, b) => a - b);
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
