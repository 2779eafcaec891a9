/**
 * Sampling 1000 interfaces (500 veth pairs in a namespace, plus lo) at 1 Hz: CPU time of NovaNet's monitor
 * (one /proc/<pid>/net/dev read per tick, rates, history, alerts, a top-20 and a 20-series subscription) as a share
 * of one core, beside the per-interface way (sysfs statistics files of each interface) and `ip -j -s link` per
 * tick; then the memory of 24 h of history for 1000 interfaces, and the history file's save and load.
 * CPU is user+system of this process plus its waited-for children (/proc/self/stat cutime+cstime).
 * Run (root): node --import tsx test/bench/stats.bench.ts   NOVANET_BENCH_SECONDS=20 to shorten the 60 s runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openCounterSource, type CounterSource } from '../../electron/services/stats/sampler';
import { RateTracker } from '../../electron/services/stats/rates';
import { TargetMonitor } from '../../electron/services/stats/monitor';
import { AlertEngine } from '../../electron/services/stats/alerts';
import { FIELDS, TIERS } from '../../electron/services/stats/ring';
import { loadHistory, saveHistory, DEFAULT_ALERT_RULES } from '../../electron/services/stats/store';
import { zeroRates } from '../../electron/services/stats/rates';

const NS = `nnstb${process.pid % 10000}`;
const PAIRS = 500;
const SECONDS = Number(process.env.NOVANET_BENCH_SECONDS ?? 60);
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const FILES = [
  'rx_bytes',
  'tx_bytes',
  'rx_packets',
  'tx_packets',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** CPU ms of this process and its reaped children. */
function cpuMs(): number {
  const u = process.cpuUsage();
  const f = readFileSync('/proc/self/stat', 'latin1');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (u.user + u.system) / 1000 + ((Number(rest[13]) + Number(rest[14])) * 1000) / CLK_TCK;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** Mean CPU and median wall time per call. */
async function perTick(n: number, fn: () => unknown): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const walls: number[] = [];
  const c0 = cpuMs();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    walls.push(performance.now() - t);
  }
  return { cpu: (cpuMs() - c0) / n, wall: median(walls) };
}

/** Runs `tick` on every wall-clock second for SECONDS s; CPU share of one core in %. */
async function atOneHz(tick: () => unknown, seconds = SECONDS): Promise<number> {
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 1; i <= seconds; i++) {
    await sleep(Math.max(0, t0 + i * 1000 - performance.now()));
    await tick();
  }
  return ((cpuMs() - c0) / (performance.now() - t0)) * 100;
}

function sysfsWalk(dir: string, names: string[]): number {
  let sum = 0;
  for (const n of names) for (const f of FILES) sum += Number(readFileSync(`${dir}/${n}/statistics/${f}`, 'latin1'));
  return sum;
}

async function cpuSection(): Promise<void> {
  const proc = await openCounterSource({ netns: NS }, { method: 'proc' });
  const ipSrc: CounterSource = await openCounterSource({ netns: NS }, { method: 'ip' });
  const sys = proc.sysNetDir() as string;
  const names = [...(await proc.read()).counters.keys()];
  console.log(`namespace ${NS}: ${names.length} interfaces; helper pid ${proc.helperPid}`);

  const p = await perTick(100, () => proc.read());
  const i = await perTick(20, () => ipSrc.read());
  const s = await perTick(5, () => sysfsWalk(sys, names));
  const sample = names.slice(0, 50);
  const c0 = cpuMs();
  const t0 = performance.now();
  for (const n of sample) spawnSync('ip', ['-n', NS, '-s', 'link', 'show', 'dev', n], { encoding: 'utf8' });
  const perIf = {
    cpu: ((cpuMs() - c0) / sample.length) * names.length,
    wall: ((performance.now() - t0) / sample.length) * names.length,
  };
  console.log('\nPer tick, all interfaces (CPU incl. children; wall = median):');
  console.log(
    `  /proc/<pid>/net/dev read + parse      ${p.cpu.toFixed(2)} ms CPU  ${p.wall.toFixed(2)} ms wall   0 processes`,
  );
  console.log(
    `  ip -j -s -s link + JSON.parse         ${i.cpu.toFixed(2)} ms CPU  ${i.wall.toFixed(2)} ms wall   1 process   (${(i.cpu / p.cpu).toFixed(1)}x /proc)`,
  );
  console.log(
    `  sysfs statistics/* per interface      ${s.cpu.toFixed(2)} ms CPU  ${s.wall.toFixed(2)} ms wall   ${names.length * 8} files (${(s.cpu / p.cpu).toFixed(0)}x /proc)`,
  );
  console.log(
    `  ip -s link show dev X per interface   ${perIf.cpu.toFixed(0)} ms CPU  ${perIf.wall.toFixed(0)} ms wall   ${names.length} processes (${(perIf.cpu / p.cpu).toFixed(0)}x /proc; from ${sample.length} calls)`,
  );

  // The whole monitor, as the app runs it: sampler, history, attribution, alerts, a subscription to everything.
  const dir = mkdtempSync(join(tmpdir(), 'nnstb-'));
  const mon = new TargetMonitor(
    { netns: NS },
    {
      rules: DEFAULT_ALERT_RULES,
      storePath: join(dir, 'b.nnstats'),
      watch: false,
      method: 'proc',
      onSample: () => undefined,
    },
  );
  await mon.start();
  // What a monitor view asks for: a top-talkers table over every interface and 20 charted series.
  mon.subscribe({ kinds: ['interface'], top: 20, intervalS: 1 });
  mon.subscribe({ keys: names.slice(0, 20).map((n) => `if:${n}`), intervalS: 1 });
  await sleep(2500);
  let ticks = 0;
  const monCpu = await atOneHz(() => void ticks++);
  const recorded = mon.history.rows.size;
  await mon.close();
  rmSync(dir, { recursive: true, force: true });

  const tracker = new RateTracker();
  const ipCpu = await atOneHz(async () => tracker.update(await ipSrc.read()));
  const sysCpu = await atOneHz(() => sysfsWalk(sys, names));
  // What this very process costs doing nothing but wake once a second: the floor under every figure above.
  const idleCpu = await atOneHz(() => undefined, Math.min(SECONDS, 20));
  await proc.close();
  await ipSrc.close();
  console.log(`\nAt 1 Hz for ${SECONDS} s (CPU time / wall time, % of one core):`);
  console.log(
    `  NovaNet monitor (/proc, history ${recorded} rows, alerts, 2 subscriptions)  ${monCpu.toFixed(3)} %   target <= 1 %: ${monCpu <= 1 ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `  ip -j -s link per tick + rates                                ${ipCpu.toFixed(3)} %   (${(ipCpu / monCpu).toFixed(1)}x NovaNet)`,
  );
  console.log(
    `  per-interface sysfs reads                                     ${sysCpu.toFixed(3)} %   (${(sysCpu / monCpu).toFixed(1)}x NovaNet)`,
  );
  console.log(
    `  per-interface ip -s link show dev X (cannot keep 1 Hz)        ${((perIf.cpu / 1000) * 100).toFixed(0)} %   (${(perIf.cpu / 10 / monCpu).toFixed(0)}x NovaNet, from the per-tick cost)`,
  );
  console.log(`  floor: this process waking once a second, doing nothing       ${idleCpu.toFixed(3)} %`);
}

/** Full collections, with time for the array-buffer sweeper (backing stores are freed after the GC proper). */
async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  return process.memoryUsage();
}

async function memorySection(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nnstb-mem-'));
  const path = join(dir, 'mem.nnstats');
  const before = await settle();
  const { history: h } = loadHistory(path);
  const v = new Float64Array(FIELDS);
  const N = 1000;
  const names = Array.from({ length: N }, (_, i) => `veth${i}`);
  const start = 1_800_000_000;
  const end = start + 86_400 + 3600; // a day and an hour: the minute tier has started on disk
  const t0 = performance.now();
  for (let s = start + 1; s <= end; s++) {
    for (let i = 0; i < N; i++) {
      v[0] = 1e6 * (1 + i) * (1 + 0.3 * Math.sin(s / 60 + i));
      v[1] = v[0] / 3;
      v[2] = v[0] / 8000;
      v[3] = v[1] / 8000;
      const faulty = i % 20 === 0 && s % 600 < 5; // 5 % of interfaces see errors now and then
      v[4] = v[5] = v[6] = v[7] = faulty ? 2 : 0;
      h.record(names[i] as string, s - 1, s, v);
    }
  }
  const fillS = (performance.now() - t0) / 1000;
  const after = await settle();
  const typed = h.bytes();
  const perRow = (TIERS[0]!.capacity + TIERS[1]!.capacity) * 6;
  console.log(`\nMemory, ${N} interfaces after 25 h of 1 s samples (filled in ${fillS.toFixed(0)} s):`);
  console.log(
    `  typed arrays of the history          ${mb(typed)}  (${perRow} B per interface + errors/drops where non-zero)`,
  );
  const held = after.arrayBuffers - before.arrayBuffers + (after.heapUsed - before.heapUsed);
  console.log(
    `  arrayBuffers + heapUsed growth       ${mb(held)}  (target: 24 h x 1000 interfaces in 64 MiB = 67.1 MB: ${held <= 64 * 2 ** 20 ? 'PASS' : 'FAIL'})`,
  );
  console.log(
    `  rss / heapTotal growth               ${mb(after.rss - before.rss)} / ${mb(after.heapTotal - before.heapTotal)}  (rss also moves with pages freed or reused from before and V8's young generation: shown, not judged)`,
  );
  console.log(
    `  worst case, errors on every interface all day: ${mb(2 * N * perRow)}; the minute tier on disk: ${mb(h.cold.bytes())} now, ${mb(N * TIERS[2]!.capacity * 12)} after 7 days`,
  );
  // Rates and alerts for 1000 interfaces, per tick.
  const alerts = new AlertEngine(DEFAULT_ALERT_RULES);
  const rates = new Map(names.map((n, i) => [n, { ...zeroRates(), rxBps: 1e6 * i, txBps: 5e5 * i }]));
  const ta = performance.now();
  for (let k = 0; k < 200; k++) alerts.evaluate({ at: 1_800_000_000_000 + k * 1000, intervalS: 1, rates });
  const tr = performance.now();
  for (let k = 1; k <= 200; k++) for (const n of names) h.record(n, end + k - 1, end + k, v);
  console.log(
    `  per tick for ${N} interfaces: history ${((performance.now() - tr) / 200).toFixed(2)} ms, alerts ${((tr - ta) / 200).toFixed(2)} ms`,
  );
  const ts = performance.now();
  const size = saveHistory(h, path);
  const saveMs = performance.now() - ts;
  h.close();
  const tl = performance.now();
  const loaded = loadHistory(path);
  console.log(
    `  history file: ${mb(size)}, saved in ${saveMs.toFixed(0)} ms, loaded in ${(performance.now() - tl).toFixed(0)} ms (${loaded.status})`,
  );
  loaded.history.close();
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  // Memory first, in a process that holds nothing else yet.
  await memorySection();
  execFileSync('ip', ['netns', 'add', NS]);
  try {
    const lines = ['link set lo up'];
    for (let i = 0; i < PAIRS; i++)
      lines.push(`link add a${i} type veth peer name b${i}`, `link set a${i} up`, `link set b${i} up`);
    execFileSync('ip', ['-n', NS, '-batch', '-'], { input: `${lines.join('\n')}\n` });
    await sleep(1000);
    await cpuSection();
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
  }
}

await main();
