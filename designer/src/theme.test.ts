import { describe, expect, it } from 'vitest';
import { contrast, palette, textPairs, uiPairs } from './theme.js';

describe('the palette meets WCAG AA', () => {
  it('computes contrast like the WCAG definition', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(() => contrast('red', '#fff')).toThrow('red is not a #rrggbb colour');
  });

  it.each(textPairs)('text %s on %s is at least 4.5:1', (fg, bg) => {
    expect(contrast(palette[fg], palette[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(uiPairs)('control %s on %s is at least 3:1', (fg, bg) => {
    expect(contrast(palette[fg], palette[bg])).toBeGreaterThanOrEqual(3);
  });
});
