import {
  Controls,
  ControlButton,
  getViewportForBounds,
  ReactFlow,
  useReactFlow,
  useStore,
  type Viewport,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { nodeSize, type DeleteSummary } from '../store/flow-store.js';
import { Icon } from '../ui/Icon.js';
import { DeleteDialog } from './DeleteDialog.js';
import { collapsedGroups, createEdgeDeriver, createNodeDeriver, zoomedIn, type CanvasNode, type MeasuredSizes } from './derive.js';
import { ExitEdge, RoutingContext, type Routing } from './ExitEdge.js';
import { FlowNodeView } from './FlowNodeView.js';
import { GroupBox, GroupFrame } from './GroupViews.js';
import { autoLayout, NODE_WIDTH } from './layout.js';
import { NameLayer } from './NameLayer.js';
import { OverviewEdges } from './OverviewEdges.js';
import { OverviewMap } from './OverviewMap.js';
import { Palette, PALETTE_MIME } from './Palette.js';
import { useCanvasOverlay } from '../analytics/overlay.js';

const nodeTypes = { flowNode: FlowNodeView, groupFrame: GroupFrame, groupBox: GroupBox };
const edgeTypes = { exit: ExitEdge };
/** Zoomed far out the connections are drawn as one path (OverviewEdges), not one React Flow edge each. */
const NO_EDGES: never[] = [];
/** Edge labels are drawn from this zoom in (further out they would be a haze). */
const readLabels = (s: { transform: [number, number, number] }) => s.transform[2] >= 0.8;
/** Edges are routed around nodes from this zoom in (where few enough are in view to route them all at once). */
const routeEdges = (s: { transform: [number, number, number] }) => s.transform[2] >= 0.6;
/** Is this spot covered by the minimap or the zoom buttons (a drop there lands in view instead)? */
const overCanvasControls = (target: EventTarget | null) => target instanceof Element && target.closest('.react-flow__minimap, .react-flow__controls') !== null;

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

/** The canvas with its palette: React Flow drawing the store's flow document. */
export function FlowCanvas({ onlyRenderVisible = true, paletteOpen = true }: { onlyRenderVisible?: boolean; paletteOpen?: boolean }) {
  const store = useFlowStoreApi();
  const flow = useFlowStore((s) => s.flow);
  const selection = useFlowStore((s) => s.selection);
  const diagnostics = useFlowStore((s) => s.diagnostics);
  const activeNodeId = useFlowStore((s) => s.activeNodeId);
  const visitedNodeIds = useFlowStore((s) => s.visitedNodeIds);
  const diffMarks = useFlowStore((s) => s.diffMarks);
  const coveredEdgeIds = useFlowStore((s) => s.coveredEdgeIds);
  const readOnly = useFlowStore((s) => s.readOnly);
  const reveal = useFlowStore((s) => s.reveal);
  const selectedCount = useFlowStore((s) => s.selection.nodes.length);
  const reactFlow = useReactFlow();
  const [dragging, setDragging] = useState(false);
  const labels = useStore(readLabels);
  const wrapper = useRef<HTMLDivElement>(null);
  const measured = useRef<MeasuredSizes>(new Map());
  const [measuredVersion, setMeasuredVersion] = useState(0);
  const measureFrame = useRef<number | undefined>(undefined);
  const [pendingDelete, setPendingDelete] = useState<DeleteSummary>();
  const zoomedInNow = useStore(zoomedIn);
  const routeNow = useStore(routeEdges);
  // Until React Flow has taken the opening viewport its store says 100 %: judge the first draw by the opening zoom,
  // or a large flow would first be drawn in full detail (every edge routed) only to be redrawn zoomed out.
  const [viewportReady, setViewportReady] = useState(false);
  // The whole flow in view from the first frame (an empty canvas at 100 %, so the first node lands where it is
  // dropped): worked out from the canvas size before React Flow draws, so it never draws at the wrong zoom first.
  const [opening, setOpening] = useState<Viewport>();
  const openingZoom = opening?.zoom ?? 1;
  const detailed = viewportReady ? zoomedInNow : openingZoom >= 0.45;
  useLayoutEffect(() => {
    const box = wrapper.current?.getBoundingClientRect();
    const flowNodes = store.getState().flow.nodes;
    if (!box || flowNodes.length === 0 || box.width === 0 || box.height === 0) return setOpening({ x: 0, y: 0, zoom: 1 });
    const xs = flowNodes.map((n) => n.ui.x);
    const ys = flowNodes.map((n) => n.ui.y);
    const right = Math.max(...flowNodes.map((n) => n.ui.x + nodeSize(n).width));
    const bottom = Math.max(...flowNodes.map((n) => n.ui.y + nodeSize(n).height));
    const bounds = { x: Math.min(...xs), y: Math.min(...ys), width: right - Math.min(...xs), height: bottom - Math.min(...ys) };
    setOpening(getViewportForBounds(bounds, box.width, box.height, 0.1, 1, 0.1));
  }, [store]);

  const deriveNodes = useMemo(createNodeDeriver, []);
  const deriveEdges = useMemo(createEdgeDeriver, []);
  const inputs = { flow, selection, diagnostics, activeNodeId, visitedNodeIds, diffMarks, coveredEdgeIds };
  const nodes = useMemo(() => deriveNodes(inputs, measured.current, detailed), [flow, selection, diagnostics, activeNodeId, visitedNodeIds, diffMarks, measuredVersion, detailed]);
  const derivedEdges = useMemo(() => deriveEdges(inputs), [flow, selection, coveredEdgeIds]);
  // Layers drawn over the flow (analytics) decorate the edges and add their own elements; the canvas knows nothing more of them.
  const overlay = useCanvasOverlay();
  const edges = useMemo(() => (overlay ? overlay.decorate(derivedEdges) : derivedEdges), [overlay, derivedEdges]);
  const hidden = useMemo(() => new Set(collapsedGroups(flow).keys()), [flow]);
  const groupNodes = useMemo(() => nodes.filter((n) => n.type !== 'flowNode'), [flow, detailed]);
  const boxes = useMemo(() => flow.nodes.filter((n) => !hidden.has(n.id)).map((n) => ({ x: n.ui.x, y: n.ui.y, ...nodeSize(n) })), [flow.nodes, hidden]);
  const routing: Routing = useMemo(
    () => ({ boxes, route: viewportReady && routeNow && !dragging, labels: viewportReady && labels && !dragging }),
    [boxes, viewportReady, routeNow, dragging, labels],
  );
  const withProblems = useMemo(() => new Set(diagnostics.filter((d) => d.severity === 'error' && d.nodeId).map((d) => d.nodeId!)), [diagnostics]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const positions: Record<string, { x: number; y: number }> = {};
      let dragging = false;
      let selectionChanged = false;
      const selected = new Set(store.getState().selection.nodes);
      let sizesChanged = false;
      for (const c of changes) {
        // Groups are drawn from their members: nothing of theirs is stored.
        if ('id' in c && c.id.startsWith('group ')) continue;
        if (c.type === 'position' && c.position) {
          positions[c.id] = c.position;
          dragging ||= c.dragging ?? false;
        } else if (c.type === 'select') {
          selectionChanged = true;
          if (c.selected) selected.add(c.id);
          else selected.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          measured.current.set(c.id, c.dimensions);
          sizesChanged = true;
        }
      }
      if (Object.keys(positions).length > 0) {
        store.getState().moveNodes(positions, dragging);
        setDragging(dragging);
      }
      if (selectionChanged) store.getState().select([...selected], store.getState().selection.edges);
      // React Flow measures nodes as they mount, a batch at a time: hand the sizes back once a frame, not per batch.
      if (sizesChanged && measureFrame.current === undefined) {
        measureFrame.current = requestAnimationFrame(() => {
          measureFrame.current = undefined;
          setMeasuredVersion((v) => v + 1);
        });
      }
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selected = new Set(store.getState().selection.edges);
      let changed = false;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        changed = true;
        if (c.selected) selected.add(c.id);
        else selected.delete(c.id);
      }
      if (changed) store.getState().select(store.getState().selection.nodes, [...selected]);
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle) store.getState().connect(c.source, c.sourceHandle, c.target);
    },
    [store],
  );

  const addAtCentre = useCallback(
    (kind: string) => {
      const box = wrapper.current?.getBoundingClientRect();
      const centre = reactFlow.screenToFlowPosition({
        x: (box?.left ?? 0) + (box?.width ?? 800) / 2,
        y: (box?.top ?? 0) + (box?.height ?? 600) / 2,
      });
      store.getState().addNode(kind, { x: centre.x - NODE_WIDTH / 2, y: centre.y - 40 });
    },
    [reactFlow, store],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(PALETTE_MIME);
      if (!kind) return;
      e.preventDefault();
      // Dropped on the minimap or the zoom buttons, it would hide underneath them: it goes in the middle of the view.
      if (overCanvasControls(e.target)) return addAtCentre(kind);
      const at = reactFlow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // A free spot near the drop, never on top of another node (the store looks for one).
      store.getState().addNode(kind, { x: at.x - NODE_WIDTH / 2, y: at.y - 20 });
    },
    [reactFlow, store, addAtCentre],
  );

  const askDelete = useCallback(() => {
    const summary = store.getState().deleteSummary();
    if (summary.nodes.length === 0 && summary.edges.length === 0) return;
    // Removing only edges breaks nothing a designer cannot see at once; nodes get a confirmation.
    if (summary.nodes.length === 0) store.getState().deleteSelection();
    else setPendingDelete(summary);
  }, [store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || pendingDelete) return;
      const s = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 'z' && !e.shiftKey) s.undo();
      else if (mod && (key === 'y' || (key === 'z' && e.shiftKey))) s.redo();
      else if (mod && key === 'c') s.copySelection();
      else if (mod && key === 'v') s.paste();
      else if (mod && key === 's') void s.save();
      else if (mod && key === 'a') s.select(s.flow.nodes.map((n) => n.id));
      else if (mod && key === 'g') s.groupSelection();
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) askDelete();
      else return;
      e.preventDefault();
    };
    const onMenuDelete = () => askDelete();
    window.addEventListener('keydown', onKey);
    window.addEventListener('frontdoor:delete-selection', onMenuDelete);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('frontdoor:delete-selection', onMenuDelete);
    };
  }, [store, askDelete, pendingDelete]);

  // A clicked problem, transcript line or search result (or the test call's step) brings its node into view:
  // centred if it is off screen, zoomed in far enough to read when the canvas is zoomed far out.
  useEffect(() => {
    const state = store.getState();
    const node = reveal && state.flow.nodes.find((n) => n.id === reveal.nodeId);
    if (!node) return;
    const group = collapsedGroups(state.flow).get(node.id);
    if (group) state.toggleGroup(group.id);
    // Measuring forces a layout of the whole canvas: only when there is a node to bring into view.
    const box = wrapper.current?.getBoundingClientRect();
    if (!box) return;
    const { width, height } = nodeSize(node);
    const topLeft = reactFlow.flowToScreenPosition(node.ui);
    const bottomRight = reactFlow.flowToScreenPosition({ x: node.ui.x + width, y: node.ui.y + height });
    const inView = topLeft.x >= box.left && topLeft.y >= box.top && bottomRight.x <= box.right && bottomRight.y <= box.bottom;
    const zoom = Math.max(reactFlow.getZoom(), 0.85);
    if (!inView || zoom !== reactFlow.getZoom()) void reactFlow.setCenter(node.ui.x + width / 2, node.ui.y + height / 2, { zoom, duration: 250 });
  }, [reveal, reactFlow, store]);

  const layout = () => {
    store.getState().replaceFlow(autoLayout(store.getState().flow));
    requestAnimationFrame(() => void reactFlow.fitView({ duration: 200 }));
  };

  return (
    <div className="canvas-area">
      {paletteOpen && <Palette onAdd={addAtCentre} disabled={readOnly} />}
      <div className="canvas" ref={wrapper} onDrop={onDrop} onDragOver={(e) => e.preventDefault()} aria-label="Flow canvas">
        {selectedCount > 1 && !readOnly && (
          <div className="selection-bar" role="toolbar" aria-label="Selected steps">
            <span>{selectedCount} steps selected</span>
            <button type="button" onClick={() => store.getState().groupSelection()} title="Group (Ctrl+G)">
              <Icon name="group" size={14} /> Group
            </button>
          </div>
        )}
        {opening && (
        <RoutingContext.Provider value={routing}>
        <ReactFlow<CanvasNode>
          nodes={nodes}
          edges={detailed ? edges : NO_EDGES}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onPaneClick={() => store.getState().select([])}
          onNodeClick={(_, n) => n.type === 'flowNode' && window.dispatchEvent(new CustomEvent('frontdoor:node-clicked'))}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          deleteKeyCode={null}
          defaultViewport={opening}
          minZoom={0.1}
          onlyRenderVisibleElements={onlyRenderVisible}
          onInit={() => setViewportReady(true)}
          proOptions={{ hideAttribution: true }}
        >
          {/* No dot grid: with software rendering its repaint on every frame of a pan costs a fifth of the frame rate. */}
          {overlay?.layer}
          <OverviewMap nodes={flow.nodes} activeNodeId={activeNodeId} hidden={hidden} />
          <Controls aria-label="Canvas controls" showInteractive={false}>
            {!readOnly && (
              <ControlButton onClick={layout} aria-label="Auto-layout" title="Auto-layout">
                ⇅
              </ControlButton>
            )}
          </Controls>
          {!detailed && <OverviewEdges flow={flow} groups={groupNodes} edges={edges} />}
          {!detailed && <NameLayer nodes={flow.nodes} entry={flow.entry} priority={withProblems} hidden={hidden} />}
        </ReactFlow>
        </RoutingContext.Provider>
        )}
      </div>
      {pendingDelete && (
        <DeleteDialog
          summary={pendingDelete}
          onCancel={() => setPendingDelete(undefined)}
          onConfirm={() => {
            store.getState().deleteSelection();
            setPendingDelete(undefined);
          }}
        />
      )}
    </div>
  );
}
