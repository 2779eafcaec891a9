/**
 * Live subscriptions of views: each names series (keys, kinds, top N) and a pace; every tick adds the wanted
 * series' rates into flat arrays, and a push on each wall-clock multiple of the pace carries their averages.
 * Leases end subscriptions of views that went away without saying so.
 */
import type { SeriesInfo, SeriesKind, SeriesSample, StatsRates, StatsSampleEvent } from '../../../shared/model/stats';
import type { RateUpdate } from './rates';
import { FIELDS } from './ring';

export const LEASE_S = 60;

export interface Subscription {
  id: string;
  keys: Set<string>;
  kinds: Set<SeriesKind>;
  top?: number;
  intervalS: number;
  expires: number;
  /** Sums of rate x seconds, FIELDS per wanted series. */
  acc: Float64Array;
  seen: Uint8Array;
  accS: number;
  lastBucket: number;
  /** The series it wants under the current attribution (recomputed when the topology changes). */
  wanted?: SeriesInfo[];
}

/** The `n` indices with the highest score, highest first (one pass; n is small). */
export function topBy(indices: number[], n: number, score: (i: number) => number): number[] {
  const top: number[] = [];
  const scores: number[] = [];
  for (const i of indices) {
    const v = score(i);
    if (top.length === n && v <= (scores[n - 1] as number)) continue;
    let k = top.length < n ? top.length : n - 1;
    while (k > 0 && (scores[k - 1] as number) < v) k--;
    top.splice(k, 0, i);
    scores.splice(k, 0, v);
    if (top.length > n) {
      top.pop();
      scores.pop();
    }
  }
  return top;
}

export class Subscriptions {
  private subs = new Map<string, Subscription>();
  private nextSub = 1;

  constructor(private readonly onSample: (e: StatsSampleEvent) => void) {}

  subscribe(p: { subscriptionId?: string; keys?: string[]; kinds?: SeriesKind[]; top?: number; intervalS: number }): {
    subscriptionId: string;
    intervalS: number;
    leaseS: number;
  } {
    const id = p.subscriptionId && this.subs.has(p.subscriptionId) ? p.subscriptionId : `s${this.nextSub++}`;
    const old = this.subs.get(id);
    const sub: Subscription = {
      id,
      keys: new Set(p.keys ?? []),
      kinds: new Set(p.kinds ?? []),
      ...(p.top ? { top: p.top } : {}),
      intervalS: p.intervalS,
      expires: Date.now() + LEASE_S * 1000,
      acc: new Float64Array(0),
      seen: new Uint8Array(0),
      accS: 0,
      lastBucket: old?.lastBucket ?? Math.floor(Date.now() / 1000 / p.intervalS),
    };
    this.subs.set(id, sub);
    return { subscriptionId: id, intervalS: sub.intervalS, leaseS: LEASE_S };
  }

  unsubscribe(id: string): boolean {
    return this.subs.delete(id);
  }

  clear(): void {
    this.subs.clear();
  }

  get size(): number {
    return this.subs.size;
  }

  /** The topology changed: each subscription looks its series up again. */
  invalidate(): void {
    for (const sub of this.subs.values()) sub.wanted = undefined;
  }

  push(u: RateUpdate, series: readonly SeriesInfo[], ratesOf: (info: SeriesInfo) => StatsRates | undefined): void {
    const now = Date.now();
    for (const sub of this.subs.values()) {
      if (sub.expires < now) {
        this.subs.delete(sub.id);
        continue;
      }
      if (!sub.wanted) {
        sub.wanted = series.filter((x) => sub.keys.has(x.key) || sub.kinds.has(x.kind));
        sub.acc = new Float64Array(sub.wanted.length * FIELDS);
        sub.seen = new Uint8Array(sub.wanted.length);
      }
      // Rates are averaged over the subscription's interval, weighted by each tick's length; flat arrays, as this
      // runs for every wanted series on every tick.
      const w = u.intervalS;
      const acc = sub.acc;
      for (let i = 0; i < sub.wanted.length; i++) {
        const r = ratesOf(sub.wanted[i]!);
        if (!r) continue;
        const o = i * FIELDS;
        acc[o] = (acc[o] as number) + r.rxBps * w;
        acc[o + 1] = (acc[o + 1] as number) + r.txBps * w;
        acc[o + 2] = (acc[o + 2] as number) + r.rxPps * w;
        acc[o + 3] = (acc[o + 3] as number) + r.txPps * w;
        acc[o + 4] = (acc[o + 4] as number) + r.rxErrors * w;
        acc[o + 5] = (acc[o + 5] as number) + r.txErrors * w;
        acc[o + 6] = (acc[o + 6] as number) + r.rxDrops * w;
        acc[o + 7] = (acc[o + 7] as number) + r.txDrops * w;
        sub.seen[i] = 1;
      }
      sub.accS += w;
      // Pushes on wall-clock multiples of the interval: views with the same pace update together.
      const bucket = Math.floor(u.at / 1000 / sub.intervalS);
      if (bucket === sub.lastBucket) continue;
      sub.lastBucket = bucket;
      let picked: number[] = [];
      for (let i = 0; i < sub.wanted.length; i++) if (sub.seen[i]) picked.push(i);
      if (sub.top)
        picked = topBy(picked, sub.top, (i) => (acc[i * FIELDS] as number) + (acc[i * FIELDS + 1] as number));
      const samples = picked.map((i): SeriesSample => {
        const o = i * FIELDS;
        const d = sub.accS;
        return {
          key: sub.wanted![i]!.key,
          rxBps: (acc[o] as number) / d,
          txBps: (acc[o + 1] as number) / d,
          rxPps: (acc[o + 2] as number) / d,
          txPps: (acc[o + 3] as number) / d,
          rxErrors: (acc[o + 4] as number) / d,
          txErrors: (acc[o + 5] as number) / d,
          rxDrops: (acc[o + 6] as number) / d,
          txDrops: (acc[o + 7] as number) / d,
        };
      });
      this.onSample({ subscriptionId: sub.id, at: new Date(u.at).toISOString(), intervalS: sub.accS, samples });
      acc.fill(0);
      sub.seen.fill(0);
      sub.accS = 0;
    }
  }
}
