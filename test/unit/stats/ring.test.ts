import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CODEC_MAX_REL_ERROR, decode, encode, get4, put4 } from '../../../electron/services/stats/codec';
import { FIELDS, History, TIERS, type TierSpec } from '../../../electron/services/stats/ring';

/** Small rings so laps and evictions happen in a few dozen slots: 1 s x 6, 3 s x 4, 9 s x 4. */
const SMALL: TierSpec[] = [
  { resS: 1, capacity: 6 },
  { resS: 3, capacity: 4 },
  { resS: 9, capacity: 4 },
];
const vals = (x: number, faults = 0) => Float64Array.from({ length: FIELDS }, (_, i) => (i < 4 ? x * (i + 1) : faults));
const col = (h: History, name: string, resS: number, start: number, points: number, step = 1, field = 0) => [
  ...h.read(name, resS, start, points, step)[field]!,
];
const close = (a: number, b: number) => Math.abs(a - b) <= Math.abs(b) * CODEC_MAX_REL_ERROR * 1.0001;

describe('codec', () => {
  it('keeps every rate within ±0.43 % from 0.001/s to 1 Tbit/s; 0 stays 0; NaN is "not sampled"', () => {
    expect(CODEC_MAX_REL_ERROR).toBeLessThan(0.0043);
    fc.assert(fc.property(fc.double({ min: 0.001, max: 1e12, noNaN: true }), (v) => close(decode(encode(v)), v)));
    expect(decode(encode(0))).toBe(0);
    expect(decode(encode(NaN))).toBeNaN();
    expect(decode(encode(1e15))).toBeLessThan(1.2e12);
  });
  it('packs four codes into three 16-bit words and back', () => {
    const arr = new Uint16Array(6);
    put4(arr, 1, [1e9, 0, 12.5, 987654], 0);
    const out = new Float64Array(4);
    get4(arr, 1, out, 0);
    expect(close(out[0]!, 1e9) && out[1] === 0 && close(out[2]!, 12.5) && close(out[3]!, 987654)).toBe(true);
    expect([...arr.slice(0, 3)]).toEqual([0, 0, 0]);
  });
});

describe('History', () => {
  it('gives back what was recorded at 1 s, and nothing where nothing was sampled', () => {
    const h = new History();
    const base = 1_700_000_000;
    for (let s = 0; s < 5; s++) h.record('eth0', base + s - 1, base + s, vals(1000 + s));
    const got = col(h, 'eth0', 1, base - 2, 9);
    expect(got.slice(0, 2).every(Number.isNaN)).toBe(true);
    got.slice(2, 7).forEach((v, i) => expect(close(v, 1000 + i)).toBe(true));
    expect(got.slice(7).every(Number.isNaN)).toBe(true);
    expect(col(h, 'nosuch', 1, base, 3).every(Number.isNaN)).toBe(true);
  });

  it('fills every slot a longer interval covers with its average', () => {
    const h = new History();
    h.record('eth0', 99, 100, vals(5));
    h.record('eth0', 100, 103, vals(7));
    expect(col(h, 'eth0', 1, 100, 4).map((v) => Math.round(v))).toEqual([5, 7, 7, 7]);
  });

  it('downsamples 1 s slots into 10 s averages, the open bucket included', () => {
    const h = new History();
    for (let s = 1000; s < 1025; s++) h.record('eth0', s - 1, s, vals(s - 999));
    const got = col(h, 'eth0', 10, 100, 3);
    expect(close(got[0]!, 5.5)).toBe(true); // 1..10
    expect(close(got[1]!, 15.5)).toBe(true); // 11..20
    expect(close(got[2]!, 23)).toBe(true); // 21..25, still open
  });

  it('keeps each ring to its capacity and never shows a previous lap across a gap', () => {
    const h = new History(SMALL);
    for (let s = 0; s < 6; s++) h.record('x', s - 1, s, vals(7));
    h.record('x', 19, 20, vals(1));
    const got = col(h, 'x', 1, 0, 21);
    expect(got.slice(0, 20).every(Number.isNaN)).toBe(true);
    expect(Math.round(got[20]!)).toBe(1);
    // The 3 s tier still holds buckets 0 and 1 (slot 20's bucket 6 is open, not written): they were sampled.
    expect(col(h, 'x', 3, 0, 7).map((v) => (Number.isNaN(v) ? null : Math.round(v)))).toEqual([
      7,
      7,
      null,
      null,
      null,
      null,
      1,
    ]);
    h.record('x', 23, 24, vals(1)); // closes bucket 6: the ring now reaches back to bucket 5 only
    expect(col(h, 'x', 3, 0, 7).map((v) => (Number.isNaN(v) ? null : Math.round(v)))).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      1,
    ]);
    const h2 = new History(SMALL);
    for (let s = 0; s < 6; s++) h2.record('x', s - 1, s, vals(7));
    h2.record('x', 8, 9, vals(1));
    expect(col(h2, 'x', 3, 0, 4).map((v) => (Number.isNaN(v) ? null : Math.round(v)))).toEqual([7, 7, null, 1]);
  });

  it('feeds the minute tier only with what leaves the 10 s tier, in the cold store, from then on', () => {
    const h = new History(SMALL);
    for (let s = 0; s < 12; s++) h.record('x', s - 1, s, vals(4));
    expect(h.rows.get('x')!.tiers[2]!.block).toBe(-1);
    for (let s = 12; s < 60; s++) h.record('x', s - 1, s, vals(s < 36 ? 4 : 9));
    expect(h.rows.get('x')!.tiers[2]!.block).toBe(0);
    expect(h.cold.bytes()).toBe(4 * 12);
    // 9 s buckets 0..6 cover slots 0..62; 0-2 left the 3 s tier long ago (value 4), 5-6 are still in it (value 9).
    const got = col(h, 'x', 9, 0, 7).map((v) => (Number.isNaN(v) ? null : Math.round(v)));
    expect(got.slice(0, 3)).toEqual([4, 4, 4]);
    expect(got.slice(5)).toEqual([9, 9]);
  });

  it('matches a plain map of slots for any sequence of intervals and gaps (1 s and 3 s tiers)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 50 })), { maxLength: 40 }),
        (steps) => {
          const h = new History(SMALL);
          const model = new Map<number, number>();
          let at = 100;
          for (const [len, x] of steps) {
            h.record('x', at, at + len, vals(x));
            for (let s = at + 1; s <= at + len; s++) model.set(s, x);
            at += len + (x % 3 === 0 ? 4 : 0); // some intervals leave a gap before the next
          }
          const last = Math.max(100, ...model.keys());
          const got = col(h, 'x', 1, last - 5, 6);
          got.forEach((v, i) => {
            const want = model.get(last - 5 + i);
            expect(want === undefined ? Number.isNaN(v) : close(v, want)).toBe(true);
          });
          // Closed 3 s buckets: the average of the model's sampled seconds in them.
          const b = Math.floor(last / 3) - 1;
          for (let k = b - 2; k <= b; k++) {
            const xs = [0, 1, 2].map((j) => model.get(k * 3 + j)).filter((v): v is number => v !== undefined);
            const v = col(h, 'x', 3, k, 1)[0]!;
            if (xs.length) expect(close(v, xs.reduce((p, q) => p + q, 0) / xs.length)).toBe(true);
            else expect(v).toBeNaN();
          }
        },
      ),
    );
  });

  it('stores errors and drops only while a ring holds a non-zero one', () => {
    const h = new History(SMALL);
    for (let s = 0; s < 3; s++) h.record('x', s - 1, s, vals(1));
    expect(h.rows.get('x')!.tiers[0]!.faults).toBeNull();
    h.record('x', 2, 3, vals(1, 2.5));
    expect(h.rows.get('x')!.tiers[0]!.faults).not.toBeNull();
    const errs = col(h, 'x', 1, 0, 4, 1, 4);
    expect(errs.slice(0, 3)).toEqual([0, 0, 0]);
    expect(close(errs[3]!, 2.5)).toBe(true);
    for (let s = 4; s < 12; s++) h.record('x', s - 1, s, vals(1));
    expect(h.rows.get('x')!.tiers[0]!.faults).toBeNull();
  });

  it('holds 24 h of 1000 interfaces in 57 MB of typed arrays (6 bytes per slot, 1 s x 900 + 10 s x 8640)', () => {
    const h = new History();
    for (let i = 0; i < 1000; i++) h.record(`veth${i}`, 99, 100, vals(i));
    const perRow = (TIERS[0]!.capacity + TIERS[1]!.capacity) * 6;
    expect(perRow).toBe(57_240);
    expect(h.bytes()).toBe(1000 * (perRow + 3 * FIELDS * 8));
    expect(h.bytes()).toBeLessThan(64 * 2 ** 20);
  });

  it('prunes rows with nothing left in any ring, and the longest-absent beyond a limit', () => {
    const h = new History(SMALL);
    h.record('old', 0, 1, vals(1));
    h.record('recent', 90, 91, vals(1));
    h.record('recent2', 92, 93, vals(1));
    h.record('here', 92, 93, vals(1));
    expect(h.prune(93, new Set(['here'])).sort()).toEqual(['old']);
    expect(h.prune(93, new Set(['here']), 1)).toEqual(['recent']);
    expect([...h.rows.keys()].sort()).toEqual(['here', 'recent2']);
  });
});
