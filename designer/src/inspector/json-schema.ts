import { z } from 'zod';

/** The part of JSON Schema (draft 2020-12, as zod 4 writes it) the inspector renders. */
export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';
  title?: string;
  /** zod .meta(): the id of something stored (a schedule, a queue, a flow), chosen from a list by its name. */
  ref?: 'schedule' | 'queue' | 'flow';
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** A node's params as JSON Schema, in the shape the designer edits (input: before defaults are applied). */
export function paramsJsonSchema(params: z.ZodType): JsonSchema {
  return z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Follow a `$ref` ("#/$defs/x") within the root schema; merge a single-entry allOf. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref && hops < 20; hops++) {
    const name = s.$ref.replace(/^#\/\$defs\//, '');
    const { $ref: _ref, ...rest } = s;
    s = { ...(root.$defs?.[name] ?? {}), ...rest };
  }
  if (s.allOf?.length === 1) {
    const { allOf, ...rest } = s;
    s = { ...resolve(allOf[0]!, root), ...rest };
  }
  return s;
}

/** A prompt param (prompt-library id and/or text per language) gets the prompt picker. */
export function isPromptSchema(s: JsonSchema): boolean {
  const keys = Object.keys(s.properties ?? {});
  return (
    s.type === 'object' &&
    keys.includes('text') &&
    keys.every((k) => k === 'text' || k === 'promptId') &&
    typeof s.properties?.text?.additionalProperties === 'object'
  );
}

/** The variants of a union, with `null` split off (a nullable field is not a choice). */
export function unionVariants(s: JsonSchema): { variants: JsonSchema[]; nullable: boolean } | undefined {
  const all = s.anyOf ?? s.oneOf;
  if (!all) return undefined;
  const variants = all.filter((v) => v.type !== 'null');
  return { variants, nullable: variants.length !== all.length };
}

/** The property that tells a discriminated union's variants apart (each variant has it as a const). */
export function discriminator(variants: JsonSchema[], root: JsonSchema): string | undefined {
  const first = resolve(variants[0] ?? {}, root);
  return Object.keys(first.properties ?? {}).find((key) =>
    variants.every((v) => resolve(v, root).properties?.[key]?.const !== undefined),
  );
}

/** "timeoutMs" → "Timeout ms", "noInput" → "No input". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The value a fresh list item or union variant starts with. */
export function initialValue(schema: JsonSchema, root: JsonSchema): unknown {
  const s = resolve(schema, root);
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const union = unionVariants(s);
  if (union) return union.nullable ? null : initialValue(union.variants[0] ?? {}, root);
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = initialValue(s.properties?.[key] ?? {}, root);
      return out;
    }
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return s.minimum ?? 0;
    default:
      return '';
  }
}

/** A copy of `target` with the value at `path` replaced (undefined removes an object key). */
export function setIn(target: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(target)) {
    const copy = [...target];
    copy[head as number] = setIn(copy[head as number], rest, value);
    return copy;
  }
  const base = target && typeof target === 'object' ? (target as Record<string, unknown>) : {};
  const next = setIn(base[head], rest, value);
  const { [head]: _old, ...others } = base;
  return next === undefined ? others : { ...base, [head]: next };
}
