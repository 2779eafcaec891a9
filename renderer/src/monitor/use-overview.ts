/**
 * The busiest series of every kind, for the top-talkers table and the errors panel: one subscription, pushed
 * every 2 s (a table read by eye needs no more), capped at the 200 busiest so a 1000-interface host stays light.
 */
import { startTransition, useCallback, useRef, useState } from 'react';
import type { SeriesKind, SeriesSample, StatsSampleEvent } from '../../../shared/model/stats';
import { ErrorWindow, type ErrorTally } from './series-store';
import { useStatsSubscription } from './use-stats-subscription';

const ALL_KINDS: SeriesKind[] = ['interface', 'vnic', 'vm', 'portgroup', 'switch'];
const spec = { kinds: ALL_KINDS, top: 200, intervalS: 2 };

export interface Overview {
  latest: ReadonlyMap<string, SeriesSample>;
  at: number | null;
  errors: readonly ErrorTally[];
  error: Error | null;
}

export function useOverview(enabled: boolean): Overview {
  const window = useRef(new ErrorWindow());
  const [state, setState] = useState<Omit<Overview, 'error'>>({ latest: new Map(), at: null, errors: [] });
  const onSample = useCallback((e: StatsSampleEvent) => {
    const at = Date.parse(e.at);
    // Aggregates would count an interface's errors again in its switch and port group: interfaces only.
    window.current.add(
      at,
      e.intervalS,
      e.samples.filter((s) => s.key.startsWith('if:')),
    );
    const latest = new Map(e.samples.map((s) => [s.key, s]));
    const errors = window.current.tallies();
    startTransition(() => setState({ latest, at, errors }));
  }, []);
  const error = useStatsSubscription(enabled ? spec : null, onSample);
  return { ...state, error };
}
