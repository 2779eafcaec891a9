import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveList } from '../../../electron/services/capture/live';
import type { PacketSummary } from '../../../shared/model/capture';

const pkt = (no: number): PacketSummary => ({
  no,
  time: no,
  src: 'a',
  dst: 'b',
  protocol: 'UDP',
  length: 60,
  summary: 'x',
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('LiveList (at most 20 summaries per 100 ms)', () => {
  it('sends one batch per window, the rest counted as more', () => {
    const got: [number, number][] = [];
    const live = new LiveList((p, more) => got.push([p.length, more]));
    for (let i = 1; i <= 1000; i++) live.add(pkt(i));
    expect(live.full).toBe(true);
    live.skip(500);
    expect(got).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(got).toEqual([[20, 1480]]);
    for (let i = 1; i <= 5; i++) live.add(pkt(i));
    vi.advanceTimersByTime(99);
    expect(got.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([
      [20, 1480],
      [5, 0],
    ]);
  });

  it('bounds the rate over a long burst: summaries per second never exceed 200', () => {
    let sent = 0;
    let counted = 0;
    const live = new LiveList((p, more) => {
      sent += p.length;
      counted += p.length + more;
    });
    for (let ms = 0; ms < 1000; ms++) {
      for (let k = 0; k < 50; k++) {
        if (live.full) live.skip(1);
        else live.add(pkt(1));
      }
      vi.advanceTimersByTime(1);
    }
    live.flush();
    expect(sent).toBeLessThanOrEqual(20 * 11);
    expect(counted).toBe(50_000);
  });

  it('is silent when nothing arrives, and flush sends what is pending at once', () => {
    const emit = vi.fn();
    const live = new LiveList(emit);
    vi.advanceTimersByTime(1000);
    live.flush();
    expect(emit).not.toHaveBeenCalled();
    live.add(pkt(1));
    live.flush();
    expect(emit).toHaveBeenCalledWith([pkt(1)], 0);
  });
});
