import { useCallback, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { NovanetApi } from '../../../shared/ipc/contract';
import { ModelContext, queryKeys, type Model } from './model-context';
import { useLiveSnapshot } from './live-updates';

/** Retry only what may heal by itself (a server restarting); bad tokens or missing targets will not. */
function retry(failureCount: number, error: Error): boolean {
  return error.name === 'TransportError' && failureCount < 2;
}

export function ModelProvider({ api, children }: { api: NovanetApi; children: ReactNode }) {
  const queryClient = useQueryClient();

  const info = useQuery({
    queryKey: queryKeys.info,
    queryFn: () => api.invoke('app.info', {}),
    staleTime: Infinity,
    retry,
  });

  // The snapshot is asked for without a target (the server's default) so it need not wait for app.info.
  const snapshot = useQuery({
    queryKey: queryKeys.snapshot,
    queryFn: () => api.invoke('topology.snapshot', {}),
    retry,
    retryDelay: (attempt) => 400 * 2 ** attempt,
  });

  useLiveSnapshot(api, queryClient, queryKeys.snapshot);

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.snapshot, exact: true });
    if (info.isError) void info.refetch();
  }, [queryClient, info]);

  const target = snapshot.data?.state.target ?? info.data?.defaultTarget;
  const targetKey = target ? JSON.stringify(target) : 'default';

  const model = useMemo<Model>(
    () => ({ api, info, snapshot, targetKey, refresh }),
    [api, info, snapshot, targetKey, refresh],
  );
  return <ModelContext.Provider value={model}>{children}</ModelContext.Provider>;
}
