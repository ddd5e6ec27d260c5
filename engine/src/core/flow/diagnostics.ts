/** A problem found in a flow. The designer shows it on the node; the CLI prints it as file:node:field. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. "entry-missing", "edge-dangling", "param-invalid". */
  code: string;
  /** One sentence a service designer understands. */
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Dotted path inside the node's params (e.g. "options.0.digit") or the flow (e.g. "entry"). */
  field?: string;
  /** The node's outcome (exit) the problem is about, e.g. an unwired "noMatch". */
  outcome?: string;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

/**
 * The codes parseFlow and validateFlow use, with what each means. Codes are stable: tools and tests
 * may rely on them; messages may be reworded.
 */
export const FLOW_DIAGNOSTIC_CODES = {
  'flow-invalid': 'The flow JSON has the wrong shape (a missing or wrongly typed field, an unknown key).',
  'flow-unreadable': 'The flow could not be read at all.',
  'node-kind-unknown': 'A node is of a kind this engine does not know.',
  'node-version-unknown': 'A node names a version of its kind this engine does not know.',
  'param-invalid': "A node's params do not fit its kind (field: the dotted path inside params).",
  'node-duplicate-id': 'Two nodes share an id.',
  'node-unreadable': "A node's exits could not be worked out from its params.",
  'edge-duplicate-id': 'Two edges share an id.',
  'entry-missing': 'The entry names no node.',
  'edge-dangling': 'An edge starts or ends at a node that does not exist (field: from or to).',
  'edge-outcome-unknown': 'An edge follows an exit its node does not have.',
  'edge-outcome-duplicate': "Two edges follow the same exit of a node.",
  'outcome-unwired': 'An exit that needs an edge has none (outcome: the exit).',
  'prompt-missing-language': 'A prompt has no text or recording for a language the flow offers (field: …text.<language>).',
  'language-not-offered': 'A language node switches to a language the flow does not offer.',
  'subflow-unknown': 'A subflow node runs a flow that does not exist.',
  'subflow-recursive': 'A subflow node runs the flow it is in.',
  'schedule-unknown': 'An opening-hours node names a stored schedule that does not exist.',
  'subflow-cycle': "A subflow node runs a flow whose published version leads back to this flow (A runs B, B runs A).",
  'fallback-destination-invalid': "The flow fallback's transfer destination cannot be read.",
  'node-unreachable': 'No path from the entry reaches the node (nor the nodes after it).',
  'loop-without-wait': 'A loop in which no node waits for the caller would spin for ever.',
  'node-loops-on-itself': 'A queue or transfer whose every exit leads back to itself would retry at once, for ever, in silence.',
  'no-way-out': 'Callers who reach the node can never get to a person or a deliberate end of the call.',
  'menu-no-person': 'Warning: a menu offers no way to a person without going through another menu.',
  'variable-never-set': 'Warning: a prompt says a {{variable}} that no node in the flow sets.',
  'prompt-translation-stale':
    "Warning: a prompt's standard text was changed in one language but is still the standard text in another (field: …text.<language> left behind).",
  'secret-unknown': 'A node refers to a {{secret:NAME}} that does not exist (field: where it is written).',
  'credential-in-flow': 'Warning: a header or URL parameter holds what looks like a password or key typed into the flow; use a secret.',
} as const;
