import { z } from 'zod';
import type { VarValue } from '../ports/index.js';
import { variableName } from './nodes/common-params.js';
import { MAX_PATTERN_INPUT, patternProblem, testSafePattern } from './safe-pattern.js';

/**
 * Conditions as data: typed comparisons of a call variable with a literal. Nothing is evaluated.
 */
export const COMPARISON_OPS = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  'isEmpty',
  'isNotEmpty',
  'isTrue',
  'isFalse',
] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Ops that look only at the variable. */
const UNARY_OPS: ReadonlySet<ComparisonOp> = new Set(['isEmpty', 'isNotEmpty', 'isTrue', 'isFalse']);

const literal = z.union([z.string().max(MAX_PATTERN_INPUT), z.number(), z.boolean(), z.null()]);

export const comparisonSchema = z
  .strictObject({
    var: variableName.describe('Variable to test'),
    op: z
      .enum(COMPARISON_OPS)
      .describe('eq, ne, lt, le, gt, ge (numbers when both sides are numbers), contains, startsWith, endsWith, matches (a pattern), isEmpty, isNotEmpty, isTrue, isFalse'),
    value: literal.optional().describe('What to compare with (not needed for isEmpty, isNotEmpty, isTrue, isFalse)'),
  })
  .superRefine((c, ctx) => {
    if (!UNARY_OPS.has(c.op) && c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a value to compare with` });
    }
    if (c.op === 'matches') {
      const problem = typeof c.value === 'string' ? patternProblem(c.value) : 'a pattern must be text';
      if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    }
  })
  .describe('Comparison');
export type Comparison = z.output<typeof comparisonSchema>;

export const conditionSchema = z
  .strictObject({
    match: z.enum(['all', 'any']).default('all').describe('Whether all comparisons or any one must hold'),
    comparisons: z.array(comparisonSchema).min(1).max(20).describe('Comparisons'),
  })
  .describe('Condition');
export type Condition = z.output<typeof conditionSchema>;

const asNumber = (v: VarValue | undefined): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

const asText = (v: VarValue | undefined): string => (v === undefined || v === null ? '' : String(v));

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

function truthWord(v: VarValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const text = asText(v).trim().toLowerCase();
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

function equal(left: VarValue | undefined, right: VarValue | undefined): boolean {
  if (typeof right === 'boolean') return truthWord(left) === right;
  if (right === null) return left === undefined || left === null;
  const [a, b] = [asNumber(left), asNumber(right)];
  if (typeof right === 'number' && a !== undefined && b !== undefined) return a === b;
  return asText(left) === asText(right);
}

function order(left: VarValue | undefined, right: VarValue | undefined): number | undefined {
  const [a, b] = [asNumber(left), asNumber(right)];
  return a === undefined || b === undefined ? undefined : a - b;
}

/** Does one comparison hold for these variables? Unknown variables count as empty. */
export function compare(comparison: Comparison, vars: Readonly<Record<string, VarValue>>): boolean {
  const left = vars[comparison.var];
  const right = comparison.value;
  const text = asText(left).toLowerCase();
  const needle = asText(right).toLowerCase();
  switch (comparison.op) {
    case 'eq':
      return equal(left, right);
    case 'ne':
      return !equal(left, right);
    case 'lt':
      return (order(left, right) ?? NaN) < 0;
    case 'le':
      return (order(left, right) ?? NaN) <= 0;
    case 'gt':
      return (order(left, right) ?? NaN) > 0;
    case 'ge':
      return (order(left, right) ?? NaN) >= 0;
    case 'contains':
      return text.includes(needle);
    case 'startsWith':
      return text.startsWith(needle);
    case 'endsWith':
      return text.endsWith(needle);
    case 'matches':
      return typeof right === 'string' && testSafePattern(right, asText(left), false);
    case 'isEmpty':
      return asText(left).trim() === '';
    case 'isNotEmpty':
      return asText(left).trim() !== '';
    case 'isTrue':
      return truthWord(left) === true;
    case 'isFalse':
      return truthWord(left) === false;
  }
}

/** Does the condition hold (all / any of its comparisons)? */
export function holds(condition: Condition, vars: Readonly<Record<string, VarValue>>): boolean {
  return condition.match === 'all'
    ? condition.comparisons.every((c) => compare(c, vars))
    : condition.comparisons.some((c) => compare(c, vars));
}
