/**
 * Regular expressions written by service designers (digit validation, the condition `matches` op).
 * Checked before use so a pattern can neither fail at call time nor take exponential time:
 * bounded length, must compile, no quantified group that itself contains a quantifier
 * ("(a+)+", "(\d*)*"), and inputs are bounded by the callers of `testSafePattern`.
 */
export const MAX_PATTERN_LENGTH = 200;
/** Longest text a pattern is ever run against. */
export const MAX_PATTERN_INPUT = 1000;

const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,?\d*\})/;
const BACK_REFERENCE = /\\[1-9]/;

/** Why a pattern cannot be used, or undefined when it is safe. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `the pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `the pattern is not a valid regular expression (${(error as Error).message})`;
  }
  if (NESTED_QUANTIFIER.test(pattern)) return 'the pattern repeats a group that already repeats (e.g. "(a+)+"), which can hang';
  if (BACK_REFERENCE.test(pattern)) return 'the pattern uses a back-reference (\\1), which is not allowed';
  return undefined;
}

const compiled = new Map<string, RegExp | null>();

/**
 * True when `pattern` matches `text` (all of it when `whole`, else anywhere); false for an unsafe
 * or invalid pattern.
 */
export function testSafePattern(pattern: string, text: string, whole = true): boolean {
  const key = `${whole ? '^$' : '~'}${pattern}`;
  let regex = compiled.get(key);
  if (regex === undefined) {
    regex = patternProblem(pattern) ? null : new RegExp(whole ? `^(?:${pattern})$` : pattern, 'u');
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, regex);
  }
  return regex !== null && regex.test(text.slice(0, MAX_PATTERN_INPUT));
}
