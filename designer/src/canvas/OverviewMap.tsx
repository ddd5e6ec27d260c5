import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import type { FlowNode } from '../../../engine/src/core/flow/schema.js';
import { palette } from '../theme.js';
import { nodeSize } from '../store/flow-store.js';

const WIDTH = 200;
const HEIGHT = 150;
const PAD = 8;
const CATEGORY_COLOUR: Record<string, string> = {
  Prompts: palette.catPrompts,
  Input: palette.catInput,
  Logic: palette.catLogic,
  Data: palette.catData,
  Routing: palette.catRouting,
  Payments: palette.catPayments,
  Call: palette.catCall,
};

/**
 * The whole flow in miniature, with the part in view outlined: click or drag on it to look elsewhere.
 * The steps are painted once into a bitmap (again only when the flow changes); a pan moves one outline,
 * so a 500-step flow pans as smoothly as a small one.
 */
export function OverviewMap({ nodes, activeNodeId, hidden }: { nodes: readonly FlowNode[]; activeNodeId: string | undefined; hidden: ReadonlySet<string> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const reactFlow = useReactFlow();
  const [x, y, zoom] = useStore((s) => s.transform);
  const paneWidth = useStore((s) => s.width);
  const paneHeight = useStore((s) => s.height);
  const shown = useMemo(() => nodes.filter((n) => !hidden.has(n.id)), [nodes, hidden]);
  const bounds = useMemo(() => {
    if (shown.length === 0) return { x: 0, y: 0, width: 1, height: 1 };
    const left = Math.min(...shown.map((n) => n.ui.x));
    const top = Math.min(...shown.map((n) => n.ui.y));
    const right = Math.max(...shown.map((n) => n.ui.x + nodeSize(n).width));
    const bottom = Math.max(...shown.map((n) => n.ui.y + nodeSize(n).height));
    return { x: left, y: top, width: right - left, height: bottom - top };
  }, [shown]);
  const scale = Math.min((WIDTH - 2 * PAD) / bounds.width, (HEIGHT - 2 * PAD) / bounds.height);
  const toMap = (fx: number, fy: number) => ({ x: PAD + (fx - bounds.x) * scale, y: PAD + (fy - bounds.y) * scale });

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.current!.width = WIDTH * ratio;
    canvas.current!.height = HEIGHT * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    for (const n of shown) {
      const { width, height } = nodeSize(n);
      const at = toMap(n.ui.x, n.ui.y);
      ctx.fillStyle = n.id === activeNodeId ? palette.active : (CATEGORY_COLOUR[nodeDefinition(n.kind, n.version)?.ui.category ?? ''] ?? palette.border);
      ctx.globalAlpha = n.id === activeNodeId ? 1 : 0.55;
      ctx.fillRect(at.x, at.y, Math.max(2, width * scale), Math.max(2, height * scale));
    }
    ctx.globalAlpha = 1;
  }, [shown, activeNodeId, scale, bounds]);

  // The part of the flow in view, in map coordinates.
  const view = toMap(-x / zoom, -y / zoom);
  const viewWidth = (paneWidth / zoom) * scale;
  const viewHeight = (paneHeight / zoom) * scale;

  const lookAt = (e: PointerEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const fx = bounds.x + (e.clientX - box.left - PAD) / scale;
    const fy = bounds.y + (e.clientY - box.top - PAD) / scale;
    void reactFlow.setCenter(fx, fy, { zoom });
  };
  return (
    <div
      className="overview-map react-flow__minimap"
      role="img"
      aria-label="Minimap: the whole flow, with the part in view outlined"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        lookAt(e);
      }}
      onPointerMove={(e) => e.buttons === 1 && lookAt(e)}
    >
      <canvas ref={canvas} style={{ width: WIDTH, height: HEIGHT }} />
      <div className="overview-map-view" style={{ transform: `translate(${view.x}px, ${view.y}px)`, width: viewWidth, height: viewHeight }} />
    </div>
  );
}
