/**
 * Counters -> rates. The kernel's counters only go up, except when a driver's 32-bit counter wraps or the
 * device is re-created (or its counters cleared). A wrap is counted through; a reset re-baselines the interface
 * for one interval instead of inventing a rate, as a reset's "delta" says nothing about the traffic.
 */
import type { StatsRates, StatsSample } from '../../../shared/model/stats';

/** Counter order inside every Float64Array of counters. */
export const C = {
  rxBytes: 0,
  rxPackets: 1,
  rxErrors: 2,
  rxDrops: 3,
  txBytes: 4,
  txPackets: 5,
  txErrors: 6,
  txDrops: 7,
} as const;
export const COUNTER_COUNT = 8;
export type Counters = Float64Array;

export interface CounterReading {
  /** Wall-clock time of the read (epoch ms): slots and ISO times. */
  at: number;
  /** Monotonic time of the read (ms): intervals, immune to clock steps. */
  mono: number;
  counters: Map<string, Counters>;
}

const WRAP32 = 2 ** 32;

/** Delta of one counter; null when it went backwards and cannot be a 32-bit wrap (a reset). */
export function counterDelta(prev: number, cur: number): number | null {
  if (cur >= prev) return cur - prev;
  // A 32-bit counter that wrapped: both values fit in 32 bits and the wrapped distance is under half the range.
  if (prev < WRAP32 && cur < WRAP32) {
    const wrapped = WRAP32 - prev + cur;
    if (wrapped < WRAP32 / 2) return wrapped;
  }
  return null;
}

const delta = new Float64Array(COUNTER_COUNT);

/** Counter deltas into `delta`; false when any counter was reset. */
function deltas(prev: Counters, cur: Counters): boolean {
  for (let i = 0; i < COUNTER_COUNT; i++) {
    const v = counterDelta(prev[i] as number, cur[i] as number);
    if (v === null) return false;
    delta[i] = v;
  }
  return true;
}

/** Rates over `dtS` seconds, or null when any counter was reset. */
export function ratesBetween(prev: Counters, cur: Counters, dtS: number): StatsRates | null {
  if (!deltas(prev, cur)) return null;
  const { ifname: _i, at: _a, intervalS: _s, ...rates } = sample('', '', dtS);
  return rates;
}

/** One object literal of a fixed shape: this runs for every interface on every tick. */
function sample(ifname: string, at: string, dtS: number): StatsSample {
  const d = delta;
  return {
    ifname,
    at,
    intervalS: dtS,
    rxBps: (8 * (d[C.rxBytes] as number)) / dtS,
    txBps: (8 * (d[C.txBytes] as number)) / dtS,
    rxPps: (d[C.rxPackets] as number) / dtS,
    txPps: (d[C.txPackets] as number) / dtS,
    rxErrors: (d[C.rxErrors] as number) / dtS,
    txErrors: (d[C.txErrors] as number) / dtS,
    rxDrops: (d[C.rxDrops] as number) / dtS,
    txDrops: (d[C.txDrops] as number) / dtS,
  };
}

export interface RateUpdate {
  at: number;
  /** Start of the interval (epoch ms): the previous read. */
  from: number;
  intervalS: number;
  samples: StatsSample[];
  /** The same samples by interface name. */
  rates: ReadonlyMap<string, StatsSample>;
  /** Interfaces re-baselined this interval (counters went backwards). */
  resets: string[];
  appeared: string[];
  vanished: string[];
}

export interface RateTrackerOptions {
  /** An interval longer than this (suspend, a stalled loop) gives no rates: an average over it would mislead. */
  maxGapS?: number;
  /**
   * Update one sample object per interface in place, and one map, instead of new ones each tick: samples that
   * live a second are promoted by the GC and collected as old garbage, which cost more than the sampling itself
   * at 1000 interfaces. Only for a caller that keeps no update past the next one (the monitor).
   */
  recycle?: boolean;
}

/** Keeps the previous reading and turns each new one into samples. */
export class RateTracker {
  private prev: CounterReading | undefined;
  private readonly maxGapS: number;
  private readonly recycled: Map<string, StatsSample> | undefined;
  private readonly recycledList: StatsSample[] = [];

  constructor(opts: RateTrackerOptions = {}) {
    this.maxGapS = opts.maxGapS ?? 60;
    this.recycled = opts.recycle ? new Map() : undefined;
  }

  /** Null for the first reading (the baseline) and after a gap longer than maxGapS. */
  update(cur: CounterReading): RateUpdate | null {
    const prev = this.prev;
    this.prev = cur;
    if (!prev) return null;
    const dtS = (cur.mono - prev.mono) / 1000;
    if (!(dtS > 0) || dtS > this.maxGapS) return null;
    const iso = new Date(cur.at).toISOString();
    const keep = this.recycled;
    const samples: StatsSample[] = keep ? this.recycledList : [];
    samples.length = 0;
    const rates = keep ?? new Map<string, StatsSample>();
    const resets: string[] = [];
    const appeared: string[] = [];
    for (const [ifname, counters] of cur.counters) {
      const before = prev.counters.get(ifname);
      if (!before) {
        appeared.push(ifname);
        continue;
      }
      if (!deltas(before, counters)) {
        resets.push(ifname);
        keep?.delete(ifname);
        continue;
      }
      let s = keep?.get(ifname);
      if (s) fill(s, iso, dtS);
      else rates.set(ifname, (s = sample(ifname, iso, dtS)));
      samples.push(s);
    }
    // Every previous interface is still here unless the counts say otherwise (no walk on a quiet tick).
    const vanished =
      prev.counters.size > cur.counters.size - appeared.length
        ? [...prev.counters.keys()].filter((n) => !cur.counters.has(n))
        : [];
    // A sample not refreshed this tick (its interface went away across a gap) must not linger in the map.
    if (keep && keep.size !== samples.length) for (const [n, x] of keep) if (x.at !== iso) keep.delete(n);
    return { at: cur.at, from: prev.at, intervalS: dtS, samples, rates, resets, appeared, vanished };
  }

  reset(): void {
    this.prev = undefined;
  }
}

function fill(s: StatsSample, at: string, dtS: number): void {
  const d = delta;
  s.at = at;
  s.intervalS = dtS;
  s.rxBps = (8 * (d[C.rxBytes] as number)) / dtS;
  s.txBps = (8 * (d[C.txBytes] as number)) / dtS;
  s.rxPps = (d[C.rxPackets] as number) / dtS;
  s.txPps = (d[C.txPackets] as number) / dtS;
  s.rxErrors = (d[C.rxErrors] as number) / dtS;
  s.txErrors = (d[C.txErrors] as number) / dtS;
  s.rxDrops = (d[C.rxDrops] as number) / dtS;
  s.txDrops = (d[C.txDrops] as number) / dtS;
}

/** Sum of rates (aggregates); `flip` swaps directions (a tap's tx is its guest's rx). */
export function addRates(into: StatsRates, r: StatsRates, flip = false): void {
  if (flip) {
    into.rxBps += r.txBps;
    into.txBps += r.rxBps;
    into.rxPps += r.txPps;
    into.txPps += r.rxPps;
    into.rxErrors += r.txErrors;
    into.txErrors += r.rxErrors;
    into.rxDrops += r.txDrops;
    into.txDrops += r.rxDrops;
  } else {
    into.rxBps += r.rxBps;
    into.txBps += r.txBps;
    into.rxPps += r.rxPps;
    into.txPps += r.txPps;
    into.rxErrors += r.rxErrors;
    into.txErrors += r.txErrors;
    into.rxDrops += r.rxDrops;
    into.txDrops += r.txDrops;
  }
}

export function zeroRates(): StatsRates {
  return { rxBps: 0, txBps: 0, rxPps: 0, txPps: 0, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0 };
}
