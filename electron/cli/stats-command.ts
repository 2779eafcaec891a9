/** `novanet stats`: live rates of a target's interfaces, read the way the app reads them (one read per tick). */
import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../../shared/ipc/errors';
import { ifNameSchema, type Target } from '../../shared/model/target';
import { formatBitRate, type StatsSample } from '../../shared/model/stats';
import { RateTracker } from '../services/stats/rates';
import { openCounterSource } from '../services/stats/sampler';
import { addTargetOptions, targetFrom } from './target-options';
import { table } from './format';

interface StatsOptions {
  netns?: string;
  ovsDb?: string;
  libvirt?: string;
  interface?: string;
  interval: string;
  count?: string;
  json?: boolean;
}

/** Validated here rather than by commander so the message names the flag like every other input error. */
export function parseStatsOptions(o: StatsOptions): {
  target: Target;
  ifname?: string;
  intervalMs: number;
  count: number;
} {
  const target = targetFrom(o);
  const interval = Number(o.interval);
  if (!/^\s*\d*\.?\d+\s*$/.test(o.interval) || !(interval >= 0.1) || interval > 3600) {
    throw new ValidationError(
      `--interval: must be a number of seconds from 0.1 to 3600 (got ${JSON.stringify(o.interval)})`,
    );
  }
  let count = Infinity;
  if (o.count !== undefined) {
    count = Number(o.count);
    if (!/^\d+$/.test(o.count) || count < 1 || count > 1_000_000)
      throw new ValidationError(`--count: must be a whole number from 1 (got ${JSON.stringify(o.count)})`);
  }
  if (o.interface !== undefined) {
    const r = ifNameSchema.safeParse(o.interface);
    if (!r.success)
      throw new ValidationError(`--interface: ${r.error.issues[0]?.message ?? 'is not an interface name'}`);
  }
  return {
    target,
    ...(o.interface !== undefined ? { ifname: o.interface } : {}),
    intervalMs: Math.round(interval * 1000),
    count,
  };
}

const where = (t: Target) => (t.netns ? t.netns : 'this host');
const inWhere = (t: Target) => (t.netns ? `in ${t.netns}` : 'on this host');
const perS = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

function humanTable(samples: StatsSample[]): string {
  return table(
    ['INTERFACE', 'RX', 'TX', 'RX PKT/S', 'TX PKT/S', 'ERR/S RX/TX', 'DROP/S RX/TX'],
    samples.map((s) => [
      s.ifname,
      formatBitRate(s.rxBps),
      formatBitRate(s.txBps),
      perS(s.rxPps),
      perS(s.txPps),
      `${perS(s.rxErrors)}/${perS(s.txErrors)}`,
      `${perS(s.rxDrops)}/${perS(s.txDrops)}`,
    ]),
  );
}

let pipeWatched = false;

export async function runStats(
  o: StatsOptions,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<void> {
  const { target, ifname, intervalMs, count } = parseStatsOptions(o);
  const source = await openCounterSource(target);
  let stop = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stop = true;
    wake?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // `novanet stats | head`: a closed pipe ends the run quietly, like any line-printing tool.
  if (!pipeWatched) {
    pipeWatched = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(0);
    });
  }
  try {
    const tracker = new RateTracker({ maxGapS: Math.max(60, (intervalMs / 1000) * 3) });
    const first = await source.read();
    if (ifname && !first.counters.has(ifname))
      throw new ValidationError(`--interface: ${ifname} does not exist ${inWhere(target)}`);
    tracker.update(first);
    const t0 = performance.now();
    for (let i = 1; i <= count && !stop; i++) {
      // Deadlines from the start, not from the previous read: no drift over a long run.
      const wait = t0 + i * intervalMs - performance.now();
      if (wait > 0) await new Promise<void>((r) => ((wake = r), setTimeout(r, wait)));
      if (stop) break;
      const reading = await source.read();
      if (ifname && !reading.counters.has(ifname))
        throw new NotFoundError(`--interface: ${ifname} disappeared from ${where(target)}`);
      const u = tracker.update(reading);
      if (!u) continue;
      const samples = (ifname ? u.samples.filter((s) => s.ifname === ifname) : u.samples).sort((a, b) =>
        a.ifname < b.ifname ? -1 : 1,
      );
      if (o.json) out(samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
      else
        out(
          `${u.at ? new Date(u.at).toISOString() : ''}  (${u.intervalS.toFixed(2)} s, ${where(target)})\n${humanTable(samples)}\n\n`,
        );
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await source.close();
  }
}

export function addStatsCommand(program: Command): void {
  addTargetOptions(
    program
      .command('stats')
      .description('live traffic rates of interfaces: bit/s, packets/s, errors and drops per second'),
  )
    .option('--interface <name>', 'only this interface')
    .option('--interval <seconds>', 'seconds between samples (0.1 to 3600)', '1')
    .option('--count <n>', 'stop after this many samples (default: until interrupted)')
    .option(
      '--json',
      'one JSON object per interface and sample, one per line: ifname, at, intervalS, rxBps, txBps (bit/s), rxPps, txPps, rxErrors, txErrors, rxDrops, txDrops (per second)',
    )
    .action(async (opts: StatsOptions) => {
      await runStats(opts);
    });
}
