/**
 * Numbers as a network person reads them: rates in SI steps of 1000 (link speeds are quoted that way, and so is
 * B/s in Cockpit and iftop), sizes in SI too so they match the file manager, times in the user's locale.
 */
export type RateUnit = 'bits' | 'bytes';

const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
const BYTE_UNITS = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];
const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Three significant digits at most, none after the point for whole small numbers. */
function scaled(value: number, units: readonly string[]): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const text = i === 0 || Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${units[i]}`;
}

/** A rate given in bit/s, shown in the chosen unit. */
export function formatRate(bps: number | null | undefined, unit: RateUnit): string {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return '–';
  return unit === 'bits' ? scaled(bps, BIT_UNITS) : scaled(bps / 8, BYTE_UNITS);
}

/** An axis tick, already in display units (bit/s or B/s): short, since 20 charts share the screen. */
export function formatAxisTick(value: number, unit: RateUnit): string {
  if (value === 0) return '0';
  const units = unit === 'bits' ? ['', 'k', 'M', 'G', 'T'] : ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const n = Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 10 ? 0 : 1);
  return unit === 'bits' ? `${n}${units[i]}` : `${n} ${units[i]}`;
}

export const unitLabel = (unit: RateUnit) => (unit === 'bits' ? 'bit/s' : 'B/s');

/** Packets, errors or drops per second: whole numbers when large, one decimal for the small ones that matter. */
export function formatPerSecond(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  if (v < 0.05) return '<0.1';
  if (v < 10) return v.toFixed(1);
  if (v < 10_000) return Math.round(v).toLocaleString('en-US');
  return `${(v / 1000).toFixed(v < 100_000 ? 1 : 0)} k`;
}

export function formatSize(bytes: number): string {
  return scaled(bytes, SIZE_UNITS);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const clockS = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const clockM = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayClock = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** Axis labels fall on whole minutes (see timeTicks), so hours and minutes; the weekday on the 7-day view. */
export function formatAxisTime(t: number, range: string): string {
  return range === '7d' ? dayClock.format(t) : clockM.format(t);
}

export function formatClock(t: number): string {
  return clockS.format(t);
}

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export function formatDateTime(t: number | string): string {
  return full.format(typeof t === 'string' ? new Date(t) : t);
}

/** "3 min ago": for alert lists, where the exact second matters less than the order of events. */
export function formatAgo(t: number | string, now = Date.now()): string {
  const ms = now - (typeof t === 'string' ? Date.parse(t) : t);
  if (!Number.isFinite(ms)) return '';
  if (ms < 10_000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

const TICK_STEP: Record<string, number> = { '5m': 60_000, '1h': 10 * 60_000, '24h': 4 * 3_600_000, '7d': 86_400_000 };

/** Time-axis ticks on round local times (every minute, 10 minutes, 4 hours, midnight), so they do not jitter. */
export function timeTicks(from: number, to: number, range: string): number[] {
  const step = TICK_STEP[range] ?? 60_000;
  const tz = new Date(from).getTimezoneOffset() * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil((from - tz) / step) * step + tz; t <= to; t += step) out.push(t);
  return out;
}

/**
 * A y-axis top and ticks on round numbers (1, 2, 2.5, 5 x 10^n) with at most five intervals, never below `floor`
 * so an idle series is not drawn against a scale of a few bits that magnifies noise.
 */
export function niceScale(max: number, floor: number): { top: number; ticks: number[] } {
  const m = Math.max(max, floor);
  const mag = 10 ** Math.floor(Math.log10(m / 5));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => Math.ceil(m / s) <= 5) ?? 10 * mag;
  const top = Math.ceil(m / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { top, ticks };
}
