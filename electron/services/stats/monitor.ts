/**
 * Monitoring of one Target: the sampler at 1 Hz, history, attribution kept current with the topology, alerts,
 * and subscriptions that receive only the series they asked for, averaged over their own interval.
 */
import type { HostState } from '../../../shared/model/host-state';
import type { Target } from '../../../shared/model/target';
import { NotFoundError } from '../../../shared/ipc/errors';
import {
  type Alert,
  type AlertEvent,
  type AlertRule,
  type SeriesInfo,
  type SeriesKind,
  type SeriesSample,
  type StatsHistory,
  type StatsRange,
  type StatsRates,
  type StatsSampleEvent,
} from '../../../shared/model/stats';
import { discover as defaultDiscover } from '../discovery/index';
import { watchTarget, type Watch } from '../watch';
import { AlertEngine, type LinkStatus } from './alerts';
import { aggregate, buildAttribution, type Attribution } from './attribution';
import type { CounterReading, RateUpdate } from './rates';
import { FIELDS, History } from './ring';
import { openCounterSource, readSpeedBps, Sampler, type ReadMethod } from './sampler';
import { loadHistory, saveHistory, SAVE_INTERVAL_MS } from './store';

export const LEASE_S = 60;

export interface MonitorOptions {
  intervalMs?: number;
  /** Where the history is kept; null keeps it in memory only. */
  storePath?: string | null;
  rules: AlertRule[];
  onAlerts?(events: AlertEvent[], active: Alert[]): void;
  onSample?(e: StatsSampleEvent): void;
  onError?(err: unknown): void;
  discover?: (target: Target) => Promise<HostState>;
  /** Follow topology changes (`ip monitor` and friends); tests may turn it off. */
  watch?: boolean;
  method?: ReadMethod | 'auto';
  saveIntervalMs?: number;
}

interface Subscription {
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

const RANGES: Record<StatsRange, { spanS: number; resS: number }> = {
  '5m': { spanS: 300, resS: 1 },
  '1h': { spanS: 3600, resS: 10 },
  '24h': { spanS: 86_400, resS: 10 },
  '7d': { spanS: 604_800, resS: 60 },
};

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

export class TargetMonitor {
  readonly alerts: AlertEngine;
  history!: History;
  attribution: Attribution = buildAttribution(undefined, []);
  /** Latest per-interface rates and when they were taken (updated in place every tick). */
  latest: ReadonlyMap<string, StatsRates> = new Map();
  latestAt = 0;
  private sampler: Sampler | undefined;
  private watch: Watch | undefined;
  private state: HostState | undefined;
  private present = new Set<string>();
  private subs = new Map<string, Subscription>();
  private timers: NodeJS.Timeout[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private nextSub = 1;
  private lastPrune = 0;
  private readonly tickValues = new Float64Array(FIELDS);
  /** Link states and real speeds from the latest topology (for alerts). */
  private links = new Map<string, LinkStatus>();
  private speeds = new Map<string, number>();

  constructor(
    readonly target: Target,
    private readonly opts: MonitorOptions,
  ) {
    this.alerts = new AlertEngine(opts.rules);
  }

  async start(): Promise<void> {
    // The target first: a namespace that does not exist must not leave a history file behind.
    const source = await openCounterSource(this.target, { method: this.opts.method, recycle: true });
    try {
      const loaded = this.opts.storePath ? loadHistory(this.opts.storePath, undefined, (m) => this.opts.onError?.(new Error(m))) : undefined;
      if (loaded?.status === 'discarded') this.opts.onError?.(new Error(`statistics history set aside: ${loaded.reason}`));
      this.history = loaded?.history ?? new History();
    } catch (err) {
      await source.close();
      throw err;
    }
    this.sampler = new Sampler(source, {
      intervalMs: this.opts.intervalMs ?? 1000,
      recycle: true,
      onUpdate: (u, r) => this.onTick(u, r),
      onError: (err) => this.opts.onError?.(err),
    });
    const first = await this.sampler.start();
    this.present = new Set(first.counters.keys());
    await this.refreshTopology();
    if (this.opts.watch !== false) this.watch = watchTarget(this.target, () => void this.refreshTopology(), 500);
    const save = this.opts.saveIntervalMs ?? SAVE_INTERVAL_MS;
    if (this.opts.storePath) this.timers.push(setInterval(() => this.save(), save));
  }

  get method(): ReadMethod | undefined {
    return this.sampler?.source.method;
  }

  /** Re-reads the topology; calls during a refresh coalesce into one more. */
  refreshTopology(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          this.state = await (this.opts.discover ?? defaultDiscover)(this.target);
        } catch (err) {
          this.opts.onError?.(err);
        }
        const sys = this.sampler?.source.sysNetDir();
        this.attribution = buildAttribution(this.state, this.present, (n) => readSpeedBps(sys, n));
        this.links = new Map((this.state?.links ?? []).map((l) => [l.name, { operState: l.operState, adminUp: l.adminUp }]));
        this.speeds = new Map(this.attribution.series.flatMap((x) => (x.kind === 'interface' && x.speedBps ? [[x.label, x.speedBps] as const] : [])));
        for (const sub of this.subs.values()) sub.wanted = undefined;
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private onTick(u: RateUpdate, reading: CounterReading): void {
    const rates = u.rates;
    const v = this.tickValues;
    const fromSlot = Math.floor(u.from / 1000);
    const toSlot = Math.floor(u.at / 1000);
    for (const s of u.samples) {
      v[0] = s.rxBps;
      v[1] = s.txBps;
      v[2] = s.rxPps;
      v[3] = s.txPps;
      v[4] = s.rxErrors;
      v[5] = s.txErrors;
      v[6] = s.rxDrops;
      v[7] = s.txDrops;
      this.history.record(s.ifname, fromSlot, toSlot, v);
    }
    this.latest = rates;
    this.latestAt = u.at;
    if (u.appeared.length || u.vanished.length) {
      this.present = new Set(reading.counters.keys());
      void this.refreshTopology();
    }
    this.evaluateAlerts(u, rates);
    this.pushSubscriptions(u, rates);
    if (u.at - this.lastPrune > 60_000) {
      this.lastPrune = u.at;
      this.history.prune(toSlot, this.present);
      this.alerts.forget(this.present);
    }
  }

  private evaluateAlerts(u: RateUpdate, rates: ReadonlyMap<string, StatsRates>): void {
    const events = this.alerts.evaluate({ at: u.at, intervalS: u.intervalS, rates, links: this.links, speeds: this.speeds, present: this.present });
    if (events.length) this.opts.onAlerts?.(events, this.alerts.active());
  }

  series(): SeriesInfo[] {
    return this.attribution.series;
  }

  /** Live rates of one series from the latest tick (aggregates summed on demand). */
  ratesOf(info: SeriesInfo, rates: ReadonlyMap<string, StatsRates> = this.latest): StatsRates | undefined {
    return info.kind === 'interface' ? rates.get(info.members[0] ?? '') : aggregate(info, rates);
  }

  subscribe(p: { subscriptionId?: string; keys?: string[]; kinds?: SeriesKind[]; top?: number; intervalS: number }): { subscriptionId: string; intervalS: number; leaseS: number } {
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

  unsubscribeAll(): void {
    this.subs.clear();
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  private pushSubscriptions(u: RateUpdate, rates: ReadonlyMap<string, StatsRates>): void {
    const now = Date.now();
    for (const sub of this.subs.values()) {
      if (sub.expires < now) {
        this.subs.delete(sub.id);
        continue;
      }
      if (!sub.wanted) {
        sub.wanted = this.attribution.series.filter((x) => sub.keys.has(x.key) || sub.kinds.has(x.kind));
        sub.acc = new Float64Array(sub.wanted.length * FIELDS);
        sub.seen = new Uint8Array(sub.wanted.length);
      }
      // Rates are averaged over the subscription's interval, weighted by each tick's length; flat arrays, as this
      // runs for every wanted series on every tick.
      const w = u.intervalS;
      const acc = sub.acc;
      for (let i = 0; i < sub.wanted.length; i++) {
        const r = this.ratesOf(sub.wanted[i]!, rates);
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
      if (sub.top) picked = topBy(picked, sub.top, (i) => (acc[i * FIELDS] as number) + (acc[i * FIELDS + 1] as number));
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
      this.opts.onSample?.({ subscriptionId: sub.id, at: new Date(u.at).toISOString(), intervalS: sub.accS, samples });
      acc.fill(0);
      sub.seen.fill(0);
      sub.accS = 0;
    }
  }

  readHistory(keys: string[], range: StatsRange, maxPoints: number, now = Date.now()): StatsHistory {
    const { spanS, resS } = RANGES[range];
    const stepSlots = Math.max(1, Math.ceil(spanS / resS / maxPoints));
    const points = Math.ceil(spanS / resS / stepSlots);
    const nowSlot = Math.floor(now / 1000 / resS);
    const startSlot = Math.floor(nowSlot / stepSlots) * stepSlots - (points - 1) * stepSlots;
    const series = keys.map((key) => {
      const info = this.attribution.byKey.get(key) ?? (key.startsWith('if:') && this.history.rows.has(key.slice(3)) ? { members: [key.slice(3)], perspective: 'device' as const } : undefined);
      if (!info) throw new NotFoundError(`no statistics series ${key} on ${this.target.netns ? `namespace ${this.target.netns}` : 'this host'}`);
      const sum = Array.from({ length: FIELDS }, () => new Float64Array(points).fill(NaN));
      const flip = info.perspective === 'guest';
      for (const m of info.members) {
        const cols = this.history.read(m, resS, startSlot, points, stepSlots);
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
      return { key: key as SeriesInfo['key'], rxBps: col(0), txBps: col(1), rxPps: col(2), txPps: col(3), rxErrors: col(4), txErrors: col(5), rxDrops: col(6), txDrops: col(7) };
    });
    return { range, start: startSlot * resS * 1000, stepS: stepSlots * resS, points, series };
  }

  save(): void {
    if (!this.opts.storePath || !this.history) return;
    try {
      saveHistory(this.history, this.opts.storePath);
    } catch (err) {
      this.opts.onError?.(err);
    }
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.watch?.stop();
    this.watch = undefined;
    await this.sampler?.stop();
    this.sampler = undefined;
    await this.refreshing;
    this.save();
    this.history?.close();
  }
}
