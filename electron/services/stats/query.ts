/** History queries: a range's columns at a step that fits `maxPoints`, aggregates summed from their members. */
import { NotFoundError } from '../../../shared/ipc/errors';
import type { SeriesInfo, StatsHistory, StatsRange } from '../../../shared/model/stats';
import { FIELDS, type History } from './ring';

export const RANGES: Record<StatsRange, { spanS: number; resS: number }> = {
  '5m': { spanS: 300, resS: 1 },
  '1h': { spanS: 3600, resS: 10 },
  '24h': { spanS: 86_400, resS: 10 },
  '7d': { spanS: 604_800, resS: 60 },
};

export function readHistory(
  history: History,
  byKey: ReadonlyMap<string, SeriesInfo>,
  where: string,
  keys: string[],
  range: StatsRange,
  maxPoints: number,
  now = Date.now(),
): StatsHistory {
  const { spanS, resS } = RANGES[range];
  const stepSlots = Math.max(1, Math.ceil(spanS / resS / maxPoints));
  const points = Math.ceil(spanS / resS / stepSlots);
  const nowSlot = Math.floor(now / 1000 / resS);
  const startSlot = Math.floor(nowSlot / stepSlots) * stepSlots - (points - 1) * stepSlots;
  const series = keys.map((key) => {
    const info =
      byKey.get(key) ??
      (key.startsWith('if:') && history.rows.has(key.slice(3))
        ? { members: [key.slice(3)], perspective: 'device' as const }
        : undefined);
    if (!info) throw new NotFoundError(`no statistics series ${key} on ${where}`);
    const sum = Array.from({ length: FIELDS }, () => new Float64Array(points).fill(NaN));
    const flip = info.perspective === 'guest';
    for (const m of info.members) {
      const cols = history.read(m, resS, startSlot, points, stepSlots);
      for (let f = 0; f < FIELDS; f++) {
        const src = cols[flip ? f ^ 1 : f]!;
        const dst = sum[f]!;
        for (let i = 0; i < points; i++) {
          const x = src[i] as number;
          if (!Number.isNaN(x)) dst[i] = Number.isNaN(dst[i] as number) ? x : (dst[i] as number) + x;
        }
      }
    }
    const col = (f: number) => Array.from(sum[f]!, (x) => (Number.isNaN(x) ? null : x));
    return {
      key: key as SeriesInfo['key'],
      rxBps: col(0),
      txBps: col(1),
      rxPps: col(2),
      txPps: col(3),
      rxErrors: col(4),
      txErrors: col(5),
      rxDrops: col(6),
      txDrops: col(7),
    };
  });
  return { range, start: startSlot * resS * 1000, stepS: stepSlots * resS, points, series };
}
