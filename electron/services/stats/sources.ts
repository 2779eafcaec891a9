/**
 * Where counters come from: /proc/net/dev of our own process (the host) or of a helper parked in the namespace,
 * else `ip -j -s -s link` per tick. sampler.ts has the measurements that chose this order.
 */
import { closeSync, openSync, readlinkSync, readSync, readFileSync, statSync } from 'node:fs';
import { NotFoundError } from '../../../shared/ipc/errors';
import type { Target } from '../../../shared/model/target';
import { converse, inNetns, run as defaultRun, type Runner } from '../runner';
import { ProcNetDevParser, parseIpStats } from './parse-counters';
import type { CounterReading, Counters } from './rates';

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
    const res = await this.run(['ip', ...(ns ? ['-n', ns] : []), '-j', '-s', '-s', 'link', 'show'], {
      timeoutMs: 5000,
    });
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
