import { createStore, type StoreApi } from 'zustand/vanilla';
import { latestDefinitions, nodeDefinition, upgradeNode } from '../../../engine/src/core/catalogue.js';
import type { Diagnostic } from '../../../engine/src/core/flow/diagnostics.js';
import type { Flow, FlowEdge, FlowNode } from '../../../engine/src/core/flow/schema.js';
import { hasErrors } from '../../../engine/src/core/flow/diagnostics.js';
import type { OutcomeSpec } from '../../../engine/src/core/nodes/define-node.js';
import { exitsOf } from '../../../engine/src/core/flow/names.js';
import { NODE_WIDTH, nodeHeight, nodeWidth } from '../canvas/sizes.js';
import { diagnose } from './diagnose.js';
import { defaultParams } from './node-defaults.js';

/** How the store saves the draft: the engine's API in the app, an in-memory fake in tests. */
export interface DraftSaver {
  saveDraft(flowId: string, flow: Flow, revision: number): Promise<{ revision: number }>;
}

export type SaveState = 'saved' | 'dirty' | 'saving' | 'conflict' | 'failed';
export type DiffMark = 'added' | 'changed';

export interface DeleteSummary {
  /** Node ids that go. */
  nodes: string[];
  /** Every edge removed: the ones selected and the ones touching a deleted node. */
  edges: FlowEdge[];
  /** Outcomes of nodes that stay whose edge goes, so they are left unwired. */
  unwired: Array<{ nodeId: string; outcome: string }>;
  /** True when the entry node is among the deleted. */
  removesEntry: boolean;
}

interface Clipboard {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FlowState {
  flowId: string;
  flow: Flow;
  /** The draft revision the server holds (sent back with each save; 409 when stale). */
  revision: number;
  saveState: SaveState;
  saveError?: string;
  /** True when nothing since the last save. */
  dirty: boolean;
  readOnly: boolean;
  selection: { nodes: string[]; edges: string[] };
  /** A field to focus in the inspector (set when a diagnostic is clicked). */
  focus?: { nodeId: string; field?: string; seq: number };
  /** A node to bring into view on the canvas (a search result, a transcript line, the test call's step). */
  reveal?: { nodeId: string; seq: number };
  past: Flow[];
  future: Flow[];
  /** Consecutive commits with the same key (one drag, typing in one field) make one undo step. */
  coalesceKey?: string;
  clipboard?: Clipboard;
  diagnostics: Diagnostic[];
  /** Live test call: the node the caller is in now, and the nodes they went through. */
  activeNodeId?: string;
  visitedNodeIds: string[];
  /** Flow tests: the edges the scripted calls traversed (others are dimmed); undefined = no run shown. */
  coveredEdgeIds?: string[];
  /** Version diff shown on the canvas. */
  diffMarks?: Record<string, DiffMark>;
  diffLabel?: string;
}

export interface FlowActions {
  addNode(kind: string, position?: { x: number; y: number }): string;
  moveNodes(positions: Record<string, { x: number; y: number }>, dragging: boolean): void;
  updateParams(nodeId: string, params: Record<string, unknown>, field?: string): void;
  renameNode(nodeId: string, name: string): void;
  /** Move a node to another version of its kind with new params (an opening-hours step moved to a stored schedule). */
  changeVersion(nodeId: string, version: number, params: Record<string, unknown>): void;
  setEntry(nodeId: string): void;
  /** Wire an outcome to a node; an outcome has at most one edge, so this replaces any earlier one. */
  connect(from: string, outcome: string, to: string): void;
  removeEdges(edgeIds: string[]): void;
  deleteSummary(nodeIds?: string[], edgeIds?: string[]): DeleteSummary;
  deleteSelection(): DeleteSummary;
  select(nodes: string[], edges?: string[]): void;
  focusNode(nodeId: string, field?: string): void;
  /** Select a node and bring it into view, without opening its settings (a transcript line, a search result). */
  revealNode(nodeId: string, select?: boolean): void;
  /** Put the selected nodes in a new group (one undo step); returns its id, or undefined with fewer than two nodes. */
  groupSelection(name?: string): string | undefined;
  renameGroup(groupId: string, name: string): void;
  /** Collapse a group into one box (or open it again). */
  toggleGroup(groupId: string): void;
  ungroup(groupId: string): void;
  copySelection(): void;
  paste(offset?: { x: number; y: number }): string[];
  undo(): void;
  redo(): void;
  /** Replace the whole flow as one undoable step (import, auto-layout, rename flow). */
  replaceFlow(flow: Flow): void;
  /**
   * The server made this the draft (a roll back): take it as one undoable step, already saved at `revision`.
   * Undo brings back the draft it replaced (and saves it again).
   */
  adoptDraft(flow: Flow, revision: number): void;
  /** Load what the server holds now (after a conflict), dropping local history. */
  load(flow: Flow, revision: number): void;
  setReadOnly(readOnly: boolean): void;
  runDiagnostics(): void;
  save(): Promise<void>;
  setActiveNode(nodeId: string | undefined): void;
  clearTestCall(): void;
  setCoverage(edgeIds: string[] | undefined): void;
  setDiff(marks: Record<string, DiffMark> | undefined, label?: string): void;
  /** The flows and schedules that exist changed (one was added): check what the flow names against them. */
  setKnownIds(known: { flows?: string[]; schedules?: string[] }): void;
  /** Stop timers (autosave, diagnostics). */
  dispose(): void;
}

export type FlowStore = StoreApi<FlowState & FlowActions>;

export interface FlowStoreOptions {
  flowId: string;
  flow: Flow;
  revision: number;
  saver?: DraftSaver;
  /** Wait after the last change before re-running diagnostics (0: run at once). */
  diagnosticsDelayMs?: number;
  /** Wait after the last change before saving the draft (undefined: no autosave). */
  autosaveDelayMs?: number;
  knownFlowIds?: string[];
  /** Stored schedule ids opening-hours steps may name (checked when given). */
  knownScheduleIds?: string[];
  readOnly?: boolean;
}

const HISTORY_LIMIT = 200;

/** The outcomes a node offers with its current params (none when its kind is unknown or params broken). */
export const nodeOutcomes = (node: FlowNode): OutcomeSpec[] => exitsOf(node);

const sizes = new WeakMap<FlowNode, { width: number; height: number }>();
/** How big the node is drawn: wide enough for every exit's label (worked out once per version of the node). */
export function nodeSize(node: FlowNode): { width: number; height: number } {
  let size = sizes.get(node);
  if (!size) {
    const labels = nodeOutcomes(node).map((o) => o.label ?? o.name);
    sizes.set(node, (size = { width: nodeWidth(labels), height: nodeHeight(labels) }));
  }
  return size;
}

/**
 * The flow with every node at its kind's current version (earlier versions' params upgraded, as the engine
 * reads them), so the designer always edits current settings; the same object when nothing was old.
 */
export function upgradeFlow(flow: Flow): Flow {
  const nodes = flow.nodes.map((n) => upgradeNode(n));
  return nodes.every((n, i) => n === flow.nodes[i]) ? flow : { ...flow, nodes };
}

/** A name for a new node of a kind: its label, then "Label 2", "Label 3" … so every step can be told apart. */
export function freshName(label: string, nodes: readonly FlowNode[]): string {
  const taken = new Set(nodes.map((n) => n.name?.trim().toLowerCase()));
  if (!taken.has(label.toLowerCase())) return label;
  for (let n = 2; ; n++) if (!taken.has(`${label} ${n}`.toLowerCase())) return `${label} ${n}`;
}

/**
 * The nearest place to `wanted` where a node of this size overlaps no other (a node dropped on another
 * node, or anywhere crowded, lands beside it), searching outwards on a grid.
 */
export function freeSpot(nodes: readonly FlowNode[], wanted: { x: number; y: number }, size = { width: NODE_WIDTH, height: nodeHeight() }): { x: number; y: number } {
  const gap = 24;
  const boxes = nodes.map((n) => ({ x: n.ui.x, y: n.ui.y, ...nodeSize(n) }));
  const clear = (x: number, y: number) =>
    boxes.every((b) => x + size.width + gap <= b.x || b.x + b.width + gap <= x || y + size.height + gap <= b.y || b.y + b.height + gap <= y);
  if (clear(wanted.x, wanted.y)) return wanted;
  const step = 40;
  for (let ring = 1; ring <= 60; ring++) {
    // Nearest first: every spot on this ring of the grid, closest to the wanted spot first.
    const spots: Array<{ x: number; y: number }> = [];
    for (let dx = -ring; dx <= ring; dx++) {
      for (let dy = -ring; dy <= ring; dy++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) spots.push({ x: wanted.x + dx * step, y: wanted.y + dy * step });
      }
    }
    spots.sort((a, b) => Math.hypot(a.x - wanted.x, a.y - wanted.y) - Math.hypot(b.x - wanted.x, b.y - wanted.y));
    const found = spots.find((s) => clear(s.x, s.y));
    if (found) return found;
  }
  return wanted;
}

/**
 * The node's edges after its params changed: an exit renamed in place (a menu option given another key, a
 * speech group relabelled) keeps its connection under the new name; the connection of an exit that went
 * away (an option removed) goes with it.
 */
export function followExits(edges: readonly FlowEdge[], before: FlowNode, after: FlowNode): FlowEdge[] {
  const old = nodeOutcomes(before).map((o) => o.name);
  const now = nodeOutcomes(after).map((o) => o.name);
  const renames = new Map<string, string>();
  if (old.length === now.length) {
    old.forEach((name, i) => {
      const next = now[i]!;
      if (next !== name && !now.includes(name) && !old.includes(next)) renames.set(name, next);
    });
  }
  const gone = old.length > now.length ? new Set(old.filter((name) => !now.includes(name))) : new Set<string>();
  if (renames.size === 0 && gone.size === 0) return edges as FlowEdge[];
  return edges
    .filter((e) => e.from !== before.id || !gone.has(e.outcome))
    .map((e) => (e.from === before.id && renames.has(e.outcome) ? { ...e, outcome: renames.get(e.outcome)! } : e));
}

function freshId(prefix: string, taken: Set<string>): string {
  const base = prefix.replace(/[^A-Za-z0-9_.:-]/g, '-');
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const idsOf = (flow: Flow) => new Set([...flow.nodes.map((n) => n.id), ...flow.edges.map((e) => e.id)]);

export function createFlowStore(options: FlowStoreOptions): FlowStore {
  let diagnosticsTimer: ReturnType<typeof setTimeout> | undefined;
  let autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  let focusSeq = 0;
  let saving: Promise<void> | undefined;

  let known: { flows?: string[]; schedules?: string[] } = { ...(options.knownFlowIds ? { flows: options.knownFlowIds } : {}), ...(options.knownScheduleIds ? { schedules: options.knownScheduleIds } : {}) };
  const store = createStore<FlowState & FlowActions>()((set, get) => {
    const scheduleDiagnostics = () => {
      clearTimeout(diagnosticsTimer);
      const delay = options.diagnosticsDelayMs ?? 150;
      if (delay <= 0) get().runDiagnostics();
      else diagnosticsTimer = setTimeout(() => get().runDiagnostics(), delay);
    };
    const scheduleAutosave = () => {
      if (!options.saver || options.autosaveDelayMs === undefined) return;
      clearTimeout(autosaveTimer);
      autosaveTimer = setTimeout(() => void get().save(), options.autosaveDelayMs);
    };

    /** Every change to the flow goes through here: one undo step (or coalesced), dirty, diagnostics, autosave. */
    const commit = (next: Flow, coalesceKey?: string) => {
      const s = get();
      if (s.readOnly || next === s.flow) return;
      const coalesce = coalesceKey !== undefined && coalesceKey === s.coalesceKey;
      set({
        flow: next,
        selection: existingOnly(s.selection, next),
        past: coalesce ? s.past : [...s.past, s.flow].slice(-HISTORY_LIMIT),
        future: [],
        coalesceKey,
        dirty: true,
        saveState: s.saveState === 'conflict' ? 'conflict' : 'dirty',
      });
      scheduleDiagnostics();
      scheduleAutosave();
    };

    const mapNode = (nodeId: string, change: (n: FlowNode) => FlowNode) => {
      const { flow } = get();
      if (!flow.nodes.some((n) => n.id === nodeId)) return flow;
      return { ...flow, nodes: flow.nodes.map((n) => (n.id === nodeId ? change(n) : n)) };
    };

    const opened = upgradeFlow(options.flow);
    return {
      flowId: options.flowId,
      flow: opened,
      revision: options.revision,
      saveState: 'saved',
      dirty: false,
      readOnly: options.readOnly ?? false,
      selection: { nodes: [], edges: [] },
      past: [],
      future: [],
      diagnostics: diagnose(opened, known),
      visitedNodeIds: [],

      addNode(kind, position = { x: 0, y: 0 }) {
        const definition = latestDefinitions().find((d) => d.kind === kind);
        if (!definition) throw new Error(`There is no node kind "${kind}" in the catalogue`);
        const { flow } = get();
        const id = freshId(kind, idsOf(flow));
        const starter = { ...defaultParams(definition), ...structuredClone(definition.ui.starter ?? {}) };
        const spot = freeSpot(flow.nodes, position, nodeSize({ id, kind, version: definition.version, params: starter, ui: position }));
        const node: FlowNode = {
          id,
          kind,
          version: definition.version,
          name: freshName(definition.ui.label, flow.nodes),
          params: starter,
          ui: { x: Math.round(spot.x), y: Math.round(spot.y) },
        };
        const empty = flow.nodes.length === 0;
        commit({ ...flow, nodes: [...flow.nodes, node], entry: empty ? id : flow.entry });
        set({ selection: { nodes: [id], edges: [] } });
        return id;
      },

      moveNodes(positions, dragging) {
        const { flow } = get();
        const ids = Object.keys(positions);
        if (ids.length === 0) return;
        const nodes = flow.nodes.map((n) => {
          const p = positions[n.id];
          return p ? { ...n, ui: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
        });
        commit({ ...flow, nodes }, `move:${ids.sort().join(',')}`);
        // A finished drag ends the coalescing, so the next drag of the same nodes is its own undo step.
        if (!dragging) set({ coalesceKey: undefined });
      },

      updateParams(nodeId, params, field) {
        const before = get().flow.nodes.find((n) => n.id === nodeId);
        const changed = mapNode(nodeId, (n) => ({ ...n, params }));
        const after = changed.nodes.find((n) => n.id === nodeId);
        const edges = before && after ? followExits(changed.edges, before, after) : changed.edges;
        commit(edges === changed.edges ? changed : { ...changed, edges }, field === undefined ? undefined : `params:${nodeId}:${field}`);
      },

      renameNode(nodeId, name) {
        commit(
          mapNode(nodeId, (n) => {
            const { name: _old, ...rest } = n;
            return name.trim() === '' ? rest : { ...rest, name };
          }),
          `name:${nodeId}`,
        );
      },

      changeVersion(nodeId, version, params) {
        if (!nodeDefinition(get().flow.nodes.find((n) => n.id === nodeId)?.kind ?? '', version)) return;
        commit(mapNode(nodeId, (n) => ({ ...n, version, params })));
      },

      setEntry(nodeId) {
        const { flow } = get();
        if (flow.entry === nodeId || !flow.nodes.some((n) => n.id === nodeId)) return;
        commit({ ...flow, entry: nodeId });
      },

      connect(from, outcome, to) {
        const { flow } = get();
        const exists = (id: string) => flow.nodes.some((n) => n.id === id);
        if (!exists(from) || !exists(to)) return;
        const existing = flow.edges.find((e) => e.from === from && e.outcome === outcome);
        if (existing?.to === to) return;
        const taken = idsOf(flow);
        const edge: FlowEdge = existing ? { ...existing, to } : { id: freshId('e', taken), from, outcome, to };
        const edges = existing ? flow.edges.map((e) => (e === existing ? edge : e)) : [...flow.edges, edge];
        commit({ ...flow, edges });
      },

      removeEdges(edgeIds) {
        const { flow } = get();
        const drop = new Set(edgeIds);
        const edges = flow.edges.filter((e) => !drop.has(e.id));
        if (edges.length !== flow.edges.length) commit({ ...flow, edges });
      },

      deleteSummary(nodeIds = get().selection.nodes, edgeIds = get().selection.edges) {
        const { flow } = get();
        const goingNodes = new Set(nodeIds.filter((id) => flow.nodes.some((n) => n.id === id)));
        const goingEdges = new Set(edgeIds);
        const edges = flow.edges.filter(
          (e) => goingEdges.has(e.id) || goingNodes.has(e.from) || goingNodes.has(e.to),
        );
        const unwired = edges
          .filter((e) => !goingNodes.has(e.from))
          .map((e) => ({ nodeId: e.from, outcome: e.outcome }));
        return { nodes: [...goingNodes], edges, unwired, removesEntry: goingNodes.has(flow.entry) };
      },

      deleteSelection() {
        const summary = get().deleteSummary();
        if (summary.nodes.length === 0 && summary.edges.length === 0) return summary;
        const { flow } = get();
        const goingNodes = new Set(summary.nodes);
        const goingEdges = new Set(summary.edges.map((e) => e.id));
        const nodes = flow.nodes.filter((n) => !goingNodes.has(n.id));
        const groups = flow.ui?.groups
          ?.map((g) => ({ ...g, nodes: g.nodes.filter((id) => !goingNodes.has(id)) }))
          .filter((g) => g.nodes.length > 0);
        commit({
          ...flow,
          ...(groups ? { ui: { ...flow.ui, groups } } : {}),
          nodes,
          edges: flow.edges.filter((e) => !goingEdges.has(e.id)),
          // The entry moves to the first node left, so the flow still starts somewhere; validation says if that is wrong.
          entry: summary.removesEntry ? (nodes[0]?.id ?? flow.entry) : flow.entry,
        });
        set({ selection: { nodes: [], edges: [] } });
        return summary;
      },

      select(nodes, edges = []) {
        const s = get().selection;
        if (sameList(s.nodes, nodes) && sameList(s.edges, edges)) return;
        set({ selection: { nodes, edges } });
      },

      focusNode(nodeId, field) {
        set({ selection: { nodes: [nodeId], edges: [] }, focus: { nodeId, field, seq: ++focusSeq }, reveal: { nodeId, seq: ++focusSeq } });
      },

      revealNode(nodeId, select = true) {
        if (!get().flow.nodes.some((n) => n.id === nodeId)) return;
        set({ reveal: { nodeId, seq: ++focusSeq }, ...(select ? { selection: { nodes: [nodeId], edges: [] } } : {}) });
      },

      groupSelection(name) {
        const { flow, selection } = get();
        const members = selection.nodes.filter((id) => flow.nodes.some((n) => n.id === id));
        if (members.length < 2) return undefined;
        const groups = (flow.ui?.groups ?? []).map((g) => ({ ...g, nodes: g.nodes.filter((id) => !members.includes(id)) })).filter((g) => g.nodes.length > 0);
        const id = freshId('group', new Set([...idsOf(flow), ...groups.map((g) => g.id)]));
        const taken = new Set(groups.map((g) => g.name.toLowerCase()));
        let label = name?.trim() || 'Group';
        for (let n = 2; !name && taken.has(label.toLowerCase()); n++) label = `Group ${n}`;
        commit({ ...flow, ui: { ...flow.ui, groups: [...groups, { id, name: label, nodes: members, collapsed: false }] } });
        return id;
      },

      renameGroup(groupId, name) {
        const { flow } = get();
        if (name.trim() === '') return;
        const groups = (flow.ui?.groups ?? []).map((g) => (g.id === groupId ? { ...g, name: name.slice(0, 80) } : g));
        commit({ ...flow, ui: { ...flow.ui, groups } }, `group-name:${groupId}`);
      },

      toggleGroup(groupId) {
        const { flow } = get();
        const groups = (flow.ui?.groups ?? []).map((g) => (g.id === groupId ? { ...g, collapsed: !g.collapsed } : g));
        commit({ ...flow, ui: { ...flow.ui, groups } });
      },

      ungroup(groupId) {
        const { flow } = get();
        const groups = (flow.ui?.groups ?? []).filter((g) => g.id !== groupId);
        commit({ ...flow, ui: { ...flow.ui, groups } });
      },

      copySelection() {
        const { flow, selection } = get();
        const chosen = new Set(selection.nodes);
        if (chosen.size === 0) return;
        set({
          clipboard: {
            nodes: flow.nodes.filter((n) => chosen.has(n.id)),
            // Only edges inside the copied group come along: the paste must not wire into the originals.
            edges: flow.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)),
          },
        });
      },

      paste(offset = { x: 40, y: 40 }) {
        const { clipboard, flow } = get();
        if (!clipboard || clipboard.nodes.length === 0) return [];
        const taken = idsOf(flow);
        const newIds = new Map(clipboard.nodes.map((n) => [n.id, freshId(n.kind, taken)]));
        const nodes = clipboard.nodes.map((n) => ({
          ...structuredClone(n),
          id: newIds.get(n.id)!,
          ui: { x: n.ui.x + offset.x, y: n.ui.y + offset.y },
        }));
        const edges = clipboard.edges.map((e) => ({
          ...e,
          id: freshId('e', taken),
          from: newIds.get(e.from)!,
          to: newIds.get(e.to)!,
        }));
        commit({ ...flow, nodes: [...flow.nodes, ...nodes], edges: [...flow.edges, ...edges] });
        // Pasting again offsets again, so copies do not stack on top of each other.
        set({
          selection: { nodes: nodes.map((n) => n.id), edges: [] },
          clipboard: { nodes, edges },
        });
        return nodes.map((n) => n.id);
      },

      undo() {
        const s = get();
        const previous = s.past.at(-1);
        if (!previous || s.readOnly) return;
        set({
          flow: previous,
          selection: existingOnly(s.selection, previous),
          past: s.past.slice(0, -1),
          future: [s.flow, ...s.future],
          coalesceKey: undefined,
          dirty: true,
          saveState: s.saveState === 'conflict' ? 'conflict' : 'dirty',
        });
        scheduleDiagnostics();
        scheduleAutosave();
      },

      redo() {
        const s = get();
        const [next, ...rest] = s.future;
        if (!next || s.readOnly) return;
        set({
          flow: next,
          selection: existingOnly(s.selection, next),
          past: [...s.past, s.flow],
          future: rest,
          coalesceKey: undefined,
          dirty: true,
          saveState: s.saveState === 'conflict' ? 'conflict' : 'dirty',
        });
        scheduleDiagnostics();
        scheduleAutosave();
      },

      replaceFlow(flow) {
        commit(upgradeFlow({ ...flow, id: get().flow.id }));
        set({ coalesceKey: undefined });
      },

      adoptDraft(flow, revision) {
        const s = get();
        clearTimeout(autosaveTimer);
        set({
          flow: upgradeFlow(flow),
          revision,
          past: [...s.past, s.flow].slice(-HISTORY_LIMIT),
          future: [],
          coalesceKey: undefined,
          dirty: false,
          saveState: 'saved',
          saveError: undefined,
          selection: existingOnly(s.selection, flow),
        });
        get().runDiagnostics();
      },

      load(flow, revision) {
        clearTimeout(autosaveTimer);
        set({
          flow: upgradeFlow(flow),
          revision,
          past: [],
          future: [],
          coalesceKey: undefined,
          dirty: false,
          saveState: 'saved',
          saveError: undefined,
          selection: { nodes: [], edges: [] },
        });
        get().runDiagnostics();
      },

      setReadOnly(readOnly) {
        set({ readOnly });
      },

      runDiagnostics() {
        clearTimeout(diagnosticsTimer);
        set({ diagnostics: diagnose(get().flow, known) });
      },

      async save() {
        // One save at a time: a save asked for while one is under way (publish right after typing) waits for it,
        // then saves whatever changed meanwhile.
        while (saving) await saving;
        const s = get();
        if (!options.saver || s.readOnly || !s.dirty || s.saveState === 'conflict') return;
        clearTimeout(autosaveTimer);
        const sent = s.flow;
        set({ saveState: 'saving' });
        saving = (async () => {
          try {
            const { revision } = await options.saver!.saveDraft(s.flowId, sent, s.revision);
            const changedSince = get().flow !== sent;
            set({ revision, dirty: changedSince, saveState: changedSince ? 'dirty' : 'saved', saveError: undefined });
            if (changedSince) scheduleAutosave();
          } catch (error) {
            const status = (error as { status?: number }).status;
            if (status === 409) {
              set({ saveState: 'conflict', saveError: 'Someone else saved this flow since you opened it.' });
            } else {
              set({ saveState: 'failed', saveError: (error as Error).message });
            }
          }
        })();
        try {
          await saving;
        } finally {
          saving = undefined;
        }
      },

      setActiveNode(nodeId) {
        const s = get();
        set({
          activeNodeId: nodeId,
          visitedNodeIds: nodeId && !s.visitedNodeIds.includes(nodeId) ? [...s.visitedNodeIds, nodeId] : s.visitedNodeIds,
        });
      },
      clearTestCall() {
        set({ activeNodeId: undefined, visitedNodeIds: [] });
      },
      setCoverage(edgeIds) {
        set({ coveredEdgeIds: edgeIds });
      },
      setDiff(marks, label) {
        set({ diffMarks: marks, diffLabel: marks ? label : undefined });
      },
      setKnownIds(ids) {
        known = { ...known, ...ids };
        get().runDiagnostics();
      },
      dispose() {
        clearTimeout(diagnosticsTimer);
        clearTimeout(autosaveTimer);
      },
    };
  });
  return store;
}

/** The selection without nodes and edges the flow no longer has (after an undo, say); the same object when nothing went. */
function existingOnly(selection: FlowState['selection'], flow: Flow): FlowState['selection'] {
  const nodeIds = new Set(flow.nodes.map((n) => n.id));
  const edgeIds = new Set(flow.edges.map((e) => e.id));
  const nodes = selection.nodes.filter((id) => nodeIds.has(id));
  const edges = selection.edges.filter((id) => edgeIds.has(id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length ? selection : { nodes, edges };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Why the flow cannot be published now, or undefined when it can. */
export function publishBlocker(state: Pick<FlowState, 'diagnostics' | 'saveState'>): string | undefined {
  if (state.saveState === 'conflict') return 'Reload the draft first: someone else changed it';
  const errors = state.diagnostics.filter((d) => d.severity === 'error').length;
  if (hasErrors(state.diagnostics)) return `Fix ${errors} error${errors === 1 ? '' : 's'} before publishing`;
  return undefined;
}

/** A blank flow for "New flow". */
export function emptyFlow(id: string, name: string): Flow {
  return {
    schemaVersion: 1,
    id,
    name,
    languages: ['en-GB'],
    entry: 'start',
    fallback: { apology: { 'en-GB': "Sorry, we're having a problem with our phone system." }, then: { action: 'hangup' } },
    nodes: [],
    edges: [],
  };
}
