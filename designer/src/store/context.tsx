import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FlowActions, FlowState, FlowStore } from './flow-store.js';

const FlowStoreContext = createContext<FlowStore | null>(null);

export function FlowStoreProvider({ store, children }: { store: FlowStore; children: ReactNode }) {
  return <FlowStoreContext.Provider value={store}>{children}</FlowStoreContext.Provider>;
}

/** The open flow's store (for actions and getState in event handlers). */
export function useFlowStoreApi(): FlowStore {
  const store = useContext(FlowStoreContext);
  if (!store) throw new Error('useFlowStore must be used inside <FlowStoreProvider>');
  return store;
}

/** Subscribe to part of the open flow's state. */
export function useFlowStore<T>(selector: (state: FlowState & FlowActions) => T): T {
  return useStore(useFlowStoreApi(), selector);
}
