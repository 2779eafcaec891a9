import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useModel } from '../model/model-context';

/** Often enough to see a VM's lease appear while watching it boot; cheap, as the server only reads lease files. */
export const LEASES_POLL_MS = 3000;

/** Live leases while the caller is mounted (the Leases tab): polled, paused while the window is hidden. */
export function useLeases() {
  const { api, targetKey } = useModel();
  return useQuery({
    queryKey: ['vmnet.leases', targetKey],
    queryFn: () => api.invoke('vmnet.leases', {}),
    refetchInterval: LEASES_POLL_MS,
    refetchIntervalInBackground: false,
    retry: 1,
  });
}

/** The current time, updated every `ms`, so relative times ("in 42 min") move on their own. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
