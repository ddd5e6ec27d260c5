import { paramsSchema } from '../../../engine/src/core/flow/names.js';
import type { AnyNodeDefinition } from '../../../engine/src/core/nodes/define-node.js';
import { WEEKDAYS } from '../../../engine/src/core/schedule.js';
import { hoursSummary } from '../schedules/hours.js';
import { refName, type Refs } from '../store/refs.js';

/** A param value as one short line on the canvas: words, not JSON. */
export function summarise(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    const named = value.map((item) =>
      typeof item === 'string' ? item : item && typeof item === 'object' ? String((item as Record<string, unknown>).label ?? (item as Record<string, unknown>).name ?? '') : '',
    );
    return named.every((n) => n !== '') ? named.join(', ') : `${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.text && typeof v.text === 'object') {
      const first = Object.values(v.text as Record<string, string>).find((t) => t.trim() !== '');
      return first ? `“${first}”` : v.promptId ? `recording ${String(v.promptId)}` : '—';
    }
    if (WEEKDAYS.some((d) => Array.isArray(v[d]))) return hoursSummary(v as Parameters<typeof hoursSummary>[0]);
    return Object.entries(v)
      .map(([k, x]) => `${k}: ${typeof x === 'object' ? '…' : String(x)}`)
      .join(', ');
  }
  return String(value);
}

/** What a node's canvas summary says for one of its params: stored things by name, the rest in words. */
export function summariseParam(definition: AnyNodeDefinition, key: string, value: unknown, refs: Refs): string {
  const ref = (paramsSchema(definition).properties?.[key] as { ref?: keyof Refs } | undefined)?.ref;
  return ref ? refName(refs, ref, value) : summarise(value);
}
