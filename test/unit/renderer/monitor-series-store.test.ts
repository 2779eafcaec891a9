import { describe, expect, it } from 'vitest';
import {
  ErrorWindow,
  LiveBuffer,
  historyToPoints,
  lastValue,
  type RatePoint,
} from '../../../renderer/src/monitor/series-store';
import { chartsToCsv } from '../../../renderer/src/monitor/csv';
import type { SeriesSample } from '../../../shared/model/stats';

const sample = (key: string, rxBps: number, extra: Partial<SeriesSample> = {}): SeriesSample => ({
  key,
  rxBps,
  txBps: rxBps / 2,
  rxPps: 1,
  txPps: 1,
  rxErrors: 0,
  txErrors: 0,
  rxDrops: 0,
  txDrops: 0,
  ...extra,
});
const at = (s: number) => new Date(1_800_000_000_000 + s * 1000).toISOString();

describe('live chart buffer', () => {
  it('appends per series, replaces arrays only for series that changed, and caps the tail', () => {
    const b = new LiveBuffer(3);
    b.push({ at: at(0), samples: [sample('if:a', 1), sample('if:b', 2)] });
    const bBefore = b.get('if:b');
    expect(b.push({ at: at(1), samples: [sample('if:a', 10)] })).toEqual(['if:a']);
    expect(b.get('if:b')).toBe(bBefore);
    b.push({ at: at(2), samples: [sample('if:a', 20)] });
    b.push({ at: at(3), samples: [sample('if:a', 30)] });
    expect(b.get('if:a').map((p) => p.rxBps)).toEqual([10, 20, 30]);
    // A repeated or older timestamp is not a new point.
    expect(b.push({ at: at(3), samples: [sample('if:a', 99)] })).toEqual([]);
  });

  it('puts history before the live points that arrived while it was loading', () => {
    const b = new LiveBuffer(300);
    b.push({ at: at(100), samples: [sample('if:a', 5)] });
    const hist: RatePoint[] = [98, 99, 100].map((s) => ({ ...nullPoint(1_800_000_000_000 + s * 1000), rxBps: s }));
    b.seed('if:a', hist);
    expect(b.get('if:a').map((p) => p.rxBps)).toEqual([98, 99, 5]);
    b.retain(new Set(['if:other']));
    expect(b.get('if:a')).toHaveLength(0);
  });

  it('turns history columns into points, and finds the last real value', () => {
    const pts = historyToPoints({
      range: '1h',
      start: 1000,
      stepS: 10,
      points: 3,
      series: [
        {
          key: 'if:a',
          rxBps: [1, 2, null],
          txBps: [1, 2, null],
          rxPps: [0, 0, null],
          txPps: [0, 0, null],
          rxErrors: [0, 0, null],
          txErrors: [0, 0, null],
          rxDrops: [0, 0, null],
          txDrops: [0, 0, null],
        },
      ],
    }).get('if:a')!;
    expect(pts.map((p) => p.t)).toEqual([1000, 11_000, 21_000]);
    expect(lastValue(pts)?.rxBps).toBe(2);
  });
});

describe('errors and drops window', () => {
  it('counts rate x interval per series and forgets what left the window', () => {
    const w = new ErrorWindow(10_000);
    w.add(0, 2, [sample('if:a', 0, { rxErrors: 1, txDrops: 0.5 }), sample('if:b', 0)]);
    w.add(5000, 2, [sample('if:a', 0, { rxErrors: 1 })]);
    expect(w.tallies()).toEqual([{ key: 'if:a', errors: 4, drops: 1, lastAt: 5000 }]);
    w.add(12_000, 2, []);
    expect(w.tallies()).toEqual([{ key: 'if:a', errors: 2, drops: 0, lastAt: 5000 }]);
  });
});

describe('CSV export', () => {
  it('writes one row per series and time in the chosen unit, quoting labels', () => {
    const p = {
      ...nullPoint(0),
      rxBps: 800,
      txBps: 80,
      rxPps: 1,
      txPps: 2,
      rxErrors: 0,
      txErrors: 0,
      rxDrops: 0,
      txDrops: 0,
    };
    const csv = chartsToCsv([{ key: 'pg:s:g', label: 'vlan 10, "office"', points: [p, nullPoint(1000)] }], 'bytes');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'time,series,key,rx (B/s),tx (B/s),rx packets/s,tx packets/s,rx errors/s,tx errors/s,rx drops/s,tx drops/s',
    );
    expect(lines[1]).toBe('1970-01-01T00:00:00.000Z,"vlan 10, ""office""",pg:s:g,100,10,1,2,0,0,0,0');
    expect(lines).toHaveLength(2);
  });
});

function nullPoint(t: number): RatePoint {
  return {
    t,
    rxBps: null,
    txBps: null,
    rxPps: null,
    txPps: null,
    rxErrors: null,
    txErrors: null,
    rxDrops: null,
    txDrops: null,
  };
}
