/**
 * Regular expressions written by service designers (collect-digits `pattern`, the condition `matches`
 * op), compiled and run in ONE place, by RE2 (re2js, a pure-JS port that also runs in the designer):
 * matching takes time linear in the input, whatever the pattern — "((1)+)+2" or "(a|a)*b" cannot
 * freeze the engine the way a backtracking engine (JavaScript's RegExp) can. What RE2 refuses
 * (back-references, look-arounds, repeats over 1,000) and patterns whose compiled program is too big
 * to run cheaply are refused by `patternProblem`, which the node schemas use, so the flow validator
 * names the node and field before a flow can be published.
 */
import { RE2JS } from 're2js';

export const MAX_PATTERN_LENGTH = 200;
/** Longest text a pattern is ever run against. */
export const MAX_PATTERN_INPUT = 1000;
/**
 * Largest compiled program (RE2's rough measure of a pattern's cost; "0[0-9]{9,10}" is 14,
 * "[0-9]{1000}" 1,002). Matching costs about program size × input length, so this bounds one match.
 */
export const MAX_PATTERN_PROGRAM = 1200;

type Compiled = { ok: true; regex: RE2JS } | { ok: false; problem: string };

const cache = new Map<string, Compiled>();

function compile(pattern: string): Compiled {
  const found = cache.get(pattern);
  if (found) return found;
  const compiled = compileUncached(pattern);
  if (cache.size >= 500) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

function compileUncached(pattern: string): Compiled {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `the pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).replace(/^error parsing regexp: /, '');
    return {
      ok: false,
      problem: `the pattern cannot be used (${reason}); back-references (\\1), look-arounds ((?=…)) and repeats over 1000 are not supported`,
    };
  }
  if (regex.programSize() > MAX_PATTERN_PROGRAM) {
    return { ok: false, problem: 'the pattern is too complex to check quickly: use fewer or smaller repeats ({n,m})' };
  }
  return { ok: true, regex };
}

/** Why a pattern cannot be used, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  const compiled = compile(pattern);
  return compiled.ok ? undefined : compiled.problem;
}

/**
 * True when `pattern` matches `text` (all of it when `whole`, else anywhere in it); false for a
 * pattern that cannot be used. Only the first MAX_PATTERN_INPUT characters of `text` are looked at.
 */
export function testSafePattern(pattern: string, text: string, whole = true): boolean {
  const compiled = compile(pattern);
  if (!compiled.ok) return false;
  const input = text.slice(0, MAX_PATTERN_INPUT);
  return whole ? compiled.regex.matches(input) : compiled.regex.matcher(input).find();
}
