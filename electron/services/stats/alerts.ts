/**
 * Per-interface alerts from each tick's rates and the links' state: bandwidth over a share of the link speed or
 * over a set bit/s, errors and drops per second, a link that went down, and a rate far outside its recent band.
 *
 * The anomaly band is an exponentially weighted mean and variance (window N = windowMin minutes of ticks,
 * alpha = 2/(N+1)): a rate more than k standard deviations from the mean *and* more than floorBps away is out of
 * band. The floor keeps near-idle links (sigma of a few bit/s) quiet; the warm-up (a quarter of the window)
 * keeps a fresh start quiet. Out-of-band values do not feed the band (else a spike widens the band that judges
 * it within two ticks); a level that lasts a quarter of the window becomes the new mean, so a lasting change
 * alerts once and then ends. Every condition must hold `holdS` seconds to raise and be gone as long to clear, so
 * one busy second neither raises nor clears anything.
 */
import { formatBitRate, interfaceKey, type Alert, type AlertEvent, type AlertKind, type AlertRule, type StatsRates } from '../../../shared/model/stats';

export interface LinkStatus {
  operState: string;
  adminUp: boolean;
}

export interface AlertInput {
  /** Epoch ms of the tick. */
  at: number;
  intervalS: number;
  rates: ReadonlyMap<string, StatsRates>;
  /** Link state by interface (from the latest topology); interfaces absent here keep their link-down state. */
  links?: ReadonlyMap<string, LinkStatus>;
  /** Real link speeds in bit/s. */
  speeds?: ReadonlyMap<string, number>;
  /** Interfaces that exist now (default: those with rates); alerts of the others are cleared. */
  present?: ReadonlySet<string>;
}

interface Effective {
  bandwidthPct?: number;
  bandwidthBps?: number;
  errorsPerS?: number;
  dropsPerS?: number;
  linkDown?: boolean;
  anomaly?: { enabled: boolean; k: number; windowMin: number; floorBps: number };
  holdS: number;
}

interface CondState {
  since?: number;
  clearSince?: number;
  active?: Alert;
}

interface Band {
  mean: number;
  variance: number;
  n: number;
  /** Consecutive ticks out of band. */
  out: number;
}

const RECENT = 500;

export function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

export class AlertEngine {
  private rules: AlertRule[];
  private effective = new Map<string, Effective>();
  private conds = new Map<string, CondState>();
  private bands = new Map<string, Band>();
  private wasUp = new Set<string>();
  private readonly history: AlertEvent[] = [];

  constructor(rules: AlertRule[]) {
    this.rules = rules;
  }

  setRules(rules: AlertRule[]): void {
    this.rules = rules;
    this.effective.clear();
  }

  getRules(): AlertRule[] {
    return this.rules;
  }

  /** All rules whose pattern matches, merged in order: a later rule overrides the fields it sets. */
  rulesFor(ifname: string): Effective {
    let e = this.effective.get(ifname);
    if (!e) {
      e = { holdS: 5 };
      for (const r of this.rules) {
        if (!globMatch(r.interface, ifname)) continue;
        const { interface: _i, anomaly, ...rest } = r;
        Object.assign(e, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
        if (anomaly) e.anomaly = { enabled: anomaly.enabled ?? true, k: anomaly.k ?? 6, windowMin: anomaly.windowMin ?? 15, floorBps: anomaly.floorBps ?? 1e6 };
      }
      this.effective.set(ifname, e);
    }
    return e;
  }

  evaluate(input: AlertInput): AlertEvent[] {
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const [ifname, r] of input.rates) {
      seen.add(ifname);
      const rule = this.rulesFor(ifname);
      const hold = rule.holdS * 1000;
      const step = (kind: AlertKind, cond: boolean, value: number, threshold: number, message: () => string, dir?: 'rx' | 'tx', severity: Alert['severity'] = 'warning') =>
        this.step(events, input.at, hold, { ifname, kind, dir, cond, value, threshold, message, severity });

      const speed = input.speeds?.get(ifname);
      const limits = [rule.bandwidthPct && speed ? (rule.bandwidthPct / 100) * speed : Infinity, rule.bandwidthBps ?? Infinity];
      const limit = Math.min(...limits);
      const peak = Math.max(r.rxBps, r.txBps);
      const dirName = r.rxBps >= r.txBps ? 'received' : 'sent';
      step('bandwidth', peak > limit, peak, limit, () =>
        `${ifname}: ${formatBitRate(peak)} ${dirName}, over ${limit === limits[0] && speed ? `${rule.bandwidthPct}% of ${formatBitRate(speed)}` : formatBitRate(limit)}`,
      );
      const errors = r.rxErrors + r.txErrors;
      step('errors', rule.errorsPerS !== undefined && errors > rule.errorsPerS, errors, rule.errorsPerS ?? 0, () => `${ifname}: ${errors.toFixed(1)} errors/s (rx ${r.rxErrors.toFixed(1)}, tx ${r.txErrors.toFixed(1)})`, undefined, 'critical');
      const drops = r.rxDrops + r.txDrops;
      step('drops', rule.dropsPerS !== undefined && drops > rule.dropsPerS, drops, rule.dropsPerS ?? 0, () => `${ifname}: ${drops.toFixed(1)} drops/s (rx ${r.rxDrops.toFixed(1)}, tx ${r.txDrops.toFixed(1)})`);

      for (const dir of ['rx', 'tx'] as const) {
        const x = dir === 'rx' ? r.rxBps : r.txBps;
        const a = rule.anomaly;
        const out = a?.enabled ? this.outOfBand(`${ifname}|${dir}`, x, input.intervalS, a) : undefined;
        step('anomaly', !!out, x, out?.mean ?? 0, () => `${ifname}: ${formatBitRate(x)} ${dir === 'rx' ? 'received' : 'sent'}, far outside its recent ${formatBitRate(out?.low ?? 0)} – ${formatBitRate(out?.high ?? 0)}`, dir);
      }
    }
    for (const [ifname, l] of input.links ?? []) {
      const up = l.operState === 'up' || l.operState === 'unknown';
      if (up) this.wasUp.add(ifname);
      const rule = this.rulesFor(ifname);
      const down = !!rule.linkDown && l.adminUp && !up && this.wasUp.has(ifname);
      this.step(events, input.at, 0, { ifname, kind: 'link-down', cond: down, value: down ? 1 : 0, threshold: 1, message: () => `${ifname}: link down (${l.operState})`, severity: 'critical' });
      if (!l.adminUp) this.wasUp.delete(ifname);
    }
    // An interface that is gone has nothing left to alert about.
    for (const [id, st] of this.conds) {
      const here = input.present ? input.present.has(st.active?.ifname ?? '') : seen.has(st.active?.ifname ?? '') || input.links?.has(st.active?.ifname ?? '');
      if (!st.active || here) continue;
      this.conds.delete(id);
      events.push(this.record({ type: 'cleared', at: new Date(input.at).toISOString(), alert: { ...st.active, message: `${st.active.ifname}: interface removed` } }));
    }
    return events;
  }

  private outOfBand(id: string, x: number, intervalS: number, a: NonNullable<Effective['anomaly']>): { mean: number; low: number; high: number } | undefined {
    const n = Math.max(2, (a.windowMin * 60) / intervalS);
    const alpha = 2 / (n + 1);
    const b = this.bands.get(id);
    if (!b) {
      this.bands.set(id, { mean: x, variance: 0, n: 1, out: 0 });
      return undefined;
    }
    const width = Math.max(a.k * Math.sqrt(b.variance), a.floorBps);
    if (b.n >= n / 4 && Math.abs(x - b.mean) > width) {
      // Out of band: the band stays as it was (an outlier must not widen the band that judges it), until the
      // new level has lasted a quarter of the window; then it is the new normal.
      const flagged = { mean: b.mean, low: Math.max(0, b.mean - width), high: b.mean + width };
      if (++b.out * intervalS >= (a.windowMin * 60) / 4) {
        b.mean = x;
        b.out = 0;
      }
      return flagged;
    }
    b.out = 0;
    const diff = x - b.mean;
    const incr = alpha * diff;
    b.mean += incr;
    b.variance = (1 - alpha) * (b.variance + diff * incr);
    b.n++;
    return undefined;
  }

  private step(
    events: AlertEvent[],
    now: number,
    holdMs: number,
    c: { ifname: string; kind: AlertKind; dir?: 'rx' | 'tx'; cond: boolean; value: number; threshold: number; message: () => string; severity: Alert['severity'] },
  ): void {
    const id = `${interfaceKey(c.ifname)}|${c.kind}${c.dir ? `|${c.dir}` : ''}`;
    let st = this.conds.get(id);
    if (!st) {
      if (!c.cond) return;
      this.conds.set(id, (st = {}));
    }
    const iso = new Date(now).toISOString();
    if (c.cond) {
      st.clearSince = undefined;
      st.since ??= now;
      if (st.active) {
        st.active = { ...st.active, value: c.value, threshold: c.threshold, message: c.message() };
      } else if (now - st.since >= holdMs) {
        st.active = {
          id,
          key: interfaceKey(c.ifname),
          ifname: c.ifname,
          kind: c.kind,
          ...(c.dir ? { direction: c.dir } : {}),
          severity: c.severity,
          message: c.message(),
          since: new Date(st.since).toISOString(),
          value: c.value,
          threshold: c.threshold,
        };
        events.push(this.record({ type: 'raised', at: iso, alert: st.active }));
      }
      return;
    }
    st.since = undefined;
    if (!st.active) {
      this.conds.delete(id);
      return;
    }
    st.clearSince ??= now;
    if (now - st.clearSince >= holdMs) {
      events.push(this.record({ type: 'cleared', at: iso, alert: { ...st.active, value: c.value } }));
      this.conds.delete(id);
    }
  }

  private record(e: AlertEvent): AlertEvent {
    this.history.push(e);
    if (this.history.length > RECENT) this.history.splice(0, this.history.length - RECENT);
    return e;
  }

  active(): Alert[] {
    return [...this.conds.values()].flatMap((s) => (s.active ? [s.active] : []));
  }

  recent(): AlertEvent[] {
    return [...this.history];
  }

  /** Drop state of interfaces that are gone (bands of removed devices would otherwise pile up). */
  forget(present: ReadonlySet<string>): void {
    for (const id of this.bands.keys()) if (!present.has(id.slice(0, id.lastIndexOf('|')))) this.bands.delete(id);
    for (const n of this.wasUp) if (!present.has(n)) this.wasUp.delete(n);
    for (const n of this.effective.keys()) if (!present.has(n)) this.effective.delete(n);
  }
}
