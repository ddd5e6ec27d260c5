/**
 * Every node kind the engine knows: the one place a new kind (or a new version of a kind) is
 * registered. Saved flows name kind + version; old versions stay here so old flows keep running.
 */
import type { AnyNodeDefinition } from './nodes/define-node.js';
import { hangupNode } from './nodes/hangup/hangup.node.js';
import { playNode } from './nodes/play/play.node.js';

export const catalogue: readonly AnyNodeDefinition[] = [
  playNode,
  hangupNode,
] as unknown as readonly AnyNodeDefinition[];

const byKey = new Map(catalogue.map((d) => [`${d.kind}@${d.version}`, d]));

/** The definition for a kind at a version, or undefined. */
export function nodeDefinition(kind: string, version: number): AnyNodeDefinition | undefined {
  return byKey.get(`${kind}@${version}`);
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
