import { useEffect, useMemo, useRef } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import type { PromptRecord } from '../api/client.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { paramsJsonSchema } from './json-schema.js';
import { FormContext, ObjectField, type FormContextValue } from './SchemaField.js';

/** The selected node's settings: name, start, and its params as a form generated from its zod schema. */
export function Inspector({ prompts }: { prompts: PromptRecord[] }) {
  const store = useFlowStoreApi();
  const selection = useFlowStore((s) => s.selection.nodes);
  const node = useFlowStore((s) => (s.selection.nodes.length === 1 ? s.flow.nodes.find((n) => n.id === s.selection.nodes[0]) : undefined));
  const entry = useFlowStore((s) => s.flow.entry);
  const languages = useFlowStore((s) => s.flow.languages);
  const diagnostics = useFlowStore((s) => s.diagnostics);
  const readOnly = useFlowStore((s) => s.readOnly);
  const focus = useFlowStore((s) => s.focus);
  const panel = useRef<HTMLElement>(null);
  const definition = node && nodeDefinition(node.kind, node.version);
  const schema = useMemo(() => definition && paramsJsonSchema(definition.params), [definition]);
  const mine = useMemo(() => diagnostics.filter((d) => node && d.nodeId === node.id), [diagnostics, node]);

  const form: FormContextValue | undefined = useMemo(
    () =>
      schema && {
        root: schema,
        errorsAt: (path: string) => mine.filter((d) => d.field === path).map((d) => d.message),
        languages,
        prompts,
        readOnly,
      },
    [schema, mine, languages, prompts, readOnly],
  );

  // A diagnostic clicked in the list focuses its field here.
  useEffect(() => {
    if (!focus?.field || !panel.current) return;
    const target = [...panel.current.querySelectorAll<HTMLElement>('[data-field]')].find((e) => e.dataset.field === focus.field);
    const control = target?.matches('input, select, textarea') ? target : target?.querySelector<HTMLElement>('input, select, textarea');
    control?.focus();
    target?.scrollIntoView?.({ block: 'center' });
  }, [focus]);

  if (selection.length > 1) {
    return (
      <aside className="inspector" aria-label="Inspector" ref={panel}>
        <p>{selection.length} nodes selected. Copy (Ctrl+C), paste (Ctrl+V) or delete them together.</p>
      </aside>
    );
  }
  if (!node) {
    return (
      <aside className="inspector" aria-label="Inspector" ref={panel}>
        <p className="muted">Select a node to change its settings, or drag one in from the palette.</p>
      </aside>
    );
  }
  const nodeLevel = mine.filter((d) => !d.field);
  return (
    <aside className="inspector" aria-label="Inspector" ref={panel}>
      <h2>{definition?.ui.label ?? node.kind}</h2>
      <p className="muted">
        {node.id} · {node.kind} v{node.version}
      </p>
      {definition && <p className="help">{definition.ui.help}</p>}
      {nodeLevel.map((d, i) => (
        <p key={i} className={d.severity === 'error' ? 'field-error' : 'warning-text'} role="alert">
          {d.message}
        </p>
      ))}
      <div className="field">
        <label htmlFor="node-name">Name</label>
        <input id="node-name" value={node.name ?? ''} disabled={readOnly} onChange={(e) => store.getState().renameNode(node.id, e.target.value)} />
      </div>
      {entry === node.id ? (
        <p className="badge badge-entry">Calls start here</p>
      ) : (
        !readOnly && (
          <button type="button" onClick={() => store.getState().setEntry(node.id)}>
            Start the call here
          </button>
        )
      )}
      {form && schema ? (
        <FormContext.Provider value={form}>
          <form className="params-form" aria-label={`${definition?.ui.label} settings`} onSubmit={(e) => e.preventDefault()}>
            <ObjectField
              schema={schema}
              path={[]}
              label="Settings"
              value={node.params}
              required
              errors={[]}
              onChange={(params) =>
                // Typing in one field is one undo step; moving to another field starts the next.
                store.getState().updateParams(node.id, params as Record<string, unknown>, document.activeElement?.getAttribute('data-field') ?? undefined)
              }
            />
          </form>
        </FormContext.Provider>
      ) : (
        <p className="field-error">This node's kind ({node.kind} v{node.version}) is not in this designer's catalogue.</p>
      )}
    </aside>
  );
}
