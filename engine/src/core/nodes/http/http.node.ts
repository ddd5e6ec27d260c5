import { z } from 'zod';
import type { VarValue } from '../../../ports/index.js';
import { renderTemplate } from '../../template.js';
import { durationSeconds, ms, msToSeconds, variableName } from '../common-params.js';
import { defineNode } from '../define-node.js';

/** A path into a JSON response: "account.balance", "items[0].amount" or "items.0.amount". */
const jsonPath = z
  .string()
  .regex(/^\$?\.?[A-Za-z0-9_-]+(\[\d+\]|\.[A-Za-z0-9_-]+)*$/, 'must be a path like account.balance or items[0].amount');

/** The value at a path in parsed JSON: text, numbers, true/false kept; objects as JSON; missing as null. */
export function valueAt(json: unknown, path: string): VarValue {
  const steps = path.replace(/^\$\.?/, '').replace(/^\./, '').replace(/\[(\d+)\]/g, '.$1').split('.');
  let here: unknown = json;
  for (const step of steps) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, step)) return null;
    here = (here as Record<string, unknown>)[step];
  }
  if (here === null || typeof here === 'string' || typeof here === 'number' || typeof here === 'boolean') return here;
  return JSON.stringify(here);
}

const encoded = (vars: Readonly<Record<string, VarValue>>): Record<string, VarValue> =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v === null ? null : encodeURIComponent(String(v))]));

export const httpNode = defineNode({
  kind: 'http',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ timeoutMs: 'timeoutSeconds' }) }],
  params: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method'),
    url: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/[^\s{}]+/, 'must start with http:// or https:// and a host')
      .describe('Address; {{variables}} are filled in (URL-encoded)'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(2000)).default({}).describe('Request headers; {{variables}} are filled in'),
    body: z.string().max(10_000).optional().describe('Request body; {{variables}} are filled in'),
    timeoutSeconds: durationSeconds('Give up after (seconds)', 'How long to wait for the answer before the timeout exit', 3, 0.1, 30),
    responseMap: z
      .record(variableName, jsonPath)
      .default({})
      .describe('Variables set from the JSON response: variable → path (e.g. amountPence → account.balance)'),
    statusVariable: variableName.optional().describe('Variable that holds the HTTP status'),
  }),
  outcomes: () => [
    { name: 'ok', label: 'OK', description: 'A 2xx response (with a JSON body when fields are mapped)' },
    { name: 'error', label: 'Error', description: 'Another status, an unreachable server or a body that is not JSON' },
    { name: 'timeout', label: 'Timeout' },
  ],
  ui: {
    label: 'Data dip (HTTP)',
    category: 'Data',
    icon: 'globe',
    help: 'Call a web service (e.g. look up a reference) and store fields of its JSON answer in variables.',
    summary: ['method', 'url'],
  },
  traits: {
    waitsForCaller: () => false,
    prompts: () => [],
    sets: (p) => [...Object.keys(p.responseMap), ...(p.statusVariable ? [p.statusVariable] : [])],
  },
  async run({ params, vars, http, signal }) {
    const response = await http.request({
      method: params.method,
      url: renderTemplate(params.url, encoded(vars)),
      headers: Object.fromEntries(Object.entries(params.headers).map(([k, v]) => [k, renderTemplate(v, vars)])),
      ...(params.body === undefined ? {} : { body: renderTemplate(params.body, vars) }),
      timeoutMs: ms(params.timeoutSeconds),
      signal,
    });
    if (response.kind === 'timeout') return { outcome: 'timeout' };
    if (response.kind === 'unreachable') return { outcome: 'error' };
    const status: Record<string, VarValue> = params.statusVariable ? { [params.statusVariable]: response.status } : {};
    if (response.status < 200 || response.status > 299) return { outcome: 'error', set: status };
    const mapped = Object.entries(params.responseMap);
    if (mapped.length === 0) return { outcome: 'ok', set: status };
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      return { outcome: 'error', set: status };
    }
    return { outcome: 'ok', set: { ...status, ...Object.fromEntries(mapped.map(([name, path]) => [name, valueAt(json, path)])) } };
  },
});
