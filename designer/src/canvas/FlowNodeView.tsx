import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, useState } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import { fieldLabel, nodeName } from '../../../engine/src/core/flow/names.js';
import { useFlowStoreApi } from '../store/context.js';
import { nodeOutcomes, nodeSize } from '../store/flow-store.js';
import { useRefs } from '../store/refs.js';
import { Icon } from '../ui/Icon.js';
import type { StepNode } from './derive.js';
import { exitWidth } from './sizes.js';
import { summariseParam } from './summary.js';

/** The one node view: everything it shows comes from the node's catalogue definition. */
export const FlowNodeView = memo(function FlowNodeView({ data, selected }: NodeProps<StepNode>) {
  const { node, isEntry, errors, warnings, active, visited, diff, detailed } = data;
  const store = useFlowStoreApi();
  const refs = useRefs();
  const [menuOpen, setMenuOpen] = useState(false);
  const definition = nodeDefinition(node.kind, node.version);
  const outcomes = nodeOutcomes(node);
  // Exits come and go with the params (a menu option added): React Flow must re-read the handles then.
  const updateNodeInternals = useUpdateNodeInternals();
  // Zoomed far out a node draws no handles (no edges are drawn then): they come back, and are measured, on zoom-in.
  const exits = detailed ? outcomes.map((o) => o.name).join('\n') : '';
  const drawnExits = useRef(exits);
  useEffect(() => {
    // On mount React Flow measures by itself; only later changes need telling.
    if (drawnExits.current === exits) return;
    drawnExits.current = exits;
    updateNodeInternals(node.id);
  }, [exits, node.id, updateNodeInternals]);
  const label = definition?.ui.label ?? `Unknown kind ${node.kind}@${node.version}`;
  if (!detailed) {
    // The overview: a box in the kind's colour with its badges; the name floats above it (NameLayer).
    const compact = ['flow-node', 'is-compact', `category-${(definition?.ui.category ?? 'unknown').toLowerCase()}`, selected && 'is-selected', active && 'is-active', visited && 'is-visited', errors > 0 && 'has-errors', diff && `diff-${diff}`].filter(Boolean);
    return (
      <div className={compact.join(' ')} style={{ width: nodeSize(node).width }} data-node-id={node.id} data-testid={`node-${node.id}`} aria-label={`${label}: ${nodeName(node)}`}>
        <header className="flow-node-header">
          {isEntry && <span className="badge badge-entry">Start</span>}
          {errors > 0 && <span className="badge badge-error">{errors} ✕</span>}
        </header>
        <div className="flow-node-name" hidden>
          {nodeName(node)}
        </div>
      </div>
    );
  }
  const classes = [
    'flow-node',
    `category-${(definition?.ui.category ?? 'unknown').toLowerCase()}`,
    selected && 'is-selected',
    active && 'is-active',
    visited && 'is-visited',
    errors > 0 && 'has-errors',
    diff && `diff-${diff}`,
    !detailed && 'is-compact',
  ].filter(Boolean);
  const name = nodeName(node);
  const { width } = nodeSize(node);
  // Exits share the bottom edge in proportion to the room their labels need.
  const widths = outcomes.map((o) => exitWidth(o.label ?? o.name));
  const total = widths.reduce((a, b) => a + b, 0) || 1;
  let offset = 0;
  return (
    <div
      className={classes.join(' ')}
      style={{ width }}
      data-node-id={node.id}
      data-testid={`node-${node.id}`}
      aria-label={`${label}: ${name}${isEntry ? ', calls start here' : ''}${errors ? `, ${errors} problem${errors > 1 ? 's' : ''}` : ''}`}
    >
      <Handle type="target" position={Position.Top} id="in" className="handle-in" aria-label={`Into ${name}`} />
      <header className="flow-node-header">
        <span className="flow-node-kind">
          <Icon name={definition?.ui.icon ?? 'list'} size={13} />
          {detailed && label}
        </span>
        {isEntry && <span className="badge badge-entry" title="Calls start here">Start</span>}
        {diff && <span className={`badge badge-diff-${diff}`}>{diff}</span>}
        {errors + warnings > 0 && (
          <span className={errors ? 'badge badge-error' : 'badge badge-warning'} title={`${errors} errors, ${warnings} warnings`}>
            {errors ? `${errors} ✕` : `${warnings} !`}
          </span>
        )}
        {detailed && !store.getState().readOnly && (
          <button type="button" className="icon-button nodrag node-menu-button" aria-label={`Menu for ${name}`} aria-expanded={menuOpen} onClick={() => setMenuOpen((o) => !o)}>
            ⋯
          </button>
        )}
      </header>
      {menuOpen && (
        <div className="node-menu nodrag" role="menu">
          <button
            role="menuitem"
            type="button"
            disabled={isEntry}
            onClick={() => {
              store.getState().setEntry(node.id);
              setMenuOpen(false);
            }}
          >
            Start the call here
          </button>
          <button
            role="menuitem"
            type="button"
            onClick={() => {
              store.getState().select([node.id]);
              setMenuOpen(false);
              window.dispatchEvent(new CustomEvent('frontdoor:delete-selection'));
            }}
          >
            Delete…
          </button>
        </div>
      )}
      <div className="flow-node-name" title={name}>
        {name}
      </div>
      {detailed &&
        definition?.ui.summary.map((key) => (
          <div key={key} className="flow-node-param">
            <span className="flow-node-param-key">{fieldLabel(definition, key)}</span> {summariseParam(definition, key, node.params[key], refs)}
          </div>
        ))}
      <div className="flow-node-outcomes">
        {outcomes.map((o, i) => {
          const left = offset + widths[i]! / 2;
          offset += widths[i]!;
          return (
            <div key={`${i}:${o.name}`} className="flow-node-outcome" style={{ left: `${(left / total) * 100}%` }}>
              {detailed && (
                <span className="flow-node-outcome-label" title={o.description ?? o.label ?? o.name} style={{ maxWidth: widths[i]! - 4 }}>
                  {o.label ?? o.name}
                </span>
              )}
              <Handle
                type="source"
                position={Position.Bottom}
                id={o.name}
                className="handle-out"
                data-outcome={o.name}
                aria-label={`Exit ${o.label ?? o.name} of ${name}`}
                title={o.description ?? o.label ?? o.name}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
});
