/**
 * Data for the charts: the last five minutes are a live tail (history to start with, then pushed samples); the
 * longer ranges are read from the history store and re-read at a pace matching their resolution.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { StatsRange, StatsSampleEvent } from '../../../shared/model/stats';
import { useModel } from '../model/model-context';
import { LIVE_CAP, LiveBuffer, historyToPoints, type RatePoint } from './series-store';
import { useStatsSubscription } from './use-stats-subscription';

/** Points per series for the long ranges: more than a chart's width in pixels only costs time. */
const HISTORY_POINTS = 720;
const REFRESH_MS: Record<StatsRange, number> = { '5m': 0, '1h': 10_000, '24h': 60_000, '7d': 300_000 };

export interface ChartData {
  data: ReadonlyMap<string, readonly RatePoint[]>;
  loading: boolean;
  error: Error | null;
}

export function useChartData(keys: readonly string[], range: StatsRange): ChartData {
  const { api, targetKey } = useModel();
  const live = range === '5m';
  const buffer = useRef(new LiveBuffer(LIVE_CAP));
  const seeded = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const [seedError, setSeedError] = useState<Error | null>(null);
  const keySet = useMemo(() => new Set(keys), [keys]);

  // Cheap: chart headers re-render now, the plots themselves are redrawn frame-paced (use-frame-paced.ts).
  const onSample = useCallback((e: StatsSampleEvent) => {
    if (buffer.current.push(e).length > 0) setVersion((v) => v + 1);
  }, []);
  const subError = useStatsSubscription(live && keys.length > 0 ? { keys: [...keys], intervalS: 1 } : null, onSample);

  useEffect(() => {
    if (!live) {
      // Leaving the live view: the tail is stale when it comes back, so it starts again from the history.
      buffer.current.clear();
      seeded.current.clear();
      return;
    }
    buffer.current.retain(keySet);
    for (const k of seeded.current) if (!keySet.has(k)) seeded.current.delete(k);
    const fresh = keys.filter((k) => !seeded.current.has(k));
    if (fresh.length === 0) return;
    for (const k of fresh) seeded.current.add(k);
    let cancelled = false;
    api
      .invoke('stats.history', { keys: fresh.slice(0, 64), range: '5m', maxPoints: LIVE_CAP })
      .then((h) => {
        if (cancelled) return;
        for (const [k, pts] of historyToPoints(h)) if (keySet.has(k)) buffer.current.seed(k, pts);
        setSeedError(null);
        setVersion((v) => v + 1);
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        // Charts still fill from live samples; the error says why the first minutes are missing.
        setSeedError(err instanceof Error ? err : new Error(String(err)));
      });
    return () => {
      cancelled = true;
    };
  }, [api, keys, keySet, live]);

  const history = useQuery({
    queryKey: ['stats.history', targetKey, range, keys],
    queryFn: () => api.invoke('stats.history', { keys: [...keys].slice(0, 64), range, maxPoints: HISTORY_POINTS }),
    enabled: !live && keys.length > 0,
    refetchInterval: REFRESH_MS[range] || false,
    placeholderData: keepPreviousData,
  });

  const data = useMemo(() => {
    if (!live) return history.data ? historyToPoints(history.data) : new Map<string, RatePoint[]>();
    const m = new Map<string, readonly RatePoint[]>();
    for (const k of keys) m.set(k, buffer.current.get(k));
    return m;
    // `version` is the buffer's change counter: the buffer itself is mutable and outside React.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, keys, version, history.data]);

  return {
    data,
    loading: live ? false : history.isPending && keys.length > 0,
    error: live ? (subError ?? seedError) : history.error,
  };
}
