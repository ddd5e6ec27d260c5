import { z } from 'zod';
import type { SecretSource, VarValue } from '../../../ports/index.js';
import { EngineError } from '../../engine-error.js';
import { renderWithSecrets, templateSecrets } from '../../template.js';
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

/** Headers that carry credentials, and the URL query parameters that do. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|ocp-apim-subscription-key)$/i;
const CREDENTIAL_QUERY = /^(api[_-]?key|key|token|access[_-]?token|secret|password|passwd|pwd|auth)$/i;

/** A value typed in as it is (not a {{secret:…}} or {{variable}}) long enough to be a credential. */
function literalCredential(value: string): boolean {
  const literal = value.replace(/\{\{[^}]*\}\}/g, '').replace(/^\s*(bearer|basic|token|apikey|digest)\b/i, '').trim();
  return literal.length >= 8;
}

export const REDACTED = '[redacted]';

/**
 * A flow's JSON with every credential typed into an http node (a credential header's value, a
 * credential URL parameter) replaced by "[redacted]": what the audit log keeps and viewers see.
 * {{secret:NAME}} references are names, not values, and stay. Anything that is not a flow comes back as it is.
 */
export function redactCredentials<T>(flowJson: T): T {
  const nodes = (flowJson as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return flowJson;
  const redactNode = (node: unknown): unknown => {
    const { kind, params } = (node ?? {}) as { kind?: unknown; params?: { url?: unknown; headers?: unknown } };
    if (kind !== 'http' || typeof params !== 'object' || params === null) return node;
    const headers =
      typeof params.headers === 'object' && params.headers !== null
        ? Object.fromEntries(
            Object.entries(params.headers as Record<string, unknown>).map(([name, value]) => [
              name,
              typeof value === 'string' && CREDENTIAL_HEADER.test(name) && literalCredential(value) ? REDACTED : value,
            ]),
          )
        : params.headers;
    let url = params.url;
    if (typeof url === 'string' && URL.canParse(url)) {
      const parsed = new URL(url);
      const secretParams = [...parsed.searchParams].filter(([key, value]) => CREDENTIAL_QUERY.test(key) && literalCredential(value));
      if (secretParams.length > 0) {
        for (const [key] of secretParams) parsed.searchParams.set(key, REDACTED);
        url = parsed.toString();
      }
    }
    return { ...(node as object), params: { ...params, url, headers } };
  };
  return { ...flowJson, nodes: nodes.map(redactNode) };
}

/** Reveal every secret the node names; a name with no secret is a fault the flow's error handling takes. */
async function revealSecrets(names: readonly string[], source: SecretSource | undefined, nodeId: string): Promise<Record<string, string>> {
  const revealed: Record<string, string> = {};
  for (const name of new Set(names)) {
    if (!source) throw new EngineError('secrets-unavailable', 'this engine has no secrets store, so {{secret:…}} cannot be filled in', nodeId);
    const value = await source.reveal(name);
    if (value === undefined) throw new EngineError('secret-missing', `there is no secret called "${name}" (add it on the Secrets screen)`, nodeId);
    revealed[name] = value;
  }
  return revealed;
}

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
      .describe('Address; {{variables}} and {{secret:NAME}} are filled in (URL-encoded)'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(2000).describe('{{variables}} and {{secret:NAME}} are filled in'))
      .default({})
      .describe('Request headers; {{variables}} are filled in; put keys and passwords in a secret and write {{secret:NAME}}'),
    body: z.string().max(10_000).optional().describe('Request body; {{variables}} and {{secret:NAME}} are filled in'),
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
    secrets: (p) => [
      ...templateSecrets(p.url).map((name) => ({ name, field: 'url' })),
      ...Object.entries(p.headers).flatMap(([header, value]) => templateSecrets(value).map((name) => ({ name, field: `headers.${header}` }))),
      ...(p.body === undefined ? [] : templateSecrets(p.body).map((name) => ({ name, field: 'body' }))),
    ],
    checks: (p) => {
      const query = URL.canParse(p.url) ? [...new URL(p.url).searchParams] : [];
      return [
        ...Object.entries(p.headers).filter(([header, value]) => CREDENTIAL_HEADER.test(header) && literalCredential(value)).map(([header]) => ({ where: `headers.${header}`, what: `header ${header}` })),
        ...query.filter(([key, value]) => CREDENTIAL_QUERY.test(key) && literalCredential(value)).map(([key]) => ({ where: 'url', what: `URL parameter ${key}` })),
      ].map(({ where, what }) => ({
        severity: 'warning' as const,
        code: 'credential-in-flow',
        message: `The ${what} looks like a password or key typed into the flow, where anyone who can see or export the flow can read it: keep it as a secret and write {{secret:NAME}}`,
        field: where,
      }));
    },
  },
  async run({ params, vars, http, secrets, nodeId, signal }) {
    const { url, headers, body } = params;
    const names = [...templateSecrets(url), ...Object.values(headers).flatMap(templateSecrets), ...(body === undefined ? [] : templateSecrets(body))];
    const revealed = await revealSecrets(names, secrets, nodeId);
    const response = await http.request({
      method: params.method,
      url: renderWithSecrets(url, vars, revealed, encodeURIComponent),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, renderWithSecrets(v, vars, revealed)])),
      ...(body === undefined ? {} : { body: renderWithSecrets(body, vars, revealed) }),
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
