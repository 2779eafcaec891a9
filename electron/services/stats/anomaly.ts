/**
 * The anomaly band: an exponentially weighted mean and variance of a rate (window N = windowMin minutes of ticks,
 * alpha = 2/(N+1)). A rate more than k standard deviations from the mean *and* more than floorBps away is out of
 * band. The floor keeps near-idle links (sigma of a few bit/s) quiet; the warm-up (a quarter of the window)
 * keeps a fresh start quiet. Out-of-band values do not feed the band (else a spike widens the band that judges
 * it within two ticks); a level that lasts a quarter of the window becomes the new mean, so a lasting change
 * alerts once and then ends.
 */
import type { Effective } from './alert-rules';

export type AnomalyRule = NonNullable<Effective['anomaly']>;

export interface Band {
  mean: number;
  variance: number;
  n: number;
  /** Consecutive ticks out of band. */
  out: number;
}

/** Updates band `d` with the rate `x`; the band it was judged against when out of it. */
export function outOfBand(
  bands: (Band | undefined)[],
  d: number,
  x: number,
  intervalS: number,
  a: AnomalyRule,
): { mean: number; low: number; high: number } | undefined {
  const n = Math.max(2, (a.windowMin * 60) / intervalS);
  const alpha = 2 / (n + 1);
  const b = bands[d];
  if (!b) {
    bands[d] = { mean: x, variance: 0, n: 1, out: 0 };
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
