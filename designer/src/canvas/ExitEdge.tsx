import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo } from 'react';
import type { ExitEdgeData } from './derive.js';
import { roundedPath, routeAround, type Box, type Point } from './route.js';

/** The nodes edges are routed around; `route` is off while zoomed far out or while something is being dragged. */
export interface Routing {
  boxes: readonly Box[];
  route: boolean;
  /** Edge labels drawn (zoomed in far enough to read them). */
  labels: boolean;
}
export const RoutingContext = createContext<Routing>({ boxes: [], route: false, labels: false });

/** Halfway along a path of corner points, and whether that piece runs across (for placing a label). */
function middle(points: readonly Point[]): Point {
  const lengths = points.slice(1).map((p, k) => Math.abs(p.x - points[k]!.x) + Math.abs(p.y - points[k]!.y));
  let left = lengths.reduce((a, b) => a + b, 0) / 2;
  for (let k = 0; k < lengths.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    if (left <= lengths[k]!) {
      const t = lengths[k]! === 0 ? 0 : left / lengths[k]!;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    left -= lengths[k]!;
  }
  return points.at(-1)!;
}

/**
 * An edge following one exit: routed around the nodes in its way with right angles (a smooth step when
 * zoomed out or dragging), labelled with the exit it follows ("1: Highways", "No input").
 */
export const ExitEdge = memo(function ExitEdge(props: EdgeProps<Edge<ExitEdgeData>>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, style, selected } = props;
  const { boxes, route, labels } = useContext(RoutingContext);
  const drawn = useMemo(() => {
    const points = route ? routeAround({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, boxes) : undefined;
    if (points) {
      const mid = middle(points);
      return { path: roundedPath(points), labelX: mid.x, labelY: mid.y };
    }
    const [path, labelX, labelY] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 8, offset: 18 });
    return { path, labelX, labelY };
  }, [sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, boxes, route]);
  return (
    <>
      <BaseEdge id={id} path={drawn.path} markerEnd={markerEnd} style={style} interactionWidth={14} />
      {labels && data?.label && (
        <EdgeLabelRenderer>
          <div className={`edge-label${selected ? ' is-selected' : ''}`} style={{ transform: `translate(-50%, -50%) translate(${drawn.labelX}px, ${drawn.labelY}px)` }}>
            {data.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
