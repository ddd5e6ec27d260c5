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
