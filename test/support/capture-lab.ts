/**
 * What the capture integration tests and benchmark share: two namespaces joined by a veth pair, commands run
 * inside them (spawned by us, ended only by their own PIDs), the processes this test process has started (to
 * prove nothing is left), and a stand-in for pkexec so the unprivileged side can really run as another user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

export interface NsPair {
  a: string;
  b: string;
  ipA: string;
  ipB: string;
  /** The veth end in a; its peer in b is `vb`. */
  ifA: string;
  ifB: string;
  close(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function nsPair(prefix: string, subnet = 91): NsPair {
  const a = `${prefix}a`;
  const b = `${prefix}b`;
  for (const ns of [a, b]) {
    try {
      ip('netns', 'del', ns);
    } catch {
      /* not there: fine */
    }
    ip('netns', 'add', ns);
  }
  ip('-n', a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b);
  ip('-n', a, 'addr', 'add', `10.${subnet}.0.1/24`, 'dev', 'va');
  ip('-n', b, 'addr', 'add', `10.${subnet}.0.2/24`, 'dev', 'vb');
  for (const [ns, dev] of [
    [a, 'va'],
    [b, 'vb'],
    [a, 'lo'],
    [b, 'lo'],
  ] as const) {
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  return {
    a,
    b,
    ipA: `10.${subnet}.0.1`,
    ipB: `10.${subnet}.0.2`,
    ifA: 'va',
    ifB: 'vb',
    close() {
      for (const ns of [a, b]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          /* already gone */
        }
      }
    },
  };
}

/** Starts a program inside a namespace (`ip netns exec` execs it, so the PID is the program's own). */
export function inNs(ns: string, argv: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runInNs(ns: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = inNs(ns, argv);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

/** Ends a process we started, by its PID only. */
export function killOwn(child: ChildProcess | undefined): void {
  if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Every process below `root` (default: this test process), found through /proc. */
export function descendants(root = process.pid): { pid: number; comm: string; cmdline: string }[] {
  const parent = new Map<number, number>();
  const info = new Map<number, { comm: string; cmdline: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
      info.set(Number(name), {
        comm: stat.slice(stat.indexOf('(') + 1, close),
        cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(),
      });
    } catch {
      /* exited while we looked */
    }
  }
  const out: { pid: number; comm: string; cmdline: string }[] = [];
  for (const [pid, ppid] of parent) {
    for (let p = ppid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) {
      if (p === root) {
        out.push({ pid, ...(info.get(pid) as { comm: string; cmdline: string }) });
        break;
      }
    }
  }
  return out;
}

/** Processes (anywhere) whose command line names this string: a detached capture run by its id. */
export function processesNaming(s: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(s)) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

const SHIM = `
import { openSync, createReadStream, createWriteStream } from 'node:fs';
const dir = process.argv[2];
const input = createWriteStream(null, { fd: openSync(dir + '/in', 'w') });
const out = createReadStream(null, { fd: openSync(dir + '/out', 'r') });
const err = createReadStream(null, { fd: openSync(dir + '/err', 'r') });
process.stdin.pipe(input);
out.pipe(process.stdout);
err.pipe(process.stderr);
let open = 2;
const done = () => { if (--open === 0) process.exit(0); };
out.on('end', done);
err.on('end', done);
`;

/**
 * A stand-in for pkexec: the unprivileged side runs `node shim.mjs DIR` (its helper command), which connects its
 * stdio through three FIFOs to a helper this root process starts. One capture per serveOnce().
 */
export function rootRelay(dir: string, helper: string[]): { command: string[]; serveOnce(): Promise<number> } {
  chmodSync(dir, 0o755);
  for (const f of ['in', 'out', 'err']) execFileSync('mkfifo', ['-m', '0666', join(dir, f)]);
  writeFileSync(join(dir, 'shim.mjs'), SHIM);
  chmodSync(join(dir, 'shim.mjs'), 0o644);
  return {
    command: [process.execPath, join(dir, 'shim.mjs'), dir],
    async serveOnce() {
      // Same open order as the shim (in, out, err): each open waits for the other end, so neither side deadlocks.
      const fin = await open(join(dir, 'in'), 'r');
      const fout = await open(join(dir, 'out'), 'w');
      const ferr = await open(join(dir, 'err'), 'w');
      const child = spawn(helper[0] as string, helper.slice(1), { stdio: [fin.fd, fout.fd, ferr.fd] });
      await Promise.all([fin.close(), fout.close(), ferr.close()]);
      return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    },
  };
}
