import type { CallSummary, FlowSummary } from '../api/client.js';

/** "Wed 25 Nov 2026, 10:04". */
export const when = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** Seconds as "1:05" (or "1:02:05"). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** How long the call lasted, or that it is still going. */
export const callLength = (c: Pick<CallSummary, 'startedAt' | 'endedAt'>): string =>
  c.endedAt ? clock((Date.parse(c.endedAt) - Date.parse(c.startedAt)) / 1000) : 'in progress';

/** The flow by name, with the version the call ran on ("draft" for a test call of the draft). */
export function flowLabel(c: Pick<CallSummary, 'flowId' | 'flowVersion' | 'kind'>, flows: readonly FlowSummary[]): string {
  if (!c.flowId) return '—';
  const name = flows.find((f) => f.id === c.flowId)?.name ?? c.flowId;
  return `${name} · ${c.flowVersion !== undefined ? `version ${c.flowVersion}` : 'draft'}`;
}

export function ResultBadge({ result }: { result: CallSummary['result'] }) {
  return <span className={`result result-${result.kind}`}>{result.text}</span>;
}
