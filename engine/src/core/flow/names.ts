/**
 * What designers call things, for every message, diagnostic, transcript line and record: a node by the
 * name they gave it (its kind's label when they gave none), an exit by its label ("1: Highways", "No
 * input"), a param by its form label ("Option 2 › Key"). Ids stay in the data; people read names.
 */
import { z } from 'zod';
import { latestDefinitions, nodeDefinition } from '../catalogue.js';
import type { AnyNodeDefinition, OutcomeSpec } from '../nodes/define-node.js';

/** "timeoutSeconds" → "Timeout seconds", "noInput" → "No input". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface NamedNode {
  id: string;
  kind: string;
  version: number;
  name?: string | undefined;
  params?: Record<string, unknown>;
}

/** The kind's label ("Menu", "Opening hours"), or the kind itself when this engine does not know it. */
export const kindLabel = (node: Pick<NamedNode, 'kind' | 'version'>): string =>
  (nodeDefinition(node.kind, node.version) ?? latestDefinitions().find((d) => d.kind === node.kind))?.ui.label ?? node.kind;

/** The node's name as the designer gave it; its id when it has none (flows written by hand name their ids). */
export const nodeName = (node: Pick<NamedNode, 'id' | 'name'>): string => node.name?.trim() || node.id;

/** The node as a sentence names it: `Menu "Main menu"`, or `"Menu 2"` when the name already says the kind. */
export function nodeTitle(node: NamedNode): string {
  const name = nodeName(node);
  const label = kindLabel(node);
  return name.toLowerCase().includes(label.toLowerCase()) ? `"${name}"` : `${label} "${name}"`;
}

const exitCache = new WeakMap<object, OutcomeSpec[]>();

/**
 * The node's exits as its params make them (none when its kind is unknown or its params unreadable).
 * Worked out once per node object: flows are changed by replacing nodes, never by changing them in place.
 */
export function exitsOf(node: NamedNode): OutcomeSpec[] {
  let exits = exitCache.get(node);
  if (exits) return exits;
  const definition = nodeDefinition(node.kind, node.version);
  if (!definition) return [];
  const parsed = definition.params.safeParse(node.params ?? {});
  try {
    exits = definition.outcomes(parsed.success ? parsed.data : node.params);
  } catch {
    exits = [];
  }
  exitCache.set(node, exits);
  return exits;
}

/** An exit as its handle shows it ("1: Highways", "No input"); `error` is the fault exit every node has. */
export function exitLabel(node: NamedNode, outcome: string, exits: readonly OutcomeSpec[] = exitsOf(node)): string {
  if (outcome === 'error') return 'Error';
  return exits.find((o) => o.name === outcome)?.label ?? outcome;
}

/** The part of JSON Schema a param's label comes from. */
interface SchemaPart {
  title?: string;
  description?: string;
  type?: string;
  properties?: Record<string, SchemaPart>;
  items?: SchemaPart;
  additionalProperties?: SchemaPart | boolean;
  anyOf?: SchemaPart[];
  oneOf?: SchemaPart[];
  allOf?: SchemaPart[];
  $ref?: string;
  $defs?: Record<string, SchemaPart>;
}

const schemas = new WeakMap<AnyNodeDefinition, SchemaPart>();

/** A node's params as JSON Schema, in the shape the designer edits (before defaults), cached per definition. */
export function paramsSchema(definition: AnyNodeDefinition): SchemaPart {
  let schema = schemas.get(definition);
  if (!schema) schemas.set(definition, (schema = z.toJSONSchema(definition.params, { io: 'input', unrepresentable: 'any' }) as SchemaPart));
  return schema;
}

function resolved(part: SchemaPart, root: SchemaPart): SchemaPart {
  let s = part;
  for (let hops = 0; s.$ref && hops < 20; hops++) {
    const { $ref, ...rest } = s;
    s = { ...(root.$defs?.[$ref.replace(/^#\/\$defs\//, '')] ?? {}), ...rest };
  }
  if (s.allOf?.length === 1) {
    const { allOf, ...rest } = s;
    s = { ...resolved(allOf[0]!, root), ...rest };
  }
  return s;
}

/** What one item of a list is called: its description up to the first full stop or bracket ("Option"). */
export const itemNoun = (items: SchemaPart | undefined): string => items?.description?.split(/[.(]/)[0]?.trim() || 'Item';

/**
 * A param's path as the form labels it: "options.1.digit" → "Option 2 › Key", "noInput.prompt.text.cy-GB" →
 * "No input › Prompt › cy-GB". Parts the schema does not describe are humanised.
 */
export function fieldLabel(definition: AnyNodeDefinition | undefined, field: string): string {
  const root = definition ? paramsSchema(definition) : undefined;
  let here: SchemaPart | undefined = root;
  const parts: string[] = [];
  const steps = field.split('.');
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    // A prompt's text in one language: "Prompt › Welsh", not "Prompt › Text › cy-GB".
    if (step === 'text' && /^[a-z]{2,3}(-[A-Z]{2})?$/.test(steps[k + 1] ?? '')) {
      parts.push(languageName(steps[++k]!));
      here = undefined;
      continue;
    }
    const s: SchemaPart | undefined = here && root ? resolved(here, root) : undefined;
    const variants = s?.anyOf ?? s?.oneOf;
    const shape: SchemaPart | undefined = variants ? variants.map((v) => resolved(v, root!)).find((v) => v.properties?.[step]) : s;
    if (/^\d+$/.test(step) && shape?.items) {
      parts.push(`${itemNoun(root ? resolved(shape.items, root) : shape.items)} ${Number(step) + 1}`);
      here = shape.items;
    } else if (shape?.properties?.[step]) {
      const child = resolved(shape.properties[step]!, root!);
      parts.push(child.title ?? humanise(step));
      here = child;
    } else if (shape && typeof shape.additionalProperties === 'object') {
      parts.push(step);
      here = shape.additionalProperties;
    } else {
      parts.push(/^\d+$/.test(step) ? `${Number(step) + 1}` : humanise(step));
      here = undefined;
    }
  }
  return parts.join(' › ');
}

/** A field of a node, for messages: `Menu "Main menu" › Option 2 › Key`. */
export function nodeFieldTitle(node: NamedNode, field: string | undefined): string {
  return field ? `${nodeTitle(node)} › ${fieldLabel(nodeDefinition(node.kind, node.version), field)}` : nodeTitle(node);
}

/** A zod issue as a designer would say it ("add at least one", "is missing"), not as zod words it. */
export function plainIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined$/.test(issue.message) ? 'fill this in' : `must be ${article(issue.expected)}`;
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'array' || issue.origin === 'set') return n === 1 ? 'add at least one' : `add at least ${n}`;
      if (issue.origin === 'string') return n === 1 ? 'must not be empty' : `must be at least ${n} characters`;
      return `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${n}`;
      if (issue.origin === 'string') return `must be at most ${n} characters`;
      return `must be at most ${n}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => (v === '' ? '(none)' : String(v))).join(', ')}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a setting' : 'settings'} this kind of step does not know: ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'is not one of the choices';
    default:
      return issue.message;
  }
}

const article = (type: string): string => {
  const words: Record<string, string> = { number: 'a number', string: 'text', boolean: 'yes or no', array: 'a list', object: 'a group of settings', record: 'a group of settings', int: 'a whole number' };
  return words[type] ?? type;
};

const LANGUAGE_NAMES: Record<string, string> = { 'en-GB': 'English', 'cy-GB': 'Welsh', 'gd-GB': 'Scottish Gaelic', 'ga-IE': 'Irish', 'pl-PL': 'Polish', 'ur-PK': 'Urdu', 'pa-IN': 'Punjabi' };

/** "cy-GB" → "Welsh"; a tag without a name here stays as written. */
export const languageName = (tag: string): string => LANGUAGE_NAMES[tag] ?? tag;

/** "English and Welsh", "English, Welsh and Polish". */
export function languageList(tags: readonly string[]): string {
  const names = tags.map(languageName);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
