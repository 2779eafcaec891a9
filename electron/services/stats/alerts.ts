/**
 * Per-interface alerts from each tick's rates and the links' state: bandwidth over a share of the link speed or
 * over a set bit/s, errors and drops per second, a link that went down, and a rate far outside its recent band.
 * Every condition must hold `holdS` seconds to raise and be gone as long to clear, so one busy second neither
 * raises nor clears anything. The anomaly band is in anomaly.ts, the merging of rules in alert-rules.ts.
 */
import {
  formatBitRate,
  interfaceKey,
  type Alert,
  type AlertEvent,
  type AlertKind,
  type AlertRule,
  type StatsRates,
} from '../../../shared/model/stats';
import { mergeRules, type Effective } from './alert-rules';
import { outOfBand, type Band } from './anomaly';

export { globMatch } from './alert-rules';

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

interface CondState {
  since?: number;
  clearSince?: number;
  active?: Alert;
}

/** The conditions of one interface, in this order; ids and state are made once per interface, not per tick. */
const CONDS = [
  { kind: 'bandwidth', severity: 'warning' },
  { kind: 'errors', severity: 'critical' },
  { kind: 'drops', severity: 'warning' },
  { kind: 'anomaly', dir: 'rx', severity: 'warning' },
  { kind: 'anomaly', dir: 'tx', severity: 'warning' },
  { kind: 'link-down', severity: 'critical' },
] as const satisfies readonly { kind: AlertKind; dir?: 'rx' | 'tx'; severity: Alert['severity'] }[];
const LINK_DOWN = 5;

interface IfState {
  ifname: string;
  rule: Effective | undefined;
  ids: string[];
  conds: (CondState | undefined)[];
  bands: (Band | undefined)[];
  wasUp: boolean;
  active: number;
}

const RECENT = 500;

export class AlertEngine {
  private rules: AlertRule[];
  private ifs = new Map<string, IfState>();
  private lastLinks: AlertInput['links'];
  /** Link-down conditions waiting or raised: links are walked every tick while any is. */
  private linkDownPending = 0;
  private readonly history: AlertEvent[] = [];

  constructor(rules: AlertRule[]) {
    this.rules = rules;
  }

  setRules(rules: AlertRule[]): void {
    this.rules = rules;
    for (const st of this.ifs.values()) st.rule = undefined;
  }

  getRules(): AlertRule[] {
    return this.rules;
  }

  private state(ifname: string): IfState {
    let st = this.ifs.get(ifname);
    if (!st) {
      const key = interfaceKey(ifname);
      st = {
        ifname,
        rule: undefined,
        ids: CONDS.map((c) => `${key}|${c.kind}${'dir' in c ? `|${c.dir}` : ''}`),
        conds: [],
        bands: [],
        wasUp: false,
        active: 0,
      };
      this.ifs.set(ifname, st);
    }
    st.rule ??= mergeRules(this.rules, ifname);
    return st;
  }

  evaluate(input: AlertInput): AlertEvent[] {
    const events: AlertEvent[] = [];
    const now = input.at;
    for (const [ifname, r] of input.rates) {
      const st = this.state(ifname);
      const rule = st.rule as Effective;
      const hold = rule.holdS * 1000;
      const speed = input.speeds?.get(ifname);
      const pctLimit = rule.bandwidthPct && speed ? (rule.bandwidthPct / 100) * speed : Infinity;
      const limit = Math.min(pctLimit, rule.bandwidthBps ?? Infinity);
      const peak = r.rxBps > r.txBps ? r.rxBps : r.txBps;
      const errors = r.rxErrors + r.txErrors;
      const drops = r.rxDrops + r.txDrops;
      // Most interfaces have no condition and no alert: no closure, no call (this runs 1000 times a tick).
      const bw = peak > limit;
      if (bw || st.conds[0]) {
        this.step(
          events,
          now,
          hold,
          st,
          0,
          bw,
          peak,
          limit,
          () =>
            `${ifname}: ${formatBitRate(peak)} ${r.rxBps >= r.txBps ? 'received' : 'sent'}, over ${limit === pctLimit && speed ? `${rule.bandwidthPct}% of ${formatBitRate(speed)}` : formatBitRate(limit)}`,
        );
      }
      const errs = rule.errorsPerS !== undefined && errors > rule.errorsPerS;
      if (errs || st.conds[1])
        this.step(
          events,
          now,
          hold,
          st,
          1,
          errs,
          errors,
          rule.errorsPerS ?? 0,
          () => `${ifname}: ${errors.toFixed(1)} errors/s (rx ${r.rxErrors.toFixed(1)}, tx ${r.txErrors.toFixed(1)})`,
        );
      const drp = rule.dropsPerS !== undefined && drops > rule.dropsPerS;
      if (drp || st.conds[2])
        this.step(
          events,
          now,
          hold,
          st,
          2,
          drp,
          drops,
          rule.dropsPerS ?? 0,
          () => `${ifname}: ${drops.toFixed(1)} drops/s (rx ${r.rxDrops.toFixed(1)}, tx ${r.txDrops.toFixed(1)})`,
        );
      const a = rule.anomaly;
      if (a?.enabled) {
        for (let d = 0; d < 2; d++) {
          const x = d === 0 ? r.rxBps : r.txBps;
          const out = outOfBand(st.bands, d, x, input.intervalS, a);
          if (out || st.conds[3 + d]) {
            this.step(
              events,
              now,
              hold,
              st,
              3 + d,
              !!out,
              x,
              out?.mean ?? 0,
              () =>
                `${ifname}: ${formatBitRate(x)} ${d === 0 ? 'received' : 'sent'}, far outside its recent ${formatBitRate(out?.low ?? 0)} – ${formatBitRate(out?.high ?? 0)}`,
            );
          }
        }
      }
    }
    // Link states change only with the topology: walk them when a new map arrives (or a link-down is pending).
    const links = input.links !== this.lastLinks || this.linkDownPending > 0 ? input.links : undefined;
    this.lastLinks = input.links;
    for (const [ifname, l] of links ?? []) {
      const st = this.state(ifname);
      const up = l.operState === 'up' || l.operState === 'unknown';
      if (up) st.wasUp = true;
      const down = !!st.rule?.linkDown && l.adminUp && !up && st.wasUp;
      if (down || st.conds[LINK_DOWN])
        this.step(events, now, 0, st, LINK_DOWN, down, down ? 1 : 0, 1, () => `${ifname}: link down (${l.operState})`);
      if (!l.adminUp) st.wasUp = false;
    }
    if (links) {
      this.linkDownPending = 0;
      for (const st of this.ifs.values()) if (st.conds[LINK_DOWN]) this.linkDownPending++;
    }
    // An interface that is gone has nothing left to alert about.
    for (const st of this.ifs.values()) {
      if (st.active === 0) continue;
      const here = input.present
        ? input.present.has(st.ifname)
        : input.rates.has(st.ifname) || input.links?.has(st.ifname);
      if (here) continue;
      for (const [i, c] of st.conds.entries()) {
        if (!c?.active) continue;
        events.push(
          this.record({
            type: 'cleared',
            at: new Date(now).toISOString(),
            alert: { ...c.active, message: `${st.ifname}: interface removed` },
          }),
        );
        st.conds[i] = undefined;
      }
      st.active = 0;
    }
    return events;
  }

  private step(
    events: AlertEvent[],
    now: number,
    holdMs: number,
    st: IfState,
    i: number,
    cond: boolean,
    value: number,
    threshold: number,
    message: () => string,
  ): void {
    let c = st.conds[i];
    if (!c) {
      if (!cond) return;
      st.conds[i] = c = {};
    }
    const spec = CONDS[i]!;
    if (cond) {
      c.clearSince = undefined;
      c.since ??= now;
      if (c.active) {
        c.active = { ...c.active, value, threshold, message: message() };
      } else if (now - c.since >= holdMs) {
        c.active = {
          id: st.ids[i] as string,
          key: interfaceKey(st.ifname),
          ifname: st.ifname,
          kind: spec.kind,
          ...('dir' in spec ? { direction: spec.dir } : {}),
          severity: spec.severity,
          message: message(),
          since: new Date(c.since).toISOString(),
          value,
          threshold,
        };
        st.active++;
        events.push(this.record({ type: 'raised', at: new Date(now).toISOString(), alert: c.active }));
      }
      return;
    }
    c.since = undefined;
    if (!c.active) {
      st.conds[i] = undefined;
      return;
    }
    c.clearSince ??= now;
    if (now - c.clearSince >= holdMs) {
      events.push(this.record({ type: 'cleared', at: new Date(now).toISOString(), alert: { ...c.active, value } }));
      st.conds[i] = undefined;
      st.active--;
    }
  }

  private record(e: AlertEvent): AlertEvent {
    this.history.push(e);
    if (this.history.length > RECENT) this.history.splice(0, this.history.length - RECENT);
    return e;
  }

  active(): Alert[] {
    const out: Alert[] = [];
    for (const st of this.ifs.values()) if (st.active > 0) for (const c of st.conds) if (c?.active) out.push(c.active);
    return out;
  }

  recent(): AlertEvent[] {
    return [...this.history];
  }

  /** Drop the state of interfaces that are gone (bands of removed devices would otherwise pile up). */
  forget(present: ReadonlySet<string>): void {
    for (const [n, st] of this.ifs) if (!present.has(n) && st.active === 0) this.ifs.delete(n);
  }
}
