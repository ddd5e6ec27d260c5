/**
 * The shape of a parsed call flow, as ports and storage see it. Types only: the zod schema that
 * checks it lives in core (engine/src/core/flow/schema.ts), which proves at compile time that what it
 * parses is exactly this shape.
 */

/** One step of a flow. `params` are checked per kind by the catalogue. */
export interface FlowNode {
  id: string;
  kind: string;
  version: number;
  /** A designer-chosen name shown on the canvas. */
  name?: string | undefined;
  params: Record<string, unknown>;
  ui: { x: number; y: number };
}

/** An exit of `from` (its outcome) leading to `to`. */
export interface FlowEdge {
  id: string;
  from: string;
  /** The outcome of `from` that this edge follows ("1", "noInput", "open", "error" …). */
  outcome: string;
  to: string;
}

/** What happens when infrastructure fails and the node has no `error` edge. */
export interface FlowFallback {
  /** Said to the caller before anything else, per language. */
  apology: Record<string, string>;
  /** Offer a person (transfer to this destination, or a queue), or end the call politely. */
  then: { action: 'transfer'; destination: string } | { action: 'queue'; queueId: string } | { action: 'hangup' };
}

/** A named part of a flow the designer draws as one box, open or collapsed. Drawing only: calls ignore it. */
export interface FlowGroup {
  id: string;
  name: string;
  /** Ids of the nodes inside. */
  nodes: string[];
  collapsed: boolean;
}

export interface Flow {
  schemaVersion: 1;
  id: string;
  name: string;
  description?: string | undefined;
  /** Languages the flow offers; prompts must exist in each. The first is the default. */
  languages: string[];
  entry: string;
  fallback: FlowFallback;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** How the designer draws the flow beyond node positions (groups). Calls never read it. */
  ui?: { groups: FlowGroup[] } | undefined;
}
