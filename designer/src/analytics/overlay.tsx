/**
 * Flow analytics drawn over the canvas as a layer of its own: edges as wide as the traffic they carried,
 * labelled with their calls, and a badge over each node (calls, hang-ups, silences and wrong answers, words
 * vs keys, time spent). The canvas plugs it in with `useCanvasOverlay()`: it decorates the edges it derived
 * and renders `layer` inside React Flow; nothing else of the canvas knows about analytics.
 */
import { Panel, ViewportPortal, type Edge } from '@xyflow/react';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useFlowStore } from '../store/context.js';
import type { FlowAnalytics, NodeAnalytics } from '../reports/report-types.js';
import { duration } from '../reports/format.js';

interface AnalyticsState {
  analytics: FlowAnalytics | undefined;
  show(analytics: FlowAnalytics | undefined): void;
}

const AnalyticsContext = createContext<AnalyticsState>({ analytics: undefined, show: () => undefined });

export function AnalyticsProvider({ children }: { children: ReactNode }) {
  const [analytics, show] = useState<FlowAnalytics>();
  const value = useMemo(() => ({ analytics, show }), [analytics]);
  return <AnalyticsContext.Provider value={value}>{children}</AnalyticsContext.Provider>;
}

export const useAnalytics = () => useContext(AnalyticsContext);

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0);
/** Stroke width for an edge that carried `taken` of the busiest edge's `most`: 1.5 px for none, up to 14 px. */
export const edgeWidth = (taken: number, most: number) => (most > 0 && taken > 0 ? 1.5 + 12.5 * Math.sqrt(taken / most) : 1.5);

/** Edges with widths and labels from the analytics (edges no call took stay thin and grey). */
export function decorateEdges(edges: readonly Edge[], analytics: FlowAnalytics): Edge[] {
  const nodes = new Map(analytics.nodes.map((n) => [n.nodeId, n]));
  const most = Math.max(0, ...analytics.nodes.flatMap((n) => Object.values(n.exits).map((e) => e.taken)));
  return edges.map((edge) => {
    const node = nodes.get(edge.source);
    const exit = node?.exits[edge.sourceHandle ?? ''];
    const taken = exit?.taken ?? 0;
    return {
      ...edge,
      className: [edge.className, taken > 0 ? 'edge-traffic' : 'edge-no-traffic'].filter(Boolean).join(' '),
      style: { ...edge.style, strokeWidth: edgeWidth(taken, most) },
      // Exits nobody took stay unlabelled, so the ones callers use stand out.
      ...(taken > 0 ? { label: `${exit?.calls ?? 0} calls · ${node && node.visits > 0 ? pct(taken, node.visits) : 0} %` } : {}),
      labelBgPadding: [4, 2] as [number, number],
      labelBgBorderRadius: 3,
      ariaLabel: `${edge.ariaLabel ?? edge.id}: taken ${taken} times by ${exit?.calls ?? 0} calls`,
    };
  });
}

function NodeBadge({ stats }: { stats: NodeAnalytics }) {
  const asked = stats.inputs.tries > 0;
  return (
    <div className="analytics-badge" role="note" aria-label={`Analytics for ${stats.nodeId}`}>
      <b>{stats.visits}</b> calls · {duration(stats.averageSeconds)}
      {stats.hangups > 0 && <span className="analytics-hangups"> · {stats.hangups} hung up</span>}
      {asked && (
        <span className="analytics-inputs">
          <br />
          silent {stats.noInputPercent ?? 0} % · wrong {stats.noMatchPercent ?? 0} %
          {stats.speechPercent !== null && ` · spoke ${stats.speechPercent} %`}
        </span>
      )}
    </div>
  );
}

function AnalyticsLayer({ analytics }: { analytics: FlowAnalytics }) {
  const nodes = useFlowStore((s) => s.flow.nodes);
  const byId = new Map(analytics.nodes.map((n) => [n.nodeId, n]));
  return (
    <>
      <ViewportPortal>
        {nodes.map((node) => {
          const stats = byId.get(node.id);
          if (!stats) return null;
          return (
            <div key={node.id} className="analytics-badge-anchor" style={{ transform: `translate(${node.ui.x}px, ${node.ui.y - 46}px)` }}>
              <NodeBadge stats={stats} />
            </div>
          );
        })}
      </ViewportPortal>
      <Panel position="top-left" className="analytics-legend" aria-label="Analytics shown">
        Version {analytics.flowVersion} · {analytics.fromDay} to {analytics.toDay} (Europe/London) · {analytics.calls} calls. Edge width: calls that took it.
      </Panel>
    </>
  );
}

/** What the canvas needs to draw analytics: undefined while none are shown. */
export function useCanvasOverlay(): { decorate(edges: Edge[]): Edge[]; layer: ReactNode } | undefined {
  const { analytics } = useAnalytics();
  return useMemo(
    () => (analytics ? { decorate: (edges: Edge[]) => decorateEdges(edges, analytics), layer: <AnalyticsLayer analytics={analytics} /> } : undefined),
    [analytics],
  );
}
