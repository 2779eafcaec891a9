/**
 * Monitoring of one Target: the sampler at 1 Hz, history, attribution kept current with the topology, alerts,
 * and subscriptions that receive only the series they asked for, averaged over their own interval.
 */
import type { HostState } from '../../../shared/model/host-state';
import type { Target } from '../../../shared/model/target';
import type {
  Alert,
  AlertEvent,
  AlertRule,
  SeriesInfo,
  SeriesKind,
  StatsHistory,
  StatsRange,
  StatsRates,
  StatsSampleEvent,
} from '../../../shared/model/stats';
import { discover as defaultDiscover } from '../discovery/index';
import { watchTarget, type Watch } from '../watch';
import { AlertEngine, type LinkStatus } from './alerts';
import { aggregate, buildAttribution, type Attribution } from './attribution';
import type { CounterReading, RateUpdate } from './rates';
import { FIELDS, History } from './ring';
import { openCounterSource, readSpeedBps, Sampler, type ReadMethod } from './sampler';
import { dirname } from 'node:path';
import { loadHistory, pruneStaleHistories, saveHistory, SAVE_INTERVAL_MS } from './store';
import { readHistory } from './query';
import { Subscriptions } from './subscriptions';

export { LEASE_S, topBy } from './subscriptions';

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
  private readonly subs: Subscriptions;
  private timers: NodeJS.Timeout[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
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
    this.subs = new Subscriptions((e) => this.opts.onSample?.(e));
  }

  async start(): Promise<void> {
    // The target first: a namespace that does not exist must not leave a history file behind.
    const source = await openCounterSource(this.target, { method: this.opts.method, recycle: true });
    try {
      if (this.opts.storePath) pruneStaleHistories(dirname(this.opts.storePath));
      const loaded = this.opts.storePath
        ? loadHistory(this.opts.storePath, undefined, (m) => this.opts.onError?.(new Error(m)))
        : undefined;
      if (loaded?.status === 'discarded')
        this.opts.onError?.(new Error(`statistics history set aside: ${loaded.reason}`));
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
        this.links = new Map(
          (this.state?.links ?? []).map((l) => [l.name, { operState: l.operState, adminUp: l.adminUp }]),
        );
        this.speeds = new Map(
          this.attribution.series.flatMap((x) =>
            x.kind === 'interface' && x.speedBps ? [[x.label, x.speedBps] as const] : [],
          ),
        );
        this.subs.invalidate();
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
    this.subs.push(u, this.attribution.series, (info) => this.ratesOf(info, rates));
    if (u.at - this.lastPrune > 60_000) {
      this.lastPrune = u.at;
      this.history.prune(toSlot, this.present);
      this.alerts.forget(this.present);
    }
  }

  private evaluateAlerts(u: RateUpdate, rates: ReadonlyMap<string, StatsRates>): void {
    const events = this.alerts.evaluate({
      at: u.at,
      intervalS: u.intervalS,
      rates,
      links: this.links,
      speeds: this.speeds,
      present: this.present,
    });
    if (events.length) this.opts.onAlerts?.(events, this.alerts.active());
  }

  series(): SeriesInfo[] {
    return this.attribution.series;
  }

  /** Live rates of one series from the latest tick (aggregates summed on demand). */
  ratesOf(info: SeriesInfo, rates: ReadonlyMap<string, StatsRates> = this.latest): StatsRates | undefined {
    return info.kind === 'interface' ? rates.get(info.members[0] ?? '') : aggregate(info, rates);
  }

  subscribe(p: { subscriptionId?: string; keys?: string[]; kinds?: SeriesKind[]; top?: number; intervalS: number }): {
    subscriptionId: string;
    intervalS: number;
    leaseS: number;
  } {
    return this.subs.subscribe(p);
  }

  unsubscribe(id: string): boolean {
    return this.subs.unsubscribe(id);
  }

  unsubscribeAll(): void {
    this.subs.clear();
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  readHistory(keys: string[], range: StatsRange, maxPoints: number, now = Date.now()): StatsHistory {
    return readHistory(
      this.history,
      this.attribution.byKey,
      this.target.netns ? `namespace ${this.target.netns}` : 'this host',
      keys,
      range,
      maxPoints,
      now,
    );
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
