import { describe, expect, it } from 'vitest';
import { latestDefinitions } from '../../../engine/src/core/catalogue.js';
import { paletteGroups } from './Palette.js';

describe('palette', () => {
  it('offers every kind in the catalogue once, grouped by its category', () => {
    const groups = paletteGroups('');
    const kinds = groups.flatMap((g) => g.kinds.map((d) => d.kind));
    expect(kinds.sort()).toEqual(latestDefinitions().map((d) => d.kind).sort());
    for (const g of groups) for (const d of g.kinds) expect(d.ui.category).toBe(g.category);
  });

  it('searches labels, kinds and help text, ignoring case', () => {
    const found = paletteGroups('TRANSFER').flatMap((g) => g.kinds.map((d) => d.kind));
    expect(found).toContain('transfer');
    expect(paletteGroups('no node is called this')).toEqual([]);
  });
});
