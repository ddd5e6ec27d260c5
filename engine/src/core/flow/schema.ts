import { z } from 'zod';
import type * as Shape from '../../ports/flow.js';

/**
 * The saved form of a call flow. Node params are checked per kind by the catalogue (parseFlow);
 * here they are any JSON object.
 */
export const FLOW_SCHEMA_VERSION = 1;

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may use only letters, digits, _ . : -');

export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag like en-GB or cy-GB');

export const nodeSchema = z.strictObject({
  id,
  kind: z.string().min(1),
  version: z.number().int().positive(),
  /** A designer-chosen name shown on the canvas. */
  name: z.string().max(120).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  ui: z
    .strictObject({ x: z.number().finite(), y: z.number().finite() })
    .default({ x: 0, y: 0 }),
});

export const edgeSchema = z.strictObject({
  id,
  from: id,
  /** The outcome of `from` that this edge follows ("1", "noInput", "open", "error" …). */
  outcome: z.string().min(1).max(64),
  to: id,
});

/** What happens when infrastructure fails and the node has no `error` edge. */
export const fallbackSchema = z.strictObject({
  /** Said to the caller before anything else, per language. */
  apology: z
    .record(languageTag, z.string().min(1))
    .default({ 'en-GB': "Sorry, we're having a problem with our phone system." }),
  /** Offer a person (transfer to this destination), or end the call politely. */
  then: z
    .discriminatedUnion('action', [
      z.strictObject({ action: z.literal('transfer'), destination: z.string().min(1) }),
      z.strictObject({ action: z.literal('queue'), queueId: z.string().min(1) }),
      z.strictObject({ action: z.literal('hangup') }),
    ])
    .default({ action: 'hangup' }),
});

/** A named part of a flow the designer draws as one box, open or collapsed. Drawing only: calls ignore it. */
export const flowGroupSchema = z.strictObject({
  id,
  name: z.string().min(1).max(80),
  nodes: z.array(id).max(2000),
  collapsed: z.boolean().default(false),
});

export const flowSchema = z.strictObject({
  schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
  id,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** Languages the flow offers; prompts must exist in each. The first is the default. */
  languages: z.array(languageTag).min(1).default(['en-GB']),
  entry: id,
  fallback: fallbackSchema.default({
    apology: { 'en-GB': "Sorry, we're having a problem with our phone system." },
    then: { action: 'hangup' },
  }),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  /** How the designer draws the flow beyond node positions (groups). Calls never read it. */
  ui: z.strictObject({ groups: z.array(flowGroupSchema).max(200).default([]) }).optional(),
});

/** The parsed shapes are the ports' (engine/src/ports/flow.ts): storage and ports speak of flows without importing core. */
export type FlowNode = Shape.FlowNode;
export type FlowEdge = Shape.FlowEdge;
export type FlowFallback = Shape.FlowFallback;
export type FlowGroup = Shape.FlowGroup;
export type Flow = Shape.Flow;
/** A flow as written in a file, before defaults. */
export type FlowInput = z.input<typeof flowSchema>;

/** True when A and B are the same type; the constants below fail to compile when schema and ports drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SCHEMA_MATCHES_PORTS: [
  Same<z.output<typeof flowSchema>, Shape.Flow>,
  Same<z.output<typeof nodeSchema>, Shape.FlowNode>,
  Same<z.output<typeof edgeSchema>, Shape.FlowEdge>,
  Same<z.output<typeof fallbackSchema>, Shape.FlowFallback>,
] = [true, true, true, true];
