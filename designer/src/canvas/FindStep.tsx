import { useId, useMemo, useState } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import { kindLabel, nodeName } from '../../../engine/src/core/flow/names.js';
import type { FlowNode } from '../../../engine/src/core/flow/schema.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { Icon } from '../ui/Icon.js';

/** Words a step can be found by: its name, its kind and what it says. */
function searchText(node: FlowNode): string {
  const said = JSON.stringify(node.params).replace(/[{}[\]"]/g, ' ');
  return `${nodeName(node)} ${kindLabel(node)} ${nodeDefinition(node.kind, node.version)?.ui.category ?? ''} ${said}`.toLowerCase();
}

/** Steps whose name (first), kind or words match every word typed. */
export function findSteps(nodes: readonly FlowNode[], query: string, limit = 8): FlowNode[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const named = (n: FlowNode) => words.every((w) => nodeName(n).toLowerCase().includes(w));
  return nodes
    .filter((n) => words.every((w) => searchText(n).includes(w)))
    .sort((a, b) => Number(named(b)) - Number(named(a)) || nodeName(a).localeCompare(nodeName(b)))
    .slice(0, limit);
}

/** Find a step by name or words and bring it into view (Enter takes the first; arrows choose). */
export function FindStep() {
  const store = useFlowStoreApi();
  const nodes = useFlowStore((s) => s.flow.nodes);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const id = useId();
  const results = useMemo(() => findSteps(nodes, query), [nodes, query]);
  const go = (node: FlowNode | undefined) => {
    if (!node) return;
    store.getState().revealNode(node.id);
    setOpen(false);
  };
  return (
    <div className="find-step" role="search">
      <Icon name="search" size={14} />
      <input
        type="search"
        role="combobox"
        aria-label="Find a step"
        aria-expanded={open && results.length > 0}
        aria-controls={`${id}-results`}
        aria-activedescendant={open && results[active] ? `${id}-${active}` : undefined}
        placeholder="Find a step"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') go(results[active]);
          else if (e.key === 'Escape') setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {open && query.trim() !== '' && (
        <ul className="find-results" role="listbox" id={`${id}-results`} aria-label="Steps found">
          {results.length === 0 && <li className="muted">No step matches “{query}”.</li>}
          {results.map((n, i) => (
            <li key={n.id} id={`${id}-${i}`} role="option" aria-selected={i === active} onMouseDown={(e) => e.preventDefault()} onClick={() => go(n)}>
              <Icon name={nodeDefinition(n.kind, n.version)?.ui.icon ?? 'list'} size={13} />
              <span className="find-name">{nodeName(n)}</span>
              <span className="muted">{kindLabel(n)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
