import { useEffect, useMemo, useRef, useState } from 'react';
import { nodeDefinition } from '../../../engine/src/core/catalogue.js';
import { kindLabel, nodeName } from '../../../engine/src/core/flow/names.js';
import { api, type PromptRecord } from '../api/client.js';
import { HoursEditor } from '../schedules/HoursEditor.js';
import { hoursFrom } from '../schedules/hours.js';
import { scheduleIdFor } from '../schedules/SchedulesScreen.js';
import { useFlowStore, useFlowStoreApi } from '../store/context.js';
import { nodeOutcomes } from '../store/flow-store.js';
import { paramsJsonSchema } from './json-schema.js';
import { FormContext, ObjectField, type FormContextValue } from './SchemaField.js';

/** The selected node's settings: name, start, and its params as a form generated from its zod schema. */
export function Inspector({ prompts, secrets = [], refs = {} }: { prompts: PromptRecord[]; secrets?: string[]; refs?: FormContextValue['refs'] }) {
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
        secrets,
        readOnly,
        refs,
      },
    [schema, mine, languages, prompts, secrets, readOnly, refs],
  );

  // A diagnostic clicked in the list focuses its field here.
  useEffect(() => {
    if (!focus?.field || !panel.current) return;
    const target = [...panel.current.querySelectorAll<HTMLElement>('[data-field]')].find((e) => e.dataset.field === focus.field);
    const control = target?.matches('input, select, textarea') ? target : target?.querySelector<HTMLElement>('input, select, textarea');
    // The settings panel is being shown in this same update (it was hidden behind the Problems tab): focus once it is.
    const frame = requestAnimationFrame(() => {
      control?.focus();
      target?.scrollIntoView?.({ block: 'center' });
    });
    return () => cancelAnimationFrame(frame);
  }, [focus]);

  if (selection.length > 1) {
    return (
      <aside className="inspector" aria-label="Inspector" ref={panel}>
        <p>{selection.length} steps selected. Copy (Ctrl+C), paste (Ctrl+V), group (Ctrl+G) or delete them together.</p>
      </aside>
    );
  }
  if (!node) {
    return (
      <aside className="inspector" aria-label="Inspector" ref={panel}>
        <p className="muted">Select a step to change its settings, or drag one in from the palette.</p>
      </aside>
    );
  }
  const nodeLevel = mine.filter((d) => !d.field);
  return (
    <aside className="inspector" aria-label="Inspector" ref={panel}>
      <h2>{definition?.ui.label ?? node.kind}</h2>
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
      <ExitsEditor nodeId={node.id} />
      {node.kind === 'schedule' && node.version === 1 ? (
        <InlineHours nodeId={node.id} params={node.params} name={nodeName(node)} readOnly={readOnly} />
      ) : form && schema ? (
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

/** Where each exit leads, chosen from a list: the keyboard's way to connect what the canvas connects by dragging. */
function ExitsEditor({ nodeId }: { nodeId: string }) {
  const store = useFlowStoreApi();
  const nodes = useFlowStore((s) => s.flow.nodes);
  const edges = useFlowStore((s) => s.flow.edges);
  const readOnly = useFlowStore((s) => s.readOnly);
  const node = nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const outcomes = nodeOutcomes(node);
  if (outcomes.length === 0) return null;
  return (
    <fieldset className="field-group exits">
      <legend>Exits</legend>
      {outcomes.map((o, index) => {
        const edge = edges.find((e) => e.from === nodeId && e.outcome === o.name);
        const id = `exit-${nodeId}-${o.name}`;
        return (
          // While params are being fixed two exits can share a name (two options on key 1): key by position too.
          <div className="field exit-row" key={`${index}:${o.name}`}>
            <label htmlFor={id}>{o.label ?? o.name}</label>
            <select
              id={id}
              disabled={readOnly}
              value={edge?.to ?? ''}
              onChange={(e) => {
                if (e.target.value === '') store.getState().removeEdges(edge ? [edge.id] : []);
                else store.getState().connect(nodeId, o.name, e.target.value);
              }}
            >
              <option value="">(not connected)</option>
              {nodes.map((target) => (
                <option key={target.id} value={target.id}>
                  {nodeName(target)}
                  {nodes.some((other) => other !== target && nodeName(other) === nodeName(target)) ? ` (${kindLabel(target)}, ${target.id})` : ''}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

/**
 * An opening-hours step saved with its hours written into it (version 1): the week editor, and a way to
 * keep the hours on the Schedules screen instead, where queues and other flows can use them too.
 */
function InlineHours({ nodeId, params, name, readOnly }: { nodeId: string; params: Record<string, unknown>; name: string; readOnly: boolean }) {
  const store = useFlowStoreApi();
  const [error, setError] = useState<string>();
  const hours = hoursFrom(params);
  const timeZone = typeof params.timeZone === 'string' ? params.timeZone : 'Europe/London';
  const moveToSchedules = async () => {
    try {
      const taken = (await api.listSchedules()).map((s) => s.id);
      const id = scheduleIdFor(name, taken);
      await api.createSchedule({ id, name, timezone: timeZone, definition: { ...hours } });
      store.getState().changeVersion(nodeId, 2, { scheduleId: id });
      window.dispatchEvent(new CustomEvent('frontdoor:refs-changed'));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="inline-hours">
      <p className="help">These hours are written into this step. Keep them on the Schedules screen to share them with other flows and queues.</p>
      {!readOnly && (
        <button type="button" onClick={() => void moveToSchedules()}>
          Keep these hours on the Schedules screen
        </button>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <HoursEditor hours={hours} readOnly={readOnly} onChange={(next) => store.getState().updateParams(nodeId, { ...params, ...next })} />
    </div>
  );
}
