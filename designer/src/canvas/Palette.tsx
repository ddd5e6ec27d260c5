import { useMemo, useState } from 'react';
import { latestDefinitions } from '../../../engine/src/core/catalogue.js';
import type { AnyNodeDefinition, NodeCategory } from '../../../engine/src/core/nodes/define-node.js';
import { Icon } from '../ui/Icon.js';

export const PALETTE_MIME = 'application/x-frontdoor-node-kind';
const categoryOrder: NodeCategory[] = ['Prompts', 'Input', 'Logic', 'Data', 'Routing', 'Payments', 'Call'];

/** Node kinds grouped by category, for the palette; `query` filters by label, kind and help text. */
export function paletteGroups(query: string): Array<{ category: NodeCategory; kinds: AnyNodeDefinition[] }> {
  const q = query.trim().toLowerCase();
  const matches = latestDefinitions().filter(
    (d) => q === '' || [d.kind, d.ui.label, d.ui.help, d.ui.category].some((t) => t.toLowerCase().includes(q)),
  );
  return categoryOrder
    .map((category) => ({
      category,
      kinds: matches.filter((d) => d.ui.category === category).sort((a, b) => a.ui.label.localeCompare(b.ui.label)),
    }))
    .filter((g) => g.kinds.length > 0);
}

/** The palette: drag a kind onto the canvas, or press Enter on it to add it in the middle of the view. */
export function Palette({ onAdd, disabled }: { onAdd: (kind: string) => void; disabled: boolean }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(query), [query]);
  return (
    <nav className="palette" aria-label="Steps palette">
      <input
        type="search"
        placeholder="Search steps"
        aria-label="Search steps"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.length === 0 && <p className="muted">No step matches “{query}”.</p>}
      {groups.map((g) => (
        <section key={g.category} aria-label={g.category}>
          <h3>{g.category}</h3>
          <ul>
            {g.kinds.map((d) => (
              <li key={d.kind}>
                <button
                  type="button"
                  className="palette-item"
                  draggable={!disabled}
                  disabled={disabled}
                  data-kind={d.kind}
                  title={d.ui.help}
                  aria-label={`Add ${d.ui.label}`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, d.kind);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onClick={() => onAdd(d.kind)}
                >
                  <Icon name={d.ui.icon} size={14} className={`cat-${d.ui.category.toLowerCase()}`} />
                  {d.ui.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
