import { describe, expect, it } from 'vitest';
import { roundedPath, routeAround, simplify, type Box, type Point } from './route.js';

/** Does any segment of the path pass through a node (not counting the ones it starts and ends at)? */
function hits(path: Point[], box: Box): boolean {
  for (let k = 1; k < path.length; k++) {
    const a = path[k - 1]!;
    const b = path[k]!;
    const steps = 50;
    for (let s = 1; s < steps; s++) {
      const x = a.x + ((b.x - a.x) * s) / steps;
      const y = a.y + ((b.y - a.y) * s) / steps;
      if (x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height) return true;
    }
  }
  return false;
}
const orthogonal = (path: Point[]) => path.every((p, k) => k === 0 || p.x === path[k - 1]!.x || p.y === path[k - 1]!.y);

describe('edges routed around nodes', () => {
  const source: Box = { x: 0, y: 0, width: 220, height: 110 };
  const target: Box = { x: 0, y: 500, width: 220, height: 110 };
  const start = { x: 110, y: 110 };
  const end = { x: 110, y: 500 };

  it('goes straight down when nothing is in the way', () => {
    expect(routeAround(start, end, [source, target])).toEqual([start, end]);
  });

  it('goes round a node in the way, with right angles only, and crosses nothing', () => {
    const between: Box = { x: 20, y: 250, width: 220, height: 110 };
    const path = routeAround(start, end, [source, between, target])!;
    expect(path).toBeDefined();
    expect(orthogonal(path)).toBe(true);
    expect(hits(path, between)).toBe(false);
    expect(path[0]).toEqual(start);
    expect(path.at(-1)).toEqual(end);
    expect(path.length).toBeLessThanOrEqual(6);
  });

  it('comes back up to a node above (a loop back), entering it from above', () => {
    const path = routeAround({ x: 110, y: 610 }, { x: 110, y: 0 }, [source, target])!;
    expect(orthogonal(path)).toBe(true);
    expect(hits(path, source)).toBe(false);
    expect(hits(path, target)).toBe(false);
    expect(path.at(-2)!.y).toBeLessThan(0);
  });

  it('gives up (for a plain curve) when an end is inside another node', () => {
    expect(routeAround(start, end, [source, target, { x: 100, y: 100, width: 50, height: 50 }])).toBeUndefined();
  });

  it('draws rounded corners and drops points on straight runs', () => {
    expect(simplify([{ x: 0, y: 0 }, { x: 0, y: 5 }, { x: 0, y: 10 }, { x: 10, y: 10 }])).toEqual([{ x: 0, y: 0 }, { x: 0, y: 10 }, { x: 10, y: 10 }]);
    expect(roundedPath([{ x: 0, y: 0 }, { x: 0, y: 100 }, { x: 100, y: 100 }])).toBe('M 0 0 L 0 92 Q 0 100 8 100 L 100 100');
  });
});
