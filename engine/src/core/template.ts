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
