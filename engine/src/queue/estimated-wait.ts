import type { QueueFigures } from '../ports/acd.js';

/**
 * Expected wait for the caller at `position`: the callers ahead of them and they themselves each take
 * an agent for a recent mean handle time (talk + wrap-up), and the agents staffed now serve them side by
 * side — position × mean handle ÷ agents staffed. Undefined when nobody is staffed or the queue has no
 * recent calls to go by (a caller is then not told a made-up time).
 */
export function estimatedWaitMs(position: number, figures: Pick<QueueFigures, 'staffed' | 'meanHandleSeconds' | 'available'>): number | undefined {
  if (figures.staffed === 0 || figures.meanHandleSeconds === undefined) return undefined;
  // Agents free now take the first callers at once.
  const ahead = Math.max(0, position - figures.available);
  return Math.round((ahead * figures.meanHandleSeconds * 1000) / figures.staffed);
}
