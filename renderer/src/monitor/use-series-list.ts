/** The series the target offers (interfaces, VM NICs, VMs, port groups, switches), kept current with the host. */
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SeriesInfo, SeriesKind } from '../../../shared/model/stats';
import { useModel } from '../model/model-context';

export const seriesKindOrder: readonly SeriesKind[] = ['switch', 'portgroup', 'vm', 'vnic', 'interface'];
export const seriesKindLabels: Record<SeriesKind, string> = {
  switch: 'Switches',
  portgroup: 'Port groups',
  vm: 'Virtual machines',
  vnic: 'VM NICs',
  interface: 'Interfaces',
};
export const seriesKindSingular: Record<SeriesKind, string> = {
  switch: 'Switch',
  portgroup: 'Port group',
  vm: 'VM',
  vnic: 'VM NIC',
  interface: 'Interface',
};

export function useSeriesList(enabled = true) {
  const { api, targetKey, snapshot } = useModel();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['stats.series', targetKey],
    queryFn: () => api.invoke('stats.series', {}),
    staleTime: 10_000,
    // The server re-attributes on its own topology watch, which may land after our snapshot: poll as well.
    refetchInterval: 15_000,
    enabled,
  });
  // The attribution follows the topology: a new snapshot may bring or remove series. Asked a moment later, so
  // the monitor has re-read the topology too.
  const takenAt = snapshot.data?.state.takenAt;
  useEffect(() => {
    if (!takenAt || !enabled) return;
    const t = window.setTimeout(
      () => void queryClient.invalidateQueries({ queryKey: ['stats.series', targetKey] }),
      1500,
    );
    return () => clearTimeout(t);
  }, [takenAt, queryClient, targetKey, enabled]);
  return query;
}

export function seriesByKey(list: readonly SeriesInfo[] | undefined): Map<string, SeriesInfo> {
  return new Map((list ?? []).map((s) => [s.key, s]));
}
