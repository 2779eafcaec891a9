/**
 * Statistics against real traffic between two throwaway namespaces: iperf3 shaped to 20 Mbit/s by a TBF on the
 * sender's veth, and counted pings. The sampler's rates are checked against the kernel's own counters read by
 * another tool over the same window; the CLI runs end to end from the built bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCounterSource, type CounterSource } from '../../electron/services/stats/sampler';
import { RateTracker, type RateUpdate } from '../../electron/services/stats/rates';
import { createStatsHandlers } from '../../electron/services/stats/api';
import { NotFoundError } from '../../shared/ipc/errors';
import { statsSampleSchema, type StatsSampleEvent } from '../../shared/model/stats';
import { skipSuite } from '../support/requirements';

const ID = process.pid % 100000;
const A = `nnst${ID}-a`;
const B = `nnst${ID}-b`;
const C = `nnst${ID}-c`;
const PORT = String(20000 + (ID % 20000));
const skip = skipSuite('stats (integration)', { root: true, tools: ['ip', 'tc', 'iperf3', 'ping'] });

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The kernel's counter, read by another process than ours (sysfs of the namespace), with the time of the read. */
const kernel = (ns: string, dev: string, counter: string) => {
  const t = performance.now();
  const v = Number(
    execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${counter}`], {
      encoding: 'utf8',
    }),
  );
  return { v, t: (t + performance.now()) / 2 };
};
const started: ChildProcess[] = [];
function startIn(ns: string, argv: string[]): ChildProcess {
  const p = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore' });
  started.push(p);
  return p;
}
function stop(p: ChildProcess): void {
  if (p.pid && p.exitCode === null) process.kill(p.pid, 'SIGTERM');
}
/**
 * iperf3 from A to B for `seconds` (the TBF on va holds it at 20 Mbit/s), once it is flowing: a client that
 * came before the server listened is started again.
 */
async function traffic(seconds: number): Promise<ChildProcess> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const p = startIn(A, ['iperf3', '-c', '10.250.0.2', '-p', PORT, '-t', String(seconds)]);
    const b0 = kernel(A, 'va', 'tx_bytes').v;
    for (let i = 0; i < 30 && p.exitCode === null; i++) {
      await sleep(100);
      if (kernel(A, 'va', 'tx_bytes').v - b0 > 1_000_000) {
        await sleep(1000); // past slow start
        return p;
      }
    }
    stop(p);
    await sleep(300);
  }
  throw new Error('iperf3 traffic did not start');
}

/** Our own children parked in a namespace (the sampler's helper): comm `cat`, parent this process. */
function ourHelpersIn(ns: string): number[] {
  const want = `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && stat.includes('(cat)') && readlinkSync(`/proc/${pid}/ns/net`) === want;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Waits until a device sends nothing for half a second (a stopped iperf3's socket drains for a while). */
async function quiet(ns: string, dev: string): Promise<void> {
  let last = kernel(ns, dev, 'tx_packets').v;
  for (let i = 0; i < 40; i++) {
    await sleep(500);
    const now = kernel(ns, dev, 'tx_packets').v;
    if (now === last) return;
    last = now;
  }
  throw new Error(`${dev} in ${ns} did not go quiet`);
}

async function ticks(source: CounterSource, n: number): Promise<RateUpdate[]> {
  const t = new RateTracker();
  t.update(await source.read());
  const out: RateUpdate[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(1000);
    const u = t.update(await source.read());
    if (u) out.push(u);
  }
  return out;
}
/** Average of a rate over several ticks, weighted by each tick's length. */
const mean = (us: RateUpdate[], dev: string, f: 'txBps' | 'rxBps' | 'txPps' | 'rxPps') => {
  let sum = 0;
  let dt = 0;
  for (const u of us) {
    const s = u.samples.find((x) => x.ifname === dev);
    if (!s) throw new Error(`no sample of ${dev}`);
    sum += s[f] * u.intervalS;
    dt += u.intervalS;
  }
  return { value: sum / dt, total: sum, dt };
};

describe.skipIf(skip)('stats on real traffic between namespaces', () => {
  beforeAll(async () => {
    ip('netns', 'add', A);
    ip('netns', 'add', B);
    ip('-n', A, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', B);
    ip('-n', B, 'link', 'add', 'nnbr0', 'type', 'bridge');
    ip('-n', B, 'link', 'set', 'vb', 'master', 'nnbr0');
    ip('-n', A, 'addr', 'add', '10.250.0.1/30', 'dev', 'va');
    ip('-n', B, 'addr', 'add', '10.250.0.2/30', 'dev', 'nnbr0');
    for (const [ns, dev] of [
      [A, 'va'],
      [A, 'lo'],
      [B, 'vb'],
      [B, 'nnbr0'],
      [B, 'lo'],
    ] as const)
      ip('-n', ns, 'link', 'set', dev, 'up');
    execFileSync('tc', [
      '-n',
      A,
      'qdisc',
      'add',
      'dev',
      'va',
      'root',
      'tbf',
      'rate',
      '20mbit',
      'burst',
      '32kbit',
      'latency',
      '50ms',
    ]);
    startIn(B, ['iperf3', '-s', '-p', PORT]);
    await sleep(500);
  });
  afterAll(() => {
    for (const p of started) stop(p);
    for (const ns of [A, B, C]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('reports the rate the kernel counted over the same window, within 5 %, both ends of the veth', async () => {
    const client = await traffic(12);
    const src = await openCounterSource({ netns: A });
    const srcB = await openCounterSource({ netns: B });
    expect(src.method).toBe('proc');
    try {
      const k0 = kernel(A, 'va', 'tx_bytes');
      const [us, usB] = await Promise.all([ticks(src, 4), ticks(srcB, 4)]);
      const k1 = kernel(A, 'va', 'tx_bytes');
      const kernelBps = (8 * (k1.v - k0.v)) / ((k1.t - k0.t) / 1000);
      const tx = mean(us, 'va', 'txBps').value;
      const rx = mean(usB, 'vb', 'rxBps').value;
      console.log(
        `rate accuracy: sampler ${(tx / 1e6).toFixed(3)} Mbit/s, kernel delta ${(kernelBps / 1e6).toFixed(3)} Mbit/s (${((100 * (tx - kernelBps)) / kernelBps).toFixed(2)} %), peer rx ${(rx / 1e6).toFixed(3)} Mbit/s`,
      );
      expect(Math.abs(tx - kernelBps) / kernelBps).toBeLessThan(0.05);
      expect(Math.abs(rx - kernelBps) / kernelBps).toBeLessThan(0.05);
      // And the shaper holds it: TBF counts the same frame bytes (below 20 Mbit/s only when iperf3 lacks CPU).
      expect(tx).toBeLessThan(20e6 * 1.05);
      expect(tx).toBeGreaterThan(10e6);
      expect(mean(us, 'va', 'txPps').value).toBeGreaterThan(1000);
    } finally {
      await src.close();
      await srcB.close();
      stop(client);
    }
  });

  it('counts pings exactly: the packets summed over the ticks are the ones sent', async () => {
    await quiet(A, 'va');
    const src = await openCounterSource({ netns: A });
    try {
      const t = new RateTracker();
      t.update(await src.read());
      const k0 = kernel(A, 'va', 'tx_packets').v;
      execFileSync('ip', ['netns', 'exec', A, 'ping', '-c', '25', '-i', '0.04', '-q', '10.250.0.2']);
      await sleep(300);
      const k1 = kernel(A, 'va', 'tx_packets').v;
      const u = t.update(await src.read());
      const sent = (u?.samples.find((s) => s.ifname === 'va')?.txPps ?? 0) * (u?.intervalS ?? 0);
      expect(Math.round(sent)).toBe(k1 - k0);
      expect(k1 - k0).toBeGreaterThanOrEqual(25);
      expect(k1 - k0).toBeLessThanOrEqual(27); // 25 echo requests, at most an ARP exchange besides
    } finally {
      await src.close();
    }
  });

  it('gives the same rates through `ip -j -s link` (the fallback) as through /proc', async () => {
    const client = await traffic(8);
    const [viaProc, viaIp] = await Promise.all([
      openCounterSource({ netns: A }, { method: 'proc' }),
      openCounterSource({ netns: A }, { method: 'ip' }),
    ]);
    try {
      const [p, q] = await Promise.all([ticks(viaProc, 3), ticks(viaIp, 3)]);
      const a = mean(p, 'va', 'txBps').value;
      const b = mean(q, 'va', 'txBps').value;
      expect(viaIp.method).toBe('ip');
      expect(Math.abs(a - b) / a).toBeLessThan(0.05);
    } finally {
      await viaProc.close();
      await viaIp.close();
      stop(client);
    }
  });

  it('lets go of a namespace deleted while it is sampled (the helper does not keep it alive)', async () => {
    ip('netns', 'add', C);
    ip('-n', C, 'link', 'add', 'vc0', 'type', 'veth', 'peer', 'name', 'vc1', 'netns', A);
    const src = await openCounterSource({ netns: C });
    const pid = src.helperPid;
    expect(pid && existsSync(`/proc/${pid}`)).toBeTruthy();
    expect((await src.read()).counters.has('vc0')).toBe(true);
    ip('netns', 'del', C);
    await expect(src.read()).rejects.toBeInstanceOf(NotFoundError);
    await sleep(100);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    // The namespace really goes: its veth end takes the peer in A with it.
    const t0 = Date.now();
    while (ip('-n', A, '-o', 'link', 'show').includes('vc1') && Date.now() - t0 < 5000) await sleep(50);
    expect(ip('-n', A, '-o', 'link', 'show')).not.toContain('vc1');
    await src.close();
  });

  it('serves live samples, switch aggregates and history through the handlers, then stops its helper', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnst-int-'));
    const got: StatsSampleEvent[] = [];
    const api = createStatsHandlers({ netns: B }, (e, p) => e === 'stats.sample' && got.push(p as StatsSampleEvent), {
      dir,
      watch: false,
    });
    const client = await traffic(8);
    try {
      const { series } = await api.handlers['stats.series']({});
      expect(series.find((s) => s.key === 'switch:nnbr0')?.members).toEqual(['vb']);
      await api.handlers['stats.subscribe']({ keys: ['if:vb', 'switch:nnbr0'], intervalS: 1 });
      expect(ourHelpersIn(B)).toHaveLength(1);
      const t0 = Date.now();
      while (got.length < 4 && Date.now() - t0 < 8000) await sleep(50);
      const last = got[got.length - 1]!;
      const vb = last.samples.find((s) => s.key === 'if:vb')!;
      const sw = last.samples.find((s) => s.key === 'switch:nnbr0')!;
      expect(vb.rxBps).toBeGreaterThan(15e6);
      expect(sw.rxBps).toBeCloseTo(vb.rxBps, 0);
      const h = await api.handlers['stats.history']({ keys: ['if:vb'], range: '5m' });
      const recent = h.series[0]!.rxBps.filter((v): v is number => v !== null).slice(-3, -1);
      expect(recent.length).toBe(2);
      for (const v of recent) expect(v).toBeGreaterThan(10e6);
      for (const v of recent) expect(v).toBeLessThan(20e6 * 1.05);
    } finally {
      stop(client);
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(ourHelpersIn(B)).toEqual([]);
  });

  describe('novanet stats from the built CLI', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/novanet.js', 'stats', ...args], { encoding: 'utf8', timeout: 30_000 });
    beforeAll(() => {
      execFileSync(process.execPath, ['scripts/build.mjs', '--node-only'], { stdio: 'ignore' });
    });

    it('prints three JSON samples of the shaped interface', async () => {
      const client = await traffic(8);
      try {
        const r = cli('--netns', A, '--interface', 'va', '--interval', '1', '--count', '3', '--json');
        expect(r.status, r.stderr).toBe(0);
        const lines = r.stdout
          .trim()
          .split('\n')
          .map((l) => statsSampleSchema.parse(JSON.parse(l)));
        expect(lines).toHaveLength(3);
        for (const s of lines) {
          expect(s.ifname).toBe('va');
          expect(s.txBps).toBeGreaterThan(10e6);
          expect(s.rxErrors + s.txErrors).toBe(0);
        }
        const avg = lines.reduce((a, s) => a + s.txBps * s.intervalS, 0) / lines.reduce((a, s) => a + s.intervalS, 0);
        expect(avg).toBeLessThan(20e6 * 1.05);
      } finally {
        stop(client);
      }
    });

    it('exits 2 for bad input and 3 for a namespace that does not exist, starting nothing', () => {
      const r = cli('--netns', A, '--interface', 'nosuch0', '--interval', '1', '--count', '3', '--json');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--interface: nosuch0 does not exist in ${A}`);
      expect(r.stdout).toBe('');
      for (const bad of [
        ['--interval', '0'],
        ['--interval', '-2'],
        ['--count', '0'],
        ['--count', '-1'],
      ]) {
        const x = cli('--netns', A, ...bad);
        expect(x.status, bad.join(' ')).toBe(2);
      }
      const nf = cli('--netns', `${A}-nope`, '--count', '1');
      expect(nf.status).toBe(3);
      expect(nf.stderr).toContain('does not exist');
    });
  });
});
