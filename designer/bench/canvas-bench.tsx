/**
 * The designer's canvas alone, opened on a generated flow, for bench/designer-canvas.ts:
 * ?nodes=500 sets the size. Sets window.canvasReady (ms since navigation) once every node in view
 * is drawn and the page is idle again.
 */
import '@xyflow/react/dist/style.css';
import '../src/styles.css';
import { ReactFlowProvider } from '@xyflow/react';
import { createRoot } from 'react-dom/client';
import { FlowCanvas } from '../src/canvas/FlowCanvas.js';
import { FlowStoreProvider } from '../src/store/context.js';
import { createFlowStore } from '../src/store/flow-store.js';
import { applyPalette } from '../src/theme.js';
import { generateFlow } from './generate-flow.js';

declare global {
  interface Window {
    canvasReady?: number;
    nodeCount?: number;
  }
}

performance.mark('script');
const params = new URLSearchParams(location.search);
const flow = generateFlow(Number(params.get('nodes') ?? 500));
const store = createFlowStore({ flowId: flow.id, flow, revision: 1 });
window.nodeCount = flow.nodes.length;
performance.mark('store');
applyPalette(document.documentElement);
createRoot(document.getElementById('root')!).render(
  <FlowStoreProvider store={store}>
    <ReactFlowProvider>
      <FlowCanvas onlyRenderVisible={params.get('visibleOnly') !== '0'} />
    </ReactFlowProvider>
  </FlowStoreProvider>,
);

function waitForDrawn() {
  const drawn = [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
  if (drawn.length > 0 && drawn.every((n) => n.style.visibility !== 'hidden')) {
    requestAnimationFrame(() => setTimeout(() => (window.canvasReady = performance.now()), 0));
  } else requestAnimationFrame(waitForDrawn);
}
requestAnimationFrame(waitForDrawn);
