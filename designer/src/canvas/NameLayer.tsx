import { useStore } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { nodeName } from '../../../engine/src/core/flow/names.js';
import type { FlowNode } from '../../../engine/src/core/flow/schema.js';
import { nodeSize } from '../store/flow-store.js';

/** Screen pixels a name may take, and the text size it is drawn at (as on a map: the same at every zoom). */
const LABEL = { maxWidth: 150, lineHeight: 15, charWidth: 6.6, padding: 6 };

interface Placed {
  id: string;
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  entry: boolean;
}

/**
 * Names drawn as on a map: a readable size whatever the zoom, one per node, dropping those that would
 * overlap (the call's start and steps with problems first). Laid out when the zoom or the flow changes;
 * panning only moves the layer, so a pan repaints one element.
 */
export function placeNames(nodes: readonly FlowNode[], zoom: number, entry: string, priority: ReadonlySet<string>, hidden: ReadonlySet<string>): Placed[] {
  const candidates = nodes
    .filter((n) => !hidden.has(n.id))
    .map((n) => {
      const text = nodeName(n);
      const { width, height } = nodeSize(n);
      const lines = Math.min(2, Math.ceil((text.length * LABEL.charWidth) / LABEL.maxWidth));
      const w = Math.min(LABEL.maxWidth, text.length * LABEL.charWidth) + LABEL.padding * 2;
      const h = lines * LABEL.lineHeight + 4;
      return { id: n.id, text, x: (n.ui.x + width / 2) * zoom, y: (n.ui.y + height / 2) * zoom, width: w, height: h, entry: n.id === entry };
    })
    .sort((a, b) => Number(b.entry) - Number(a.entry) || Number(priority.has(b.id)) - Number(priority.has(a.id)));
  const placed: Placed[] = [];
  for (const c of candidates) {
    const clear = placed.every((p) => Math.abs(p.x - c.x) * 2 >= p.width + c.width || Math.abs(p.y - c.y) * 2 >= p.height + c.height);
    if (clear) placed.push(c);
  }
  return placed;
}

const Names = memo(function Names({ placed }: { placed: Placed[] }) {
  return (
    <>
      {placed.map((p) => (
        <div key={p.id} className={`name-label${p.entry ? ' is-entry' : ''}`} data-name-for={p.id} style={{ transform: `translate(${p.x}px, ${p.y}px) translate(-50%, -50%)`, maxWidth: LABEL.maxWidth }}>
          {p.text}
        </div>
      ))}
    </>
  );
});

/** The layer of names over a zoomed-out canvas. */
export function NameLayer({ nodes, entry, priority, hidden }: { nodes: readonly FlowNode[]; entry: string; priority: ReadonlySet<string>; hidden: ReadonlySet<string> }) {
  const x = useStore((s) => s.transform[0]);
  const y = useStore((s) => s.transform[1]);
  const zoom = useStore((s) => s.transform[2]);
  const placed = useMemo(() => placeNames(nodes, zoom, entry, priority, hidden), [nodes, zoom, entry, priority, hidden]);
  return (
    <div className="name-layer" aria-hidden="true">
      <div className="name-layer-inner" style={{ transform: `translate(${x}px, ${y}px)` }}>
        <Names placed={placed} />
      </div>
    </div>
  );
}
