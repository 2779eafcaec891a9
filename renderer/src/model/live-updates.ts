/**
 * Turns `topology.changed` events into snapshot refetches. Bursts are coalesced, and an event that arrives while
 * a fetch is running schedules exactly one more fetch afterwards: restarting the running fetch instead would
 * starve the view while the host keeps changing (a lab being built fires dozens of events a second).
 */
import { useEffect } from 'react';
import { hashKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { NovanetApi } from '../../../shared/ipc/contract';

const COALESCE_MS = 120;

export function useLiveSnapshot(api: NovanetApi, queryClient: QueryClient, queryKey: QueryKey): void {
  useEffect(() => {
    let timer: number | undefined;
    let pendingAfterFetch = false;
    const hash = hashKey(queryKey);

    const fetchNow = () => {
      timer = undefined;
      if (queryClient.isFetching({ queryKey, exact: true }) > 0) {
        pendingAfterFetch = true;
        return;
      }
      void queryClient.invalidateQueries({ queryKey, exact: true }, { cancelRefetch: false });
    };

    const unsubscribeEvents = api.on('topology.changed', () => {
      if (timer === undefined) timer = window.setTimeout(fetchNow, COALESCE_MS);
    });

    const unsubscribeCache = queryClient.getQueryCache().subscribe((ev) => {
      if (!pendingAfterFetch || ev.type !== 'updated') return;
      if (ev.query.queryHash !== hash || ev.query.state.fetchStatus !== 'idle') return;
      pendingAfterFetch = false;
      if (timer === undefined) timer = window.setTimeout(fetchNow, 0);
    });

    return () => {
      unsubscribeEvents();
      unsubscribeCache();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, queryClient, queryKey]);
}
