/** A param value as one short line on the canvas. */
export function summarise(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') {
    const prompt = value as { text?: Record<string, string>; promptId?: string };
    if (prompt.text && typeof prompt.text === 'object') {
      const first = Object.values(prompt.text).find((t) => t.trim() !== '');
      return first ? `“${first}”` : prompt.promptId ? `prompt ${prompt.promptId}` : '—';
    }
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? '…' : String(v)}`)
      .join(', ');
  }
  return String(value);
}
