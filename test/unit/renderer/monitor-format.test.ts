import { describe, expect, it } from 'vitest';
import {
  formatAxisTick,
  formatDuration,
  formatPerSecond,
  formatRate,
  formatSize,
} from '../../../renderer/src/monitor/format';

describe('monitor formatting', () => {
  it('scales rates in SI steps, in bits or bytes', () => {
    expect(formatRate(0, 'bits')).toBe('0 bit/s');
    expect(formatRate(999, 'bits')).toBe('999 bit/s');
    expect(formatRate(1500, 'bits')).toBe('1.50 kbit/s');
    expect(formatRate(12_345_678, 'bits')).toBe('12.3 Mbit/s');
    expect(formatRate(8_000_000_000, 'bits')).toBe('8.00 Gbit/s');
    expect(formatRate(8000, 'bytes')).toBe('1.00 kB/s');
    expect(formatRate(800, 'bytes')).toBe('100 B/s');
    expect(formatRate(null, 'bits')).toBe('–');
  });
  it('keeps axis ticks short', () => {
    expect(formatAxisTick(0, 'bits')).toBe('0');
    expect(formatAxisTick(2500, 'bits')).toBe('2.5k');
    expect(formatAxisTick(40_000_000, 'bits')).toBe('40M');
    expect(formatAxisTick(1500, 'bytes')).toBe('1.5 kB');
  });
  it('formats per-second counts, sizes and durations', () => {
    expect(formatPerSecond(0)).toBe('0');
    expect(formatPerSecond(0.01)).toBe('<0.1');
    expect(formatPerSecond(4.96)).toBe('5.0');
    expect(formatPerSecond(1234)).toBe('1,234');
    expect(formatPerSecond(45_000)).toBe('45.0 k');
    expect(formatSize(480)).toBe('480 B');
    expect(formatSize(1_500_000)).toBe('1.50 MB');
    expect(formatDuration(339)).toBe('339 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
  });
});

describe('chart scales', () => {
  it('puts the y-axis top and ticks on round numbers, with a floor for idle series', async () => {
    const { niceScale, timeTicks } = await import('../../../renderer/src/monitor/format');
    expect(niceScale(202_000, 1000)).toEqual({ top: 250_000, ticks: [0, 50_000, 100_000, 150_000, 200_000, 250_000] });
    expect(niceScale(3, 1000)).toEqual({ top: 1000, ticks: [0, 200, 400, 600, 800, 1000] });
    expect(niceScale(7_400_000, 1000).top).toBe(8_000_000);
    const ticks = timeTicks(Date.UTC(2026, 0, 1, 10, 0, 30), Date.UTC(2026, 0, 1, 10, 5, 30), '5m');
    expect(ticks).toHaveLength(5);
    expect(ticks.every((t) => t % 60_000 === 0)).toBe(true);
  });
});
