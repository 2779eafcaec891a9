import { createContext, useContext } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { AppInfo, NovanetApi, Snapshot } from '../../../shared/ipc/contract';

/** The one data model every view reads: what the app is connected to and the latest snapshot of the host. */
export interface Model {
  api: NovanetApi;
  info: UseQueryResult<AppInfo, Error>;
  snapshot: UseQueryResult<Snapshot, Error>;
  /** Identifies the observed target; layouts and other per-host UI state are kept under it. */
  targetKey: string;
  refresh(): void;
}

export const ModelContext = createContext<Model | null>(null);

export function useModel(): Model {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel must be used inside <ModelProvider>');
  return model;
}

export const queryKeys = {
  info: ['app.info'] as const,
  snapshot: ['topology.snapshot', 'default'] as const,
};
