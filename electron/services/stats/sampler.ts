/**
 * One read per tick for every interface of a Target.
 *
 * Measured (test/bench/stats.bench.ts: a namespace with 1001 interfaces, Node 20, a shared 2-vCPU VM; per
 * tick, CPU = user+system of Node plus its children):
 *   /proc/<pid>/net/dev of a helper in the namespace, pread on a kept fd + parse   1.7 ms CPU, 0 processes
 *   `ip -j -s -s link` + JSON.parse                                                33 ms CPU, 1 process (20x)
 *   sysfs statistics/* per interface (8 files x 1001)                              126 ms CPU (75x)
 *   `ip -s link show dev X` per interface                                          ~8 s CPU, 1001 processes
 * At 1 Hz over 60 s the whole monitor (read, rates, history, alerts, two subscriptions) took 0.73 % of one core,
 * `ip -j -s link` per tick 3.6 %, the per-interface sysfs walk 14.9 %.
 * So a namespace is read through /proc/<pid>/net/dev of one long-lived helper of ours (`ip netns exec NS cat`,
 * stdin a pipe from us: it ends with us even if we are killed, and is stopped by its PID). The host is read
 * through our own /proc/self/net/dev. `ip -j -s -s link` is the fallback when no helper can be started.
 * test/bench/stats.bench.ts repeats these measurements.
 */
import { NotFoundError } from '../../../shared/ipc/errors';
import { RateTracker, type CounterReading, type RateUpdate } from './rates';
import type { CounterSource } from './sources';

export { openCounterSource, readSpeedBps, type CounterSource, type ReadMethod, type SourceOptions } from './sources';
export { parseIpStats, parseProcNetDev, parseProcNetDevBytes, ProcNetDevParser } from './parse-counters';

export interface SamplerOptions {
  intervalMs: number;
  /** Samples updated in place (see RateTracker): onUpdate must not keep them past the next tick. */
  recycle?: boolean;
  onUpdate(update: RateUpdate, reading: CounterReading): void;
  onError(err: unknown): void;
}

/**
 * Ticks on wall-clock multiples of the interval (plus a few ms), so one tick lands in each history slot; a late
 * timer just makes a longer interval, whose rates are still exact averages.
 */
export class Sampler {
  readonly tracker: RateTracker;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy = false;

  constructor(
    readonly source: CounterSource,
    private readonly opts: SamplerOptions,
  ) {
    this.tracker = new RateTracker({ recycle: opts.recycle ?? false });
  }

  /** Takes the baseline reading (its errors reach the caller: unknown namespace, no permission) and starts ticking. */
  async start(): Promise<CounterReading> {
    const reading = await this.source.read();
    this.tracker.update(reading);
    this.running = true;
    this.schedule();
    return reading;
  }

  private schedule(): void {
    if (!this.running) return;
    const iv = this.opts.intervalMs;
    const wait = iv - (Date.now() % iv) + 5;
    this.timer = setTimeout(() => void this.tick(), wait);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const reading = await this.source.read();
      const update = this.tracker.update(reading);
      if (update && this.running) this.opts.onUpdate(update, reading);
    } catch (err) {
      this.opts.onError(err);
      if (err instanceof NotFoundError) this.running = false;
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.source.close();
  }
}
