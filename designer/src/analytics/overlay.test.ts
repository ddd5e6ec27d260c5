import { describe, expect, it } from 'vitest';
import type { Edge } from '@xyflow/react';
import { decorateEdges, edgeWidth } from './overlay.js';
import type { FlowAnalytics } from '../reports/report-types.js';

const analytics: FlowAnalytics = {
  flowId: 'main',
  flowVersion: 3,
  fromDay: '2026-03-01',
  toDay: '2026-03-08',
  calls: 100,
  nodes: [
    {
      nodeId: 'menu',
      visits: 120,
      exits: { '1': { taken: 90, calls: 80 }, '2': { taken: 10, calls: 10 } },
      inputs: { noInput: 5, digits: 100, speech: 0, tries: 105 },
      noInputPercent: 4.8,
      noMatchPercent: 0,
      speechPercent: null,
      hangups: 20,
      averageSeconds: 12,
    },
  ],
};
const edges: Edge[] = [
  { id: 'e1', source: 'menu', sourceHandle: '1', target: 'a' },
  { id: 'e2', source: 'menu', sourceHandle: '2', target: 'b' },
  { id: 'e3', source: 'menu', sourceHandle: 'noInput', target: 'c', className: 'edge-tested' },
];

describe('the analytics layer on the canvas', () => {
  it('draws edges as wide as the traffic they carried, labelled with their calls and share of the step’s visits', () => {
    const [busy, quiet, unused] = decorateEdges(edges, analytics);
    expect(busy!.style?.strokeWidth).toBe(14);
    expect(busy!.label).toBe('80 calls · 75 %');
    expect(quiet!.style?.strokeWidth).toBeCloseTo(edgeWidth(10, 90), 10);
    expect(quiet!.label).toBe('10 calls · 8 %');
    // An exit nobody took stays thin, unlabelled and marked; classes the canvas set are kept.
    expect(unused).toMatchObject({ style: { strokeWidth: 1.5 }, className: 'edge-tested edge-no-traffic' });
    expect(unused!.label).toBeUndefined();
  });

  it('widths grow with the square root of traffic, from 1.5 px to 14 px', () => {
    expect(edgeWidth(0, 100)).toBe(1.5);
    expect(edgeWidth(25, 100)).toBeCloseTo(1.5 + 12.5 * 0.5, 10);
    expect(edgeWidth(100, 100)).toBe(14);
  });
});
