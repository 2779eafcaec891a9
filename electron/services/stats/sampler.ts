/**
 * One read per tick for every interface of a Target.
 *
 * Measured here (namespace with 1001 interfaces, Node 20, 2 vCPU; figures per tick, CPU = user+system of Node
 * plus its children):
 *   /proc/<pid>/net/dev of a helper living in the namespace, pread on a kept fd + parse   ~2.0 ms CPU, 0 processes
 *   `ip -n NS -j -s link` + JSON.parse                                                     ~21-25 ms CPU, 1 process
 *   sysfs statistics/* per interface (8 files x 1001)                                     ~133 ms CPU
 *   `ip -s link show dev X` per interface                                                  ~4 s CPU, 1001 processes
 * So a namespace is read through /proc/<pid>/net/dev of one long-lived helper of ours (`ip netns exec NS cat`,
 * stdin a pipe from us: it ends with us even if we are killed, and is stopped by its PID). The host is read
 * through our own /proc/self/net/dev. `ip -j -s -s link` is the fallback when no helper can be started.
 * test/bench/stats.bench.ts repeats these measurements.
 */
import { closeSync, openSync, readlinkSync, readSync, readFileSync, statSync } from 'node:fs';
import { NotFoundError } from '../../../shared/ipc/errors';
import type { Target } from '../../../shared/model/target';
import { converse, inNetns, run as defaultRun, type Runner } from '../runner';
import { C, COUNTER_COUNT, RateTracker, type CounterReading, type Counters, type RateUpdate } from './rates';

export type ReadMethod = 'proc' | 'ip';

export interface CounterSource {
  readonly method: ReadMethod;
  read(): Promise<CounterReading>;
  /** Where this target's /sys/class/net can be read without a process (link speeds), if anywhere. */
  sysNetDir(): string | undefined;
  /** PID of the helper process living in the namespace, if one runs. */
  readonly helperPid: number | undefined;
  close(): Promise<void>;
}

/**
 * `/proc/net/dev`: two header lines, then `name: rx bytes packets errs drop fifo frame compressed multicast
 * tx bytes packets errs drop fifo colls carrier compressed`. Scanned as bytes, without one big string: this runs
 * every tick for every device. With `reuse`, a previous reading's map and arrays are filled again, and names
 * are kept per line while the bytes match, so a quiet tick allocates nothing per interface.
 */
export class ProcNetDevParser {
  private names: string[] = [];
  private readonly fields = new Float64Array(16);

  parse(b: Buffer, len: number, reuse?: Map<string, Counters>): Map<string, Counters> {
    const out = reuse ?? new Map<string, Counters>();
    const fields = this.fields;
    let pos = 0;
    for (let skip = 0; skip < 2 && pos < len; skip++) {
      const nl = b.indexOf(10, pos);
      pos = nl < 0 ? len : nl + 1;
    }
    let line = 0;
    while (pos < len) {
      let end = b.indexOf(10, pos);
      if (end < 0 || end > len) end = len;
      let colon = pos;
      while (colon < end && b[colon] !== 58) colon++;
      if (colon < end) {
        let ns = pos;
        while (ns < colon && b[ns] === 32) ns++;
        let n = 0;
        let i = colon + 1;
        while (i < end && n < 16) {
          while (i < end && b[i] === 32) i++;
          if (i >= end) break;
          let v = 0;
          let c = b[i] as number;
          while (c >= 48 && c <= 57) {
            v = v * 10 + (c - 48);
            c = b[++i] as number;
          }
          fields[n++] = v;
          while (i < end && b[i] !== 32) i++;
        }
        if (n === 16 && colon > ns) {
          const cached = this.names[line];
          const name = cached !== undefined && sameName(b, ns, colon, cached) ? cached : (this.names[line] = b.toString('latin1', ns, colon));
          line++;
          let k = out.get(name);
          if (!k) out.set(name, (k = new Float64Array(COUNTER_COUNT)));
          k[C.rxBytes] = fields[0] as number;
          k[C.rxPackets] = fields[1] as number;
          k[C.rxErrors] = fields[2] as number;
          k[C.rxDrops] = fields[3] as number;
          k[C.txBytes] = fields[8] as number;
          k[C.txPackets] = fields[9] as number;
          k[C.txErrors] = fields[10] as number;
          k[C.txDrops] = fields[11] as number;
        }
      }
      pos = end + 1;
    }
    this.names.length = line;
    if (out.size !== line) {
      const now = new Set(this.names);
      for (const key of out.keys()) if (!now.has(key)) out.delete(key);
    }
    return out;
  }
}

function sameName(b: Buffer, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (b[from + i] !== name.charCodeAt(i)) return false;
  return true;
}

export function parseProcNetDevBytes(b: Buffer, len: number): Map<string, Counters> {
  return new ProcNetDevParser().parse(b, len);
}

export function parseProcNetDev(text: string): Map<string, Counters> {
  const b = Buffer.from(text, 'latin1');
  return parseProcNetDevBytes(b, b.length);
}

interface IpStatsLink {
  ifname?: string;
  stats64?: {
    rx?: { bytes?: number; packets?: number; errors?: number; dropped?: number; missed_errors?: number };
    tx?: { bytes?: number; packets?: number; errors?: number; dropped?: number };
  };
}

/** `ip -j -s -s link`: receive drops include missed, to match /proc/net/dev's "drop" column. */
export function parseIpStats(json: string): Map<string, Counters> {
  const data = JSON.parse(json) as unknown;
  if (!Array.isArray(data)) throw new Error('ip -j -s link did not print a list');
  const out = new Map<string, Counters>();
  for (const l of data as IpStatsLink[]) {
    const s = l.stats64;
    if (!l.ifname || !s?.rx || !s.tx) continue;
    const k = new Float64Array(COUNTER_COUNT);
    k[C.rxBytes] = s.rx.bytes ?? 0;
    k[C.rxPackets] = s.rx.packets ?? 0;
    k[C.rxErrors] = s.rx.errors ?? 0;
    k[C.rxDrops] = (s.rx.dropped ?? 0) + (s.rx.missed_errors ?? 0);
    k[C.txBytes] = s.tx.bytes ?? 0;
    k[C.txPackets] = s.tx.packets ?? 0;
    k[C.txErrors] = s.tx.errors ?? 0;
    k[C.txDrops] = s.tx.dropped ?? 0;
    out.set(l.ifname, k);
  }
  return out;
}

function missingNs(ns: string): NotFoundError {
  return new NotFoundError(`network namespace "${ns}" does not exist`);
}

function nsInode(ns: string): number {
  try {
    return statSync(`/run/netns/${ns}`).ino;
  } catch {
    throw missingNs(ns);
  }
}

/** Reads a /proc seq file through a kept descriptor: one pread per chunk, the buffer grows once as needed. */
class ProcFile {
  private fd: number;
  private buf = Buffer.allocUnsafe(64 * 1024);
  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }
  /** The whole file into the kept buffer; returns it and the length read. */
  read(): { buf: Buffer; len: number } {
    let off = 0;
    for (;;) {
      if (off === this.buf.length) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, off);
        this.buf = bigger;
      }
      const n = readSync(this.fd, this.buf, off, this.buf.length - off, off);
      if (n === 0) return { buf: this.buf, len: off };
      off += n;
    }
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

interface Helper {
  pid: number;
  exited: Promise<number>;
}

const HELPER_START_MS = 3000;

/** A process of ours parked in the namespace, so its /proc/<pid>/net and /proc/<pid>/root/sys show the namespace. */
async function startHelper(ns: string, ino: number, run: Runner): Promise<Helper> {
  const conv = converse(inNetns(ns, ['cat']), () => undefined);
  const pid = conv.pid;
  if (!pid) throw new Error(`could not start a helper in namespace ${ns}`);
  let ended = false;
  const exited = conv.exited.then((c) => ((ended = true), c));
  const want = `net:[${ino}]`;
  const deadline = Date.now() + HELPER_START_MS;
  while (!ended && Date.now() < deadline) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === want) return { pid, exited };
    } catch {
      /* not there yet or already gone */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!ended) stopPid(pid);
  // Let `ip` say why (no root, namespace gone) through the runner, which keeps its first stderr line.
  await run(inNetns(ns, ['true']), { timeoutMs: 5000 });
  throw new Error(`the helper in namespace ${ns} did not start`);
}

function stopPid(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

class ProcSource implements CounterSource {
  readonly method = 'proc' as const;
  private file: ProcFile;
  /** With recycle: the readings before the last, whose arrays the next read fills again. */
  private older: Map<string, Counters> | undefined;
  private newer: Map<string, Counters> | undefined;
  private readonly parser = new ProcNetDevParser();
  private constructor(
    private readonly ns: string | undefined,
    private ino: number,
    private helper: Helper | undefined,
    private readonly run: Runner,
    private readonly recycle: boolean,
  ) {
    this.file = new ProcFile(helper ? `/proc/${helper.pid}/net/dev` : '/proc/self/net/dev');
  }

  static async open(target: Target, run: Runner, recycle: boolean): Promise<ProcSource> {
    if (!target.netns) return new ProcSource(undefined, 0, undefined, run, recycle);
    const ino = nsInode(target.netns);
    return new ProcSource(target.netns, ino, await startHelper(target.netns, ino, run), run, recycle);
  }

  get helperPid(): number | undefined {
    return this.helper?.pid;
  }

  sysNetDir(): string | undefined {
    return this.helper ? `/proc/${this.helper.pid}/root/sys/class/net` : '/sys/class/net';
  }

  async read(): Promise<CounterReading> {
    if (this.ns) await this.checkNamespace(this.ns);
    const { buf, len } = this.file.read();
    const counters = this.parser.parse(buf, len, this.recycle ? this.older : undefined);
    if (this.recycle) {
      this.older = this.newer;
      this.newer = counters;
    }
    return { at: Date.now(), mono: performance.now(), counters };
  }

  /**
   * Our helper keeps the namespace alive after `ip netns del` (and the kept fd would too): once its name is gone
   * or names another namespace, let go at once so the kernel can tear it down, then report it (or follow the new one).
   */
  private async checkNamespace(ns: string): Promise<void> {
    let ino: number | undefined;
    try {
      ino = statSync(`/run/netns/${ns}`).ino;
    } catch {
      ino = undefined;
    }
    const helperAlive = this.helper && existsPid(this.helper.pid);
    if (ino === this.ino && helperAlive) return;
    this.file.close();
    if (this.helper) stopPid(this.helper.pid);
    this.helper = undefined;
    if (ino === undefined) throw missingNs(ns);
    this.ino = ino;
    this.helper = await startHelper(ns, ino, this.run);
    this.file = new ProcFile(`/proc/${this.helper.pid}/net/dev`);
  }

  async close(): Promise<void> {
    this.file.close();
    const h = this.helper;
    this.helper = undefined;
    if (h) {
      stopPid(h.pid);
      await h.exited;
    }
  }
}

function existsPid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

class IpSource implements CounterSource {
  readonly method = 'ip' as const;
  readonly helperPid = undefined;
  constructor(
    private readonly target: Target,
    private readonly run: Runner,
  ) {}
  sysNetDir(): string | undefined {
    return this.target.netns ? undefined : '/sys/class/net';
  }
  async read(): Promise<CounterReading> {
    const ns = this.target.netns;
    if (ns) nsInode(ns);
    const res = await this.run(['ip', ...(ns ? ['-n', ns] : []), '-j', '-s', '-s', 'link', 'show'], { timeoutMs: 5000 });
    return { at: Date.now(), mono: performance.now(), counters: parseIpStats(res.stdout) };
  }
  async close(): Promise<void> {}
}

export interface SourceOptions {
  method?: ReadMethod | 'auto';
  run?: Runner;
  /**
   * Fill the counter arrays of the reading before the last one again instead of allocating (less garbage per
   * tick): only for a caller that keeps no reading longer than the next read, as RateTracker.
   */
  recycle?: boolean;
}

/** The cheapest source that works: /proc (a helper for a namespace), else `ip -j -s link` per tick. */
export async function openCounterSource(target: Target, opts: SourceOptions = {}): Promise<CounterSource> {
  const run = opts.run ?? defaultRun;
  const method = opts.method ?? 'auto';
  if (target.netns) nsInode(target.netns);
  if (method === 'ip') return new IpSource(target, run);
  try {
    return await ProcSource.open(target, run, opts.recycle ?? false);
  } catch (err) {
    if (method === 'proc' || err instanceof NotFoundError) throw err;
    return new IpSource(target, run);
  }
}

/** Nominal speed in bit/s from sysfs; undefined where the driver has none (-1, EINVAL) or sysfs is unreachable. */
export function readSpeedBps(sysNetDir: string | undefined, ifname: string): number | undefined {
  if (!sysNetDir || ifname.includes('/')) return undefined;
  try {
    const mbit = Number(readFileSync(`${sysNetDir}/${ifname}/speed`, 'latin1').trim());
    return mbit > 0 ? mbit * 1e6 : undefined;
  } catch {
    return undefined;
  }
}

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
