import { describe, expect, it } from 'vitest';
import {
  C,
  counterDelta,
  RateTracker,
  ratesBetween,
  type CounterReading,
} from '../../../electron/services/stats/rates';
import { parseIpStats, parseProcNetDev, ProcNetDevParser } from '../../../electron/services/stats/sampler';

const counters = (o: Partial<Record<keyof typeof C, number>>) => {
  const k = new Float64Array(8);
  for (const [name, v] of Object.entries(o)) k[C[name as keyof typeof C]] = v;
  return k;
};
const reading = (at: number, m: Record<string, Float64Array>): CounterReading => ({
  at: 1_700_000_000_000 + at,
  mono: at,
  counters: new Map(Object.entries(m)),
});

describe('counterDelta', () => {
  it('is the difference while the counter goes up', () => {
    expect(counterDelta(1000, 1500)).toBe(500);
    expect(counterDelta(7, 7)).toBe(0);
  });
  it('counts through a 32-bit wrap', () => {
    expect(counterDelta(2 ** 32 - 100, 50)).toBe(150);
  });
  it('calls a counter that went back a reset (null), including 64-bit counters and small 32-bit ones', () => {
    expect(counterDelta(1000, 10)).toBeNull();
    expect(counterDelta(2 ** 40, 5)).toBeNull();
  });
});

describe('ratesBetween', () => {
  it('gives bit/s from bytes and per-second packets, errors and drops in both directions', () => {
    const a = counters({ rxBytes: 1000, txBytes: 0, rxPackets: 10, txPackets: 0 });
    const b = counters({
      rxBytes: 126_000,
      txBytes: 250_000,
      rxPackets: 110,
      txPackets: 200,
      rxErrors: 4,
      txErrors: 2,
      rxDrops: 6,
      txDrops: 8,
    });
    expect(ratesBetween(a, b, 2)).toEqual({
      rxBps: 500_000,
      txBps: 1_000_000,
      rxPps: 50,
      txPps: 100,
      rxErrors: 2,
      txErrors: 1,
      rxDrops: 3,
      txDrops: 4,
    });
  });
  it('gives nothing for an interval where any counter was reset', () => {
    expect(
      ratesBetween(counters({ rxBytes: 5000, txPackets: 9 }), counters({ rxBytes: 6000, txPackets: 1 }), 1),
    ).toBeNull();
  });
});

describe('RateTracker', () => {
  it('takes the first reading as baseline, then reports every interface', () => {
    const t = new RateTracker();
    expect(t.update(reading(0, { eth0: counters({ rxBytes: 0 }) }))).toBeNull();
    const u = t.update(reading(1000, { eth0: counters({ rxBytes: 125_000 }) }));
    expect(u?.intervalS).toBe(1);
    expect(u?.samples).toEqual([
      expect.objectContaining({ ifname: 'eth0', rxBps: 1_000_000, intervalS: 1, at: '2023-11-14T22:13:21.000Z' }),
    ]);
  });
  it('re-baselines a reset interface for one interval, and names appeared and vanished ones', () => {
    const t = new RateTracker();
    t.update(reading(0, { a: counters({ rxBytes: 900 }), gone: counters({}) }));
    const u = t.update(reading(1000, { a: counters({ rxBytes: 100 }), b: counters({ rxBytes: 5 }) }));
    expect(u).toMatchObject({ samples: [], resets: ['a'], appeared: ['b'], vanished: ['gone'] });
    const v = t.update(reading(2000, { a: counters({ rxBytes: 1100 }), b: counters({ rxBytes: 5 }) }));
    expect(v?.samples.map((s) => [s.ifname, s.rxBps])).toEqual([
      ['a', 8000],
      ['b', 0],
    ]);
  });
  it('gives no rates across a gap longer than maxGapS (suspend): an average over it would mislead', () => {
    const t = new RateTracker({ maxGapS: 10 });
    t.update(reading(0, { a: counters({}) }));
    expect(t.update(reading(11_000, { a: counters({ rxBytes: 1e9 }) }))).toBeNull();
    expect(t.update(reading(12_000, { a: counters({ rxBytes: 1e9 + 1000 }) }))?.samples[0]?.rxBps).toBe(8000);
  });
});

const PROC = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    2184      26    0    0    0     0          0         0     2184      26    0    0    0     0       0          0
vethA-long1: 123456789012345678 123456789 7 8 0 0 0 3 99 1 2 3 0 0 0 0
  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
`;

describe('parseProcNetDev', () => {
  it('reads bytes, packets, errs and drop of both directions for every device', () => {
    const m = parseProcNetDev(PROC);
    expect([...m.keys()]).toEqual(['lo', 'vethA-long1', 'eth0']);
    expect([...m.get('eth0')!]).toEqual([1, 2, 3, 4, 9, 10, 11, 12]);
    expect([...m.get('lo')!]).toEqual([2184, 26, 0, 0, 2184, 26, 0, 0]);
    expect(Math.abs(m.get('vethA-long1')![C.rxBytes]! / Number('123456789012345678') - 1)).toBeLessThan(1e-15); // beyond 2^53: within a double's precision
  });
  it('skips lines that are not 16 numbers after a name', () => {
    expect(parseProcNetDev(`h1\nh2\nbad: 1 2 3\n\n`).size).toBe(0);
  });
});

describe('ProcNetDevParser reusing a reading', () => {
  it('fills the same map and arrays again, drops vanished devices, adds new ones', () => {
    const p = new ProcNetDevParser();
    const first = p.parse(Buffer.from(PROC, 'latin1'), PROC.length);
    const eth0 = first.get('eth0');
    const next =
      PROC.replace('  eth0: 1 2', '  eth0: 100 2').replace(/^vethA-long1.*\n/m, '') +
      'new0: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
    const again = p.parse(Buffer.from(next, 'latin1'), next.length, first);
    expect(again).toBe(first);
    expect(again.get('eth0')).toBe(eth0);
    expect(again.get('eth0')![C.rxBytes]).toBe(100);
    expect([...again.keys()].sort()).toEqual(['eth0', 'lo', 'new0']);
  });
});

describe('RateTracker with recycle', () => {
  it('updates one sample object per interface in place and keeps the map to the interfaces sampled this tick', () => {
    const t = new RateTracker({ recycle: true });
    t.update(reading(0, { a: counters({ rxBytes: 0 }), b: counters({}) }));
    const u1 = t.update(reading(1000, { a: counters({ rxBytes: 125 }), b: counters({ txBytes: 10 }) }))!;
    const a1 = u1.rates.get('a');
    expect(a1?.rxBps).toBe(1000);
    const u2 = t.update(reading(2000, { a: counters({ rxBytes: 375 }), b: counters({ txBytes: 1 }) }))!;
    expect(u2.rates.get('a')).toBe(a1);
    expect(a1?.rxBps).toBe(2000);
    expect([...u2.rates.keys()]).toEqual(['a']);
    expect(u2.resets).toEqual(['b']);
    // Gone across a gap (no update for the gap's reading): not left behind in the map.
    t.update(reading(2000 + 61_000, { b: counters({ txBytes: 5 }) }));
    const u3 = t.update(reading(2000 + 62_000, { b: counters({ txBytes: 6 }) }))!;
    expect([...u3.rates.keys()]).toEqual(['b']);
  });
});

describe('parseIpStats', () => {
  it('reads stats64 of `ip -j -s -s link`, receive drops including missed', () => {
    const json = JSON.stringify([
      {
        ifname: 'a1',
        stats64: {
          rx: { bytes: 180, packets: 2, errors: 1, dropped: 3, missed_errors: 4 },
          tx: { bytes: 90, packets: 1, errors: 0, dropped: 5 },
        },
      },
      { ifname: 'nostats' },
    ]);
    const m = parseIpStats(json);
    expect([...m.keys()]).toEqual(['a1']);
    expect([...m.get('a1')!]).toEqual([180, 2, 1, 7, 90, 1, 0, 5]);
  });
  it('refuses output that is not a list', () => {
    expect(() => parseIpStats('{}')).toThrow(/list/);
  });
});
