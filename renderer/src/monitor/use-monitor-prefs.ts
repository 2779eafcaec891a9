/**
 * What the Monitor shows — charted series, range, unit — kept per target in localStorage, so the view comes back
 * as it was left (series keys are stable across restarts, like graph ids).
 */
import { useCallback, useEffect, useState } from 'react';
import { statsRanges, type SeriesInfo, type StatsRange } from '../../../shared/model/stats';
import type { RateUnit } from './format';
import { MAX_CHARTS } from './SeriesPicker';

interface Prefs {
  keys: string[] | null;
  range: StatsRange;
  unit: RateUnit;
}

const storageKey = (target: string) => `novanet.monitor.v1:${target}`;

function load(target: string): Prefs {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(target)) ?? 'null') as Partial<Prefs> | null;
    return {
      keys: Array.isArray(raw?.keys)
        ? raw.keys.filter((k): k is string => typeof k === 'string').slice(0, MAX_CHARTS)
        : null,
      range: statsRanges.includes(raw?.range as StatsRange) ? (raw?.range as StatsRange) : '5m',
      unit: raw?.unit === 'bytes' ? 'bytes' : 'bits',
    };
  } catch {
    return { keys: null, range: '5m', unit: 'bits' };
  }
}

/** A first visit charts the switches and VMs, or else a few interfaces: something moving to start from. */
export function defaultKeys(series: readonly SeriesInfo[]): string[] {
  const pick = series.filter((s) => s.kind === 'switch' || s.kind === 'vm').slice(0, 6);
  if (pick.length > 0) return pick.map((s) => s.key);
  return series
    .filter((s) => s.kind === 'interface' && s.key !== 'if:lo')
    .slice(0, 4)
    .map((s) => s.key);
}

export function useMonitorPrefs(target: string, series: readonly SeriesInfo[] | undefined) {
  const [prefs, setPrefs] = useState<Prefs>(() => load(target));
  const [loadedFor, setLoadedFor] = useState(target);
  if (loadedFor !== target) {
    setLoadedFor(target);
    setPrefs(load(target));
  }
  const keys = prefs.keys ?? (series ? defaultKeys(series) : null);

  useEffect(() => {
    try {
      localStorage.setItem(storageKey(target), JSON.stringify(prefs));
    } catch {
      // Storage full or disabled: the view still works, it just will not remember.
    }
  }, [prefs, target]);

  const toggle = useCallback(
    (key: string) =>
      setPrefs((p) => {
        const cur = p.keys ?? (series ? defaultKeys(series) : []);
        const next = cur.includes(key) ? cur.filter((k) => k !== key) : cur.length < MAX_CHARTS ? [...cur, key] : cur;
        return { ...p, keys: next };
      }),
    [series],
  );
  const clear = useCallback(() => setPrefs((p) => ({ ...p, keys: [] })), []);
  const setRange = useCallback((range: StatsRange) => setPrefs((p) => ({ ...p, range })), []);
  const setUnit = useCallback((unit: RateUnit) => setPrefs((p) => ({ ...p, unit })), []);
  return { keys, range: prefs.range, unit: prefs.unit, toggle, clear, setRange, setUnit };
}
