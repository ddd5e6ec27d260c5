import { createContext, useContext } from 'react';

/** Stored things a flow names by id, with the names designers know them by. */
export interface Refs {
  schedule?: Array<{ value: string; label: string }>;
  queue?: Array<{ value: string; label: string }>;
  flow?: Array<{ value: string; label: string }>;
}

export const RefsContext = createContext<Refs>({});

/** The schedules, queues and flows the open flow can name (loaded by the editor). */
export const useRefs = (): Refs => useContext(RefsContext);

/** The name of a stored thing, or its id (quoted, marked missing) when there is none by that id. */
export function refName(refs: Refs, kind: keyof Refs, id: unknown): string {
  if (typeof id !== 'string' || id === '') return '—';
  const list = refs[kind];
  return list?.find((r) => r.value === id)?.label ?? (list ? `${id} (not found)` : id);
}
