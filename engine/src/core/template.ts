import type { VarValue } from '../ports/index.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** Replace {{name}} with the variable's value; unknown names become empty. Nothing is evaluated. */
export function renderTemplate(text: string, vars: Readonly<Record<string, VarValue>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** The variable names a template refers to. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}
