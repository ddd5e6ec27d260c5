import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Flow } from '../../../engine/src/core/flow/schema.js';
import { api, ApiError, roleAtLeast, type FlowRecord, type FlowSummary, type Me, type PromptRecord, type QueueRecord, type ScheduleRecord } from '../api/client.js';
import { FindStep } from '../canvas/FindStep.js';
import { FlowCanvas } from '../canvas/FlowCanvas.js';
import { DiagnosticsPanel } from '../diagnostics/DiagnosticsPanel.js';
import { FlowTestsPanel } from '../flow-tests/FlowTestsPanel.js';
import { Inspector } from '../inspector/Inspector.js';
import { TestCallPanel } from '../simulator/TestCallPanel.js';
import { FlowStoreProvider, useFlowStore, useFlowStoreApi } from '../store/context.js';
import { createFlowStore, publishBlocker } from '../store/flow-store.js';
import { RefsContext, useRefs, type Refs } from '../store/refs.js';
import { Icon } from '../ui/Icon.js';
import { Dialog } from '../ui/Dialog.js';
import { VersionsPanel } from '../versions/VersionsPanel.js';
import { AnalyticsPanel } from '../analytics/AnalyticsPanel.js';
import { AnalyticsProvider } from '../analytics/overlay.js';

type Tab = 'settings' | 'problems' | 'test-call' | 'tests' | 'versions' | 'analytics';

/** Opens a flow's draft from the engine and edits it. */
export function FlowEditor({ flowId, me, step }: { flowId: string; me: Me; step?: string }) {
  const [record, setRecord] = useState<FlowRecord>();
  const [error, setError] = useState<string>();
  const [known, setKnown] = useState<{ flows: FlowSummary[]; schedules: ScheduleRecord[]; queues: QueueRecord[] }>();
  useEffect(() => {
    setRecord(undefined);
    api.getFlow(flowId).then(setRecord, (e: Error) => setError(e.message));
    Promise.all([
      api.listFlows().catch(() => []),
      api.listSchedules().catch(() => []),
      api.listQueues().catch(() => []),
    ]).then(([flows, schedules, queues]) => setKnown({ flows, schedules, queues }));
  }, [flowId]);
  if (error) return <p className="field-error" role="alert">Could not open flow {flowId}: {error}</p>;
  if (!record || !known) return <p aria-live="polite">Opening {flowId}…</p>;
  return <LoadedEditor key={record.id} record={record} me={me} known={known} {...(step ? { step } : {})} />;
}

function LoadedEditor({ record, me, known: opened, step }: { record: FlowRecord; me: Me; known: { flows: FlowSummary[]; schedules: ScheduleRecord[]; queues: QueueRecord[] }; step?: string }) {
  const [known, setKnown] = useState(opened);
  const store = useMemo(
    () =>
      createFlowStore({
        flowId: record.id,
        flow: record.draft,
        revision: record.draftRevision,
        saver: { saveDraft: (id, flow, revision) => api.saveDraft(id, flow, revision) },
        autosaveDelayMs: 800,
        knownFlowIds: opened.flows.map((f) => f.id),
        knownScheduleIds: opened.schedules.map((s) => s.id),
        readOnly: !roleAtLeast(me.role, 'designer'),
      }),
    [record, me.role, opened],
  );
  // A schedule made from the editor (an opening-hours step's hours moved to the Schedules screen): offer it and check against it.
  useEffect(() => {
    const reload = () =>
      void Promise.all([api.listFlows(), api.listSchedules(), api.listQueues().catch(() => [])]).then(([flows, schedules, queues]) => {
        setKnown({ flows, schedules, queues });
        store.getState().setKnownIds({ flows: flows.map((f) => f.id), schedules: schedules.map((s) => s.id) });
      });
    window.addEventListener('frontdoor:refs-changed', reload);
    return () => window.removeEventListener('frontdoor:refs-changed', reload);
  }, [store]);
  const refs: Refs = useMemo(
    () => ({
      schedule: known.schedules.map((s) => ({ value: s.id, label: s.name })),
      // No queues stored yet (the ACD's set-up): the queue step takes a typed id instead of a list.
      ...(known.queues.length ? { queue: known.queues.map((q) => ({ value: q.id, label: q.name })) } : {}),
      flow: known.flows.filter((f) => f.id !== record.id).map((f) => ({ value: f.id, label: f.name })),
    }),
    [known, record.id],
  );
  useEffect(() => () => store.getState().dispose(), [store]);
  // Opened from a call's timeline on one of its steps: bring that step into view.
  useEffect(() => {
    if (step) requestAnimationFrame(() => store.getState().revealNode(step));
  }, [store, step]);
  return (
    <FlowStoreProvider store={store}>
      <RefsContext.Provider value={refs}>
        <ReactFlowProvider>
          <AnalyticsProvider>
            <EditorLayout me={me} record={record} />
          </AnalyticsProvider>
        </ReactFlowProvider>
      </RefsContext.Provider>
    </FlowStoreProvider>
  );
}

const TAB_ICONS: Record<Tab, string> = { settings: 'list', problems: 'split', 'test-call': 'phone', tests: 'workflow', versions: 'clock', analytics: 'chart' };

function EditorLayout({ me, record }: { me: Me; record: FlowRecord }) {
  const [tab, setTab] = useState<Tab>('settings');
  const [sidebarOpen, setSidebarOpen] = useState(true);
  const [paletteOpen, setPaletteOpen] = useState(true);
  const [prompts, setPrompts] = useState<PromptRecord[]>([]);
  const [secrets, setSecrets] = useState<string[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const [liveVersion, setLiveVersion] = useState(record.publishedVersion ?? undefined);
  const refs = useRefs();
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
  // Jumping from a problem shows that field in the settings (a transcript line or a search only brings the step into view).
  useEffect(() => {
    if (!focus) return;
    setTab('settings');
    setSidebarOpen(true);
  }, [focus]);
  // Choosing a step (even the one already chosen) shows its settings, unless a test call or the tests are on screen.
  useEffect(() => {
    const showSettings = () => setTab((t) => (t === 'problems' || t === 'versions' ? 'settings' : t));
    if (selected !== '') showSettings();
    window.addEventListener('frontdoor:node-clicked', showSettings);
    return () => window.removeEventListener('frontdoor:node-clicked', showSettings);
  }, [selected]);

  // Viewers look; test calls and flow tests need the designer role (the engine refuses them too).
  const canTest = roleAtLeast(me.role, 'designer');
  const tabs: Array<[Tab, string]> = [
    ['settings', 'Settings'],
    ['problems', errors ? `Problems ${errors}` : 'Problems'],
    ...(canTest ? ([['test-call', 'Test call'], ['tests', 'Tests']] as Array<[Tab, string]>) : []),
    ['versions', 'Versions'],
    ['analytics', 'Analytics'],
  ];
  const open = (id: Tab) => {
    setTab(id);
    setSidebarOpen(true);
  };
  return (
    <div className="editor">
      <EditorToolbar
        canPublish={canPublish}
        onPublish={() => setPublishing(true)}
        paletteOpen={paletteOpen}
        onTogglePalette={() => setPaletteOpen((o) => !o)}
        sidebarOpen={sidebarOpen}
        onToggleSidebar={() => setSidebarOpen((o) => !o)}
        liveVersion={liveVersion}
      />
      {announcement && (
        <p className="announcement" role="status">
          {announcement}{' '}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setAnnouncement('')}>
            ✕
          </button>
        </p>
      )}
      <div className="editor-body">
        <FlowCanvas paletteOpen={paletteOpen} />
        {sidebarOpen ? (
          <div className="sidebar">
            <div role="tablist" aria-label="Panels" className="tabs">
              {tabs.map(([id, label]) => (
                <button key={id} role="tab" type="button" id={`tab-${id}`} aria-selected={tab === id} aria-controls={`panel-${id}`} className={id === 'problems' && errors ? 'has-problems' : undefined} onClick={() => setTab(id)}>
                  {label}
                </button>
              ))}
            </div>
            {/* Every panel stays mounted: a test call keeps going while the designer looks at the settings. */}
            <div role="tabpanel" id="panel-settings" aria-labelledby="tab-settings" className="tab-panel" hidden={tab !== 'settings'}>
              <Inspector prompts={prompts} secrets={secrets} refs={refs} />
            </div>
            <div role="tabpanel" id="panel-problems" aria-labelledby="tab-problems" className="tab-panel" hidden={tab !== 'problems'}>
              <DiagnosticsPanel />
            </div>
            {canTest && (
              <>
                <div role="tabpanel" id="panel-test-call" aria-labelledby="tab-test-call" className="tab-panel" hidden={tab !== 'test-call'}>
                  <TestCallPanel liveVersion={liveVersion} versionsKey={versionsKey} />
                </div>
                <div role="tabpanel" id="panel-tests" aria-labelledby="tab-tests" className="tab-panel" hidden={tab !== 'tests'}>
                  <FlowTestsPanel />
                </div>
              </>
            )}
            <div role="tabpanel" id="panel-versions" aria-labelledby="tab-versions" className="tab-panel" hidden={tab !== 'versions'}>
              <VersionsPanel
                canPublish={canPublish}
                refreshKey={versionsKey}
                onLiveVersion={setLiveVersion}
              />
            </div>
            <div role="tabpanel" id="panel-analytics" aria-labelledby="tab-analytics" className="tab-panel" hidden={tab !== 'analytics'}>
              {tab === 'analytics' && <AnalyticsPanel />}
            </div>
          </div>
        ) : (
          <nav className="sidebar-rail" aria-label="Panels (closed)">
            {tabs.map(([id, label]) => (
              <button key={id} type="button" className="icon-button" aria-label={`Open ${label}`} title={label} onClick={() => open(id)}>
                <Icon name={TAB_ICONS[id]} size={18} />
              </button>
            ))}
          </nav>
        )}
      </div>
      {publishing && (
        <PublishDialog
          onClose={(published) => {
            setPublishing(false);
            if (published !== undefined) {
              setVersionsKey((k) => k + 1);
              setLiveVersion(published);
              setAnnouncement(`Published version ${published}: calls from now on get it.`);
              open('versions');
            }
          }}
        />
      )}
    </div>
  );
}

interface ToolbarProps {
  canPublish: boolean;
  onPublish: () => void;
  paletteOpen: boolean;
  onTogglePalette: () => void;
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  liveVersion: number | undefined;
}

function EditorToolbar({ canPublish, onPublish, paletteOpen, onTogglePalette, sidebarOpen, onToggleSidebar, liveVersion }: ToolbarProps) {
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
      <button type="button" className="icon-button" aria-label={paletteOpen ? 'Hide the steps palette' : 'Show the steps palette'} aria-pressed={paletteOpen} title={paletteOpen ? 'Hide the palette' : 'Show the palette'} onClick={onTogglePalette}>
        <Icon name="panel-left" size={18} />
      </button>
      <h1 className="flow-title">{name}</h1>
      <span className="live-version muted">{liveVersion ? `Live: version ${liveVersion}` : 'Not published yet'}</span>
      <span className={`save-state save-${saveState}`} aria-live="polite" data-testid="save-state">
        {readOnly ? 'Read only' : saveLabel[saveState]}
      </span>
      <FindStep />
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
        <button type="button" className="icon-button" aria-label={sidebarOpen ? 'Hide the side panel' : 'Show the side panel'} aria-pressed={sidebarOpen} title={sidebarOpen ? 'Hide the side panel' : 'Show the side panel'} onClick={onToggleSidebar}>
          <Icon name="panel-right" size={18} />
        </button>
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
