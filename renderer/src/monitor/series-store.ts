/**
 * Chart data kept outside React: one immutable array per series, replaced (never mutated) when a sample arrives,
 * so a chart re-renders only when its own array changes and a frozen (hovered) chart can keep the array it shows.
 */
import type { SeriesSample, StatsHistory, StatsSampleEvent } from '../../../shared/model/stats';

export interface RatePoint {
  /** Epoch milliseconds. */
  t: number;
  rxBps: number | null;
  txBps: number | null;
  rxPps: number | null;
  txPps: number | null;
  rxErrors: number | null;
  txErrors: number | null;
  rxDrops: number | null;
  txDrops: number | null;
}

/** Five minutes at 1 Hz: the live tail never holds more, whatever the session length. */
export const LIVE_CAP = 300;
export const LIVE_SPAN_MS = 5 * 60_000;
const EMPTY: readonly RatePoint[] = Object.freeze([]);

export function pointOf(t: number, s: SeriesSample): RatePoint {
  return {
    t,
    rxBps: s.rxBps,
    txBps: s.txBps,
    rxPps: s.rxPps,
    txPps: s.txPps,
    rxErrors: s.rxErrors,
    txErrors: s.txErrors,
    rxDrops: s.rxDrops,
    txDrops: s.txDrops,
  };
}

/** History columns turned into points, one array per series key. */
export function historyToPoints(h: StatsHistory): Map<string, RatePoint[]> {
  const out = new Map<string, RatePoint[]>();
  for (const s of h.series) {
    const pts: RatePoint[] = new Array(h.points);
    for (let i = 0; i < h.points; i++) {
      pts[i] = {
        t: h.start + i * h.stepS * 1000,
        rxBps: s.rxBps[i] ?? null,
        txBps: s.txBps[i] ?? null,
        rxPps: s.rxPps[i] ?? null,
        txPps: s.txPps[i] ?? null,
        rxErrors: s.rxErrors[i] ?? null,
        txErrors: s.txErrors[i] ?? null,
        rxDrops: s.rxDrops[i] ?? null,
        txDrops: s.txDrops[i] ?? null,
      };
    }
    out.set(s.key, pts);
  }
  return out;
}

export class LiveBuffer {
  private readonly data = new Map<string, readonly RatePoint[]>();

  constructor(readonly cap = LIVE_CAP) {}

  get(key: string): readonly RatePoint[] {
    return this.data.get(key) ?? EMPTY;
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  /** Appends one pushed sample per series; returns the keys whose arrays changed. */
  push(event: Pick<StatsSampleEvent, 'at' | 'samples'>): string[] {
    const t = Date.parse(event.at);
    const changed: string[] = [];
    for (const s of event.samples) {
      const prev = this.data.get(s.key) ?? EMPTY;
      const last = prev[prev.length - 1];
      if (last && last.t >= t) continue;
      const from = prev.length >= this.cap ? prev.length - this.cap + 1 : 0;
      const next = prev.slice(from);
      next.push(pointOf(t, s));
      this.data.set(s.key, next);
      changed.push(s.key);
    }
    return changed;
  }

  /**
   * History fetched when a series is first shown: kept before the first live point (live samples may have
   * arrived while the history was on its way), trimmed to the window and the cap.
   */
  seed(key: string, history: readonly RatePoint[]): void {
    const live = this.data.get(key) ?? EMPTY;
    const firstLive = live[0]?.t ?? Infinity;
    const lastT = live[live.length - 1]?.t ?? history[history.length - 1]?.t ?? 0;
    const older = history.filter((p) => p.t < firstLive && p.t > lastT - LIVE_SPAN_MS);
    const merged = older.concat(live);
    this.data.set(key, merged.length > this.cap ? merged.slice(merged.length - this.cap) : merged);
  }

  /** Forgets the series no longer shown, so a long session does not keep every series ever picked. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.data.keys()) if (!keys.has(k)) this.data.delete(k);
  }

  clear(): void {
    this.data.clear();
  }
}

/** The newest point with a value (history ends in empty slots until the current one is written). */
export function lastValue(points: readonly RatePoint[]): RatePoint | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    if (p.rxBps !== null || p.txBps !== null) return p;
  }
  return undefined;
}

export interface ErrorTally {
  key: string;
  /** Errors and drops counted (rate x interval) over the window. */
  errors: number;
  drops: number;
  lastAt: number;
}

/**
 * Errors and drops per series over a sliding window: a counter that ticked once a minute ago still shows, where
 * the per-second rate of the latest sample would already read zero.
 */
export class ErrorWindow {
  private readonly events: { t: number; key: string; errors: number; drops: number }[] = [];

  constructor(readonly spanMs = LIVE_SPAN_MS) {}

  add(t: number, intervalS: number, samples: readonly SeriesSample[]): void {
    for (const s of samples) {
      const errors = (s.rxErrors + s.txErrors) * intervalS;
      const drops = (s.rxDrops + s.txDrops) * intervalS;
      if (errors > 0 || drops > 0) this.events.push({ t, key: s.key, errors, drops });
    }
    const cutoff = t - this.spanMs;
    let drop = 0;
    while (drop < this.events.length && this.events[drop]!.t < cutoff) drop++;
    if (drop) this.events.splice(0, drop);
  }

  tallies(): ErrorTally[] {
    const by = new Map<string, ErrorTally>();
    for (const e of this.events) {
      const t = by.get(e.key) ?? { key: e.key, errors: 0, drops: 0, lastAt: 0 };
      t.errors += e.errors;
      t.drops += e.drops;
      t.lastAt = Math.max(t.lastAt, e.t);
      by.set(e.key, t);
    }
    return [...by.values()].sort((a, b) => b.errors + b.drops - (a.errors + a.drops));
  }
}
