/** The charts' visible data as CSV: one row per series and time, in the unit the charts show. */
import type { RatePoint } from './series-store';
import type { RateUnit } from './format';

export interface CsvSeries {
  key: string;
  label: string;
  points: readonly RatePoint[];
}

/** RFC 4180 quoting: labels may hold commas (port group labels do) or quotes. */
function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toFixed(3))) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function chartsToCsv(series: readonly CsvSeries[], unit: RateUnit, window?: readonly [number, number]): string {
  const u = unit === 'bits' ? 'bit/s' : 'B/s';
  const k = unit === 'bits' ? 1 : 1 / 8;
  const rate = (v: number | null) => (v === null ? null : v * k);
  const head = [
    'time',
    'series',
    'key',
    `rx (${u})`,
    `tx (${u})`,
    'rx packets/s',
    'tx packets/s',
    'rx errors/s',
    'tx errors/s',
    'rx drops/s',
    'tx drops/s',
  ];
  const lines = [head.join(',')];
  for (const s of series) {
    for (const p of s.points) {
      if (window && (p.t < window[0] || p.t > window[1])) continue;
      if (p.rxBps === null && p.txBps === null) continue;
      lines.push(
        [
          new Date(p.t).toISOString(),
          s.label,
          s.key,
          rate(p.rxBps),
          rate(p.txBps),
          p.rxPps,
          p.txPps,
          p.rxErrors,
          p.txErrors,
          p.rxDrops,
          p.txDrops,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
