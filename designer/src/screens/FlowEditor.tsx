import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { api, ApiError, roleAtLeast, type FlowRecord, type Me, type PromptRecord } from '../api/client.js';
import { FlowCanvas } from '../canvas/FlowCanvas.js';
import { DiagnosticsPanel } from '../diagnostics/DiagnosticsPanel.js';
import { FlowTestsPanel } from '../flow-tests/FlowTestsPanel.js';
import { Inspector } from '../inspector/Inspector.js';
import { TestCallPanel } from '../simulator/TestCallPanel.js';
import { FlowStoreProvider, useFlowStore, useFlowStoreApi } from '../store/context.js';
import { createFlowStore, publishBlocker } from '../store/flow-store.js';
import { Dialog } from '../ui/Dialog.js';
import { VersionsPanel } from '../versions/VersionsPanel.js';
import { AnalyticsPanel } from '../analytics/AnalyticsPanel.js';
import { AnalyticsProvider } from '../analytics/overlay.js';

type Tab = 'settings' | 'problems' | 'test-call' | 'tests' | 'versions' | 'analytics';

/** Opens a flow's draft from the engine and edits it. */
export function FlowEditor({ flowId, me }: { flowId: string; me: Me }) {
  const [record, setRecord] = useState<FlowRecord>();
  const [error, setError] = useState<string>();
  const [knownFlowIds, setKnownFlowIds] = useState<string[]>();
  useEffect(() => {
    setRecord(undefined);
    api.getFlow(flowId).then(setRecord, (e: Error) => setError(e.message));
    api.listFlows().then((flows) => setKnownFlowIds(flows.map((f) => f.id)), () => setKnownFlowIds([]));
  }, [flowId]);
  if (error) return <p className="field-error" role="alert">Could not open flow {flowId}: {error}</p>;
  if (!record || !knownFlowIds) return <p aria-live="polite">Opening {flowId}…</p>;
  return <LoadedEditor key={record.id} record={record} me={me} knownFlowIds={knownFlowIds} />;
}

function LoadedEditor({ record, me, knownFlowIds }: { record: FlowRecord; me: Me; knownFlowIds: string[] }) {
  const store = useMemo(
    () =>
      createFlowStore({
        flowId: record.id,
        flow: record.draft,
        revision: record.draftRevision,
        saver: { saveDraft: (id, flow, revision) => api.saveDraft(id, flow, revision) },
        autosaveDelayMs: 800,
        knownFlowIds,
        readOnly: !roleAtLeast(me.role, 'designer'),
      }),
    [record, me.role, knownFlowIds],
  );
  useEffect(() => () => store.getState().dispose(), [store]);
  return (
    <FlowStoreProvider store={store}>
      <ReactFlowProvider>
        <AnalyticsProvider>
          <EditorLayout me={me} />
        </AnalyticsProvider>
      </ReactFlowProvider>
    </FlowStoreProvider>
  );
}

function EditorLayout({ me }: { me: Me }) {
  const [tab, setTab] = useState<Tab>('settings');
  const [prompts, setPrompts] = useState<PromptRecord[]>([]);
  const [secrets, setSecrets] = useState<string[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const errors = useFlowStore((s) => s.diagnostics.filter((d) => d.severity === 'error').length);
  const selected = useFlowStore((s) => s.selection.nodes.join(' '));
  const focus = useFlowStore((s) => s.focus);
  const canPublish = roleAtLeast(me.role, 'publisher');

  useEffect(() => {
    api.listPrompts().then(setPrompts, () => setPrompts([]));
    // Designers and above may list secret names (viewers cannot, and do not edit).
    api.listSecrets().then((list) => setSecrets(list.map((s) => s.name)), () => setSecrets([]));
    const onAnnounce = (e: Event) => setAnnouncement((e as CustomEvent<string>).detail);
    window.addEventListener('frontdoor:announce', onAnnounce);
    return () => window.removeEventListener('frontdoor:announce', onAnnounce);
  }, []);
  // Selecting a node or jumping from a problem shows its settings.
  useEffect(() => {
    if (focus) setTab('settings');
  }, [focus]);
  useEffect(() => {
    if (selected !== '') setTab((t) => (t === 'problems' || t === 'versions' ? 'settings' : t));
  }, [selected]);

  // Viewers look; test calls and flow tests need the designer role (the engine refuses them too).
  const canTest = roleAtLeast(me.role, 'designer');
  const tabs: Array<[Tab, string]> = [
    ['settings', 'Settings'],
    ['problems', `Problems (${errors})`],
    ...(canTest ? ([['test-call', 'Test call'], ['tests', 'Flow tests']] as Array<[Tab, string]>) : []),
    ['versions', 'Versions'],
    ['analytics', 'Analytics'],
  ];
  return (
    <div className="editor">
      <EditorToolbar canPublish={canPublish} onPublish={() => setPublishing(true)} />
      {announcement && (
        <p className="announcement" role="status">
          {announcement}{' '}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setAnnouncement('')}>
            ✕
          </button>
        </p>
      )}
      <div className="editor-body">
        <FlowCanvas />
        <div className="sidebar">
          <div role="tablist" aria-label="Panels" className="tabs">
            {tabs.map(([id, label]) => (
              <button key={id} role="tab" type="button" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} onClick={() => setTab(id)}>
                {label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
            {tab === 'settings' && <Inspector prompts={prompts} secrets={secrets} />}
            {tab === 'problems' && <DiagnosticsPanel />}
            {tab === 'test-call' && <TestCallPanel />}
            {tab === 'tests' && <FlowTestsPanel />}
            {tab === 'versions' && <VersionsPanel canPublish={canPublish} refreshKey={versionsKey} />}
            {tab === 'analytics' && <AnalyticsPanel />}
          </div>
        </div>
      </div>
      {publishing && (
        <PublishDialog
          onClose={(published) => {
            setPublishing(false);
            if (published !== undefined) {
              setVersionsKey((k) => k + 1);
              setAnnouncement(`Published version ${published}.`);
              setTab('versions');
            }
          }}
        />
      )}
    </div>
  );
}

function EditorToolbar({ canPublish, onPublish }: { canPublish: boolean; onPublish: () => void }) {
  const store = useFlowStoreApi();
  const name = useFlowStore((s) => s.flow.name);
  const saveState = useFlowStore((s) => s.saveState);
  const saveError = useFlowStore((s) => s.saveError);
  const canUndo = useFlowStore((s) => s.past.length > 0 && !s.readOnly);
  const canRedo = useFlowStore((s) => s.future.length > 0 && !s.readOnly);
  const readOnly = useFlowStore((s) => s.readOnly);
  const blocker = useFlowStore((s) => publishBlocker(s));
  const importInput = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<string>();

  const reload = async () => {
    const fresh = await api.getFlow(store.getState().flowId);
    store.getState().load(fresh.draft, fresh.draftRevision);
  };
  const exportJson = () => {
    const flow = store.getState().flow;
    const url = URL.createObjectURL(new Blob([JSON.stringify(flow, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${flow.id}.flow.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  const importJson = async (file: File) => {
    try {
      const json = JSON.parse(await file.text()) as Flow;
      if (!json || typeof json !== 'object' || !Array.isArray(json.nodes) || !Array.isArray(json.edges)) {
        throw new Error('it is not a flow (no nodes and edges)');
      }
      store.getState().replaceFlow({ ...store.getState().flow, ...json });
      setImportError(undefined);
    } catch (e) {
      setImportError(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  };
  const saveLabel: Record<typeof saveState, string> = {
    saved: 'All changes saved',
    dirty: 'Unsaved changes',
    saving: 'Saving…',
    conflict: 'Conflict',
    failed: 'Not saved',
  };

  return (
    <header className="toolbar">
      <h1 className="flow-title">{name}</h1>
      <span className={`save-state save-${saveState}`} aria-live="polite" data-testid="save-state">
        {readOnly ? 'Read only' : saveLabel[saveState]}
      </span>
      {saveState === 'conflict' && (
        <span className="conflict" role="alert">
          {saveError} <button type="button" onClick={() => void reload()}>Reload the draft</button>
        </span>
      )}
      {saveState === 'failed' && <span className="field-error">{saveError}</span>}
      <div className="toolbar-actions">
        <button type="button" className="icon-button" aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => store.getState().undo()}>
          ↶
        </button>
        <button type="button" className="icon-button" aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={() => store.getState().redo()}>
          ↷
        </button>
        <button type="button" onClick={exportJson}>
          Export JSON
        </button>
        {!readOnly && (
          <>
            <button type="button" onClick={() => importInput.current?.click()}>
              Import JSON
            </button>
            <input ref={importInput} type="file" accept="application/json,.json" hidden aria-label="Import a flow JSON file" onChange={(e) => e.target.files?.[0] && void importJson(e.target.files[0])} />
          </>
        )}
        {canPublish && (
          <span className="publish">
            <button type="button" className="primary" disabled={blocker !== undefined} aria-describedby={blocker ? 'publish-blocker' : undefined} onClick={onPublish}>
              Publish…
            </button>
            {blocker && (
              <small id="publish-blocker" className="muted">
                {blocker}
              </small>
            )}
          </span>
        )}
      </div>
      {importError && (
        <p className="field-error" role="alert">
          {importError}
        </p>
      )}
    </header>
  );
}

function PublishDialog({ onClose }: { onClose: (published?: number) => void }) {
  const store = useFlowStoreApi();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const blocker = useFlowStore((s) => publishBlocker(s));
  const publish = async () => {
    setBusy(true);
    try {
      await store.getState().save();
      const s = store.getState();
      if (s.saveState !== 'saved') throw new Error(s.saveError ?? 'The draft could not be saved');
      const { version } = await api.publish(s.flowId, s.revision, note);
      onClose(version);
    } catch (e) {
      const diagnostics = e instanceof ApiError ? e.diagnostics : [];
      setError([(e as Error).message, ...diagnostics.map((d) => d.message)].join(' · '));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Publish this flow" onCancel={() => onClose()}>
      <p>Calls from now on use this version. Calls in progress keep the version they started on.</p>
      <div className="field">
        <label htmlFor="publish-note">What changed</label>
        <textarea id="publish-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Added the Christmas opening hours" />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={() => onClose()}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy || blocker !== undefined} onClick={() => void publish()}>
          Publish
        </button>
      </div>
    </Dialog>
  );
}
