import { describe, expect, it } from 'vitest';
import { AlertEngine, globMatch, type AlertInput } from '../../../electron/services/stats/alerts';
import { zeroRates } from '../../../electron/services/stats/rates';
import { alertEventSchema, type AlertEvent, type AlertRule, type StatsRates } from '../../../shared/model/stats';

const T0 = Date.UTC(2025, 0, 1);
const rates = (o: Partial<StatsRates>): StatsRates => ({ ...zeroRates(), ...o });

/** Feeds one tick per second; returns every event with the second it happened. */
function run(
  engine: AlertEngine,
  seconds: number,
  at: (s: number) => Omit<AlertInput, 'at' | 'intervalS'>,
  start = 0,
): (AlertEvent & { s: number })[] {
  const out: (AlertEvent & { s: number })[] = [];
  for (let s = start; s < start + seconds; s++) {
    for (const e of engine.evaluate({ at: T0 + s * 1000, intervalS: 1, ...at(s) })) {
      expect(alertEventSchema.safeParse(e).success).toBe(true);
      out.push({ ...e, s });
    }
  }
  return out;
}
const one = (name: string, r: StatsRates) => ({ rates: new Map([[name, r]]) });

describe('globMatch', () => {
  it('matches exact names and * / ? globs, nothing else', () => {
    expect(globMatch('eth0', 'eth0')).toBe(true);
    expect(globMatch('eth0', 'eth01')).toBe(false);
    expect(globMatch('vnet*', 'vnet12')).toBe(true);
    expect(globMatch('v?eth.1', 'vxeth.1')).toBe(true);
    expect(globMatch('v?eth.1', 'vxethx1')).toBe(false);
  });
});

describe('AlertEngine thresholds', () => {
  it('raises bandwidth over a share of the link speed after holdS, and clears holdS after it ends', () => {
    const e = new AlertEngine([{ interface: '*', bandwidthPct: 90, holdS: 3 }]);
    const speeds = new Map([['eth0', 1e9]]);
    const ev = run(e, 20, (s) => ({ ...one('eth0', rates({ rxBps: s >= 5 && s < 12 ? 950e6 : 100e6 })), speeds }));
    expect(ev.map((x) => [x.type, x.s])).toEqual([
      ['raised', 8],
      ['cleared', 15],
    ]);
    expect(ev[0]!.alert).toMatchObject({
      id: 'if:eth0|bandwidth',
      kind: 'bandwidth',
      ifname: 'eth0',
      value: 950e6,
      threshold: 900e6,
      since: new Date(T0 + 5000).toISOString(),
    });
    expect(ev[0]!.alert.message).toBe('eth0: 950 Mbit/s received, over 90% of 1.00 Gbit/s');
    expect(e.active()).toEqual([]);
    expect(e.recent().map((x) => x.type)).toEqual(['raised', 'cleared']);
  });

  it('does not count a busy second that does not last', () => {
    const e = new AlertEngine([{ interface: '*', bandwidthBps: 1e6, holdS: 5 }]);
    expect(run(e, 20, (s) => one('tap1', rates({ txBps: s % 4 === 0 ? 5e6 : 0 })))).toEqual([]);
  });

  it('uses an absolute bit/s for virtual devices, which report no real speed', () => {
    const e = new AlertEngine([{ interface: 'vnet*', bandwidthPct: 50, bandwidthBps: 2e6, holdS: 0 }]);
    const ev = run(e, 2, () => one('vnet3', rates({ txBps: 3e6 })));
    expect(ev[0]?.alert).toMatchObject({
      kind: 'bandwidth',
      threshold: 2e6,
      message: 'vnet3: 3.00 Mbit/s sent, over 2.00 Mbit/s',
    });
  });

  it('raises errors and drops per second (both directions summed) with the later, more specific rule winning', () => {
    const rules: AlertRule[] = [
      { interface: '*', errorsPerS: 1, dropsPerS: 100, holdS: 0 },
      { interface: 'noisy*', dropsPerS: 1000 },
    ];
    const e = new AlertEngine(rules);
    const ev = run(e, 1, () => ({
      rates: new Map([
        ['eth0', rates({ rxErrors: 1, txErrors: 0.5, rxDrops: 60, txDrops: 60 })],
        ['noisy0', rates({ rxDrops: 500 })],
      ]),
    }));
    expect(ev.map((x) => x.alert.id).sort()).toEqual(['if:eth0|drops', 'if:eth0|errors']);
    expect(ev.find((x) => x.alert.kind === 'errors')?.alert).toMatchObject({
      severity: 'critical',
      value: 1.5,
      threshold: 1,
    });
  });

  it('raises link-down for a link that was up and lost its carrier while administratively up, not for one set down', () => {
    const e = new AlertEngine([{ interface: '*', linkDown: true }]);
    const link = (operState: string, adminUp = true) => ({
      rates: new Map(),
      links: new Map([['eth0', { operState, adminUp }]]),
      present: new Set(['eth0']),
    });
    expect(run(e, 1, () => link('down'))).toEqual([]); // never seen up: an unplugged port is not news
    const ev = run(e, 6, (s) => link(s < 2 ? 'up' : s < 4 ? 'lowerlayerdown' : 'up'), 1);
    expect(ev.map((x) => [x.type, x.alert.kind, x.s])).toEqual([
      ['raised', 'link-down', 2],
      ['cleared', 'link-down', 4],
    ]);
    expect(ev[0]!.alert).toMatchObject({ severity: 'critical', message: 'eth0: link down (lowerlayerdown)' });
    expect(run(e, 2, (s) => link(s === 10 ? 'up' : 'down', s === 10), 10)).toEqual([]);
  });

  it('clears the alerts of an interface that disappeared', () => {
    const e = new AlertEngine([{ interface: '*', bandwidthBps: 1, holdS: 0 }]);
    run(e, 1, () => one('gone0', rates({ rxBps: 10 })));
    const ev = run(e, 1, () => ({ rates: new Map(), present: new Set<string>() }), 1);
    expect(ev).toEqual([
      expect.objectContaining({
        type: 'cleared',
        alert: expect.objectContaining({ message: 'gone0: interface removed' }),
      }),
    ]);
  });
});

describe('AlertEngine anomaly band', () => {
  const rule: AlertRule = { interface: '*', anomaly: { enabled: true, k: 6, windowMin: 2, floorBps: 1e6 }, holdS: 2 };
  /** 10 Mbit/s ± 1 Mbit/s of deterministic noise. */
  const noisy = (s: number) => 10e6 + 1e6 * Math.sin(s * 1.7) * Math.cos(s * 0.31);

  it('flags a rate far outside its recent band, then learns a lasting new level and clears', () => {
    const e = new AlertEngine([rule]);
    const before = run(e, 300, (s) => one('eth0', rates({ rxBps: noisy(s) })));
    expect(before).toEqual([]);
    const ev = run(
      e,
      400,
      (s) => one('eth0', rates({ rxBps: s < 310 ? 80e6 : s < 340 ? noisy(s) : 60e6 + noisy(s) - 10e6 })),
      300,
    );
    const raised = ev.filter((x) => x.type === 'raised');
    expect(raised[0]).toMatchObject({ s: 302, alert: { kind: 'anomaly', direction: 'rx', id: 'if:eth0|anomaly|rx' } });
    expect(raised[0]!.alert.message).toMatch(
      /^eth0: 80.0 Mbit\/s received, far outside its recent [\d.]+ Mbit\/s – [\d.]+ Mbit\/s$/,
    );
    expect(ev.some((x) => x.type === 'cleared' && x.s > 310 && x.s < 320)).toBe(true);
    // The step to 60 Mbit/s at 340 is news at first, then the band moves to it and the alert ends.
    expect(raised.some((x) => x.s >= 340 && x.s < 345)).toBe(true);
    expect(
      ev
        .filter((x) => x.type === 'cleared')
        .map((x) => x.s)
        .pop(),
    ).toBeLessThan(380);
    expect(e.active()).toEqual([]);
  });

  it('keeps quiet on an idle link that sends a few packets (the floor), and during warm-up', () => {
    const e = new AlertEngine([rule]);
    expect(run(e, 600, (s) => one('lo', rates({ txBps: s % 37 === 0 ? 500e3 : 0 })))).toEqual([]);
    const fresh = new AlertEngine([rule]);
    expect(run(fresh, 20, (s) => one('eth1', rates({ txBps: s < 10 ? 1e3 : 50e6 })))).toEqual([]);
  });
});
