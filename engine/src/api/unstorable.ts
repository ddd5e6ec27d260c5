import type { FieldError } from './problem.js';

/** Deepest JSON a request may carry: a flow nests a few levels; thousands are an attack on parsers and the database. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (it has half of a surrogate pair)';
  return undefined;
}

/**
 * The first thing in a request part (params, query, a JSON body, a websocket message) that PostgreSQL
 * cannot store, or that no honest client sends: NUL characters and lone surrogates in any string or
 * object key (text and jsonb refuse them), and JSON nested deeper than MAX_JSON_DEPTH. Checked before
 * the route's own schema, so such input is a 400 naming where it is, never a database error.
 */
export function unstorable(value: unknown, where: string): FieldError | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value: here, path, depth } = stack.pop()!;
    if (typeof here === 'string') {
      const problem = textProblem(here);
      if (problem) return { path, message: problem };
      continue;
    }
    if (here === null || typeof here !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    const entries = Array.isArray(here) ? here.map((item, i) => [String(i), item] as const) : Object.entries(here);
    for (const [key, item] of entries) {
      const problem = textProblem(key);
      if (problem) return { path: `${path}.${JSON.stringify(key)}`, message: `has a key that ${problem}` };
      stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}
