import type { z } from 'zod';
import type { AnyNodeDefinition } from '../../../engine/src/core/nodes/define-node.js';

/**
 * Starting params for a new node: each param's zod default, or the smallest value its schema fills
 * in (an object whose own fields have defaults, an empty list). Whatever is still missing is left
 * for the designer to fill, and the engine's diagnostics say so.
 */
export function defaultParams(definition: AnyNodeDefinition): Record<string, unknown> {
  const whole = definition.params.safeParse({});
  if (whole.success) return whole.data as Record<string, unknown>;
  const shape = (definition.params as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return {};
  const params: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    for (const candidate of [undefined, {}, []]) {
      const attempt = schema.safeParse(candidate);
      if (attempt.success) {
        if (attempt.data !== undefined) params[key] = attempt.data;
        break;
      }
    }
  }
  return params;
}
