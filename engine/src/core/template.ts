import type { VarValue } from '../ports/index.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Replace {{name}} with the variable's value; unknown names become empty. Nothing is evaluated. */
export function renderTemplate(text: string, vars: Readonly<Record<string, VarValue>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    // Own variables only: {{constructor}} must not reach Object.prototype.
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    return value === undefined || value === null ? '' : String(value);
  });
}

/** The variable names a template refers to. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Replace only the placeholders named in `values`, leaving every other {{name}} for renderTemplate
 * (e.g. a node's own values — digits read back, queue position — before the call's variables).
 */
export function fillTemplate(text: string, values: Readonly<Record<string, VarValue>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (!Object.hasOwn(values, name)) return whole;
    const value = values[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** How a secret is named: a letter, then letters, digits and _ (at most 64), e.g. COUNCIL_API_KEY. */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** {{secret:NAME}} or {{variable}}, matched in one pass. */
const SECRET_OR_VARIABLE = /\{\{\s*(?:secret:([A-Za-z][A-Za-z0-9_]{0,63})|([A-Za-z_][A-Za-z0-9_.]*))\s*\}\}/g;

/** The secret names a template refers to with {{secret:NAME}}. */
export function templateSecrets(text: string): string[] {
  return [...text.matchAll(SECRET_OR_VARIABLE)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

/**
 * renderTemplate, with {{secret:NAME}} filled from `secrets` in the same single pass: what a variable
 * holds (a caller's words, a web service's answer) is never read again, so it cannot name a secret and
 * have it sent somewhere. `encode` is applied to every value filled in (URL-encoding for a URL).
 */
export function renderWithSecrets(
  text: string,
  vars: Readonly<Record<string, VarValue>>,
  secrets: Readonly<Record<string, string>>,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(SECRET_OR_VARIABLE, (_, secret: string | undefined, name: string | undefined) => {
    if (secret !== undefined) return encode(Object.hasOwn(secrets, secret) ? secrets[secret]! : '');
    const value = Object.hasOwn(vars, name!) ? vars[name!] : undefined;
    return value === undefined || value === null ? '' : encode(String(value));
  });
}
