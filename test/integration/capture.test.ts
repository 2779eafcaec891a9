/**
 * Captures through the real helper and tcpdump, on a veth pair between two namespaces of the test's own, with
 * counted pings and UDP noise from iperf3. Checked against tcpdump itself (`tcpdump -r FILE -n`) and against
 * the processes this test started: nothing of ours may be left running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureManager } from '../../electron/services/capture/manager';
import { createCaptureHandlers } from '../../electron/services/capture/api';
import { CaptureSession } from '../../electron/services/capture/session';
import { parsePcap } from '../../electron/services/capture/pcap';
import { helperCommand } from '../../electron/services/apply';
import type { CapturePackets } from '../../shared/model/capture';
import { ValidationError } from '../../shared/ipc/errors';
import { skipSuite } from '../support/requirements';
import {
  descendants,
  inNs,
  killOwn,
  nsPair,
  processesNaming,
  rootRelay,
  runInNs,
  type NsPair,
} from '../support/capture-lab';

const skip = skipSuite('capture (integration)', { root: true, tools: ['tcpdump', 'ip', 'iperf3', 'ping', 'mkfifo'] });
const CLI = join(process.cwd(), 'bin', 'novanet.js');

/** `tcpdump -r FILE -n`: one line per packet, as tcpdump itself reads the file. */
const tcpdumpRead = (file: string) =>
  execFileSync('tcpdump', ['-r', file, '-n'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .trim()
    .split('\n')
    .filter(Boolean);
/**
 * tcpdump runs without --immediate-mode, so libpcap hands packets over per ring block, at the latest after its
 * 1 s timeout; a stop before that drops them from "captured" (tcpdump still counts them as received).
 */
const deliveryDelay = () => new Promise((r) => setTimeout(r, 1500));
const ours = (comm: string) => descendants().filter((p) => p.comm === comm);

function cli(
  args: string[],
  env: Record<string, string> = {},
  user?: number,
): Promise<{ code: number; stdout: string; stderr: string; child: ChildProcess }> {
  const argv = user === undefined ? [CLI, ...args] : [];
  const child =
    user === undefined
      ? spawn(process.execPath, argv, { env: { ...process.env, ...env } })
      : spawn(
          'setpriv',
          ['--reuid', String(user), '--regid', String(user), '--clear-groups', process.execPath, CLI, ...args],
          { env: { ...process.env, ...env } },
        );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, child })));
}

describe.skipIf(skip)('packet capture between namespaces', () => {
  let net: NsPair;
  let dir: string;
  let iperfServer: ChildProcess | undefined;
  let noise: ChildProcess | undefined;
  const savedConfig = process.env.NOVANET_CONFIG_DIR;

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--node-only'], { stdio: 'ignore' });
    net = nsPair(`nncap${process.pid % 10000}`);
    dir = mkdtempSync(join(tmpdir(), 'nn-capture-it-'));
    process.env.NOVANET_CONFIG_DIR = join(dir, 'config');
  });
  afterEach(() => {
    killOwn(noise);
    killOwn(iperfServer);
  });
  afterAll(() => {
    net?.close();
    rmSync(dir, { recursive: true, force: true });
    if (savedConfig === undefined) delete process.env.NOVANET_CONFIG_DIR;
    else process.env.NOVANET_CONFIG_DIR = savedConfig;
  });

  /** UDP from a to b (iperf3 -u at the given rate), to an open port so no ICMP comes back. */
  async function udpNoise(rate: string, seconds: number): Promise<void> {
    iperfServer = inNs(net.b, ['iperf3', '-s', '-1', '-p', '5299', '-B', net.ipB]);
    await new Promise((r) => setTimeout(r, 300));
    noise = inNs(net.a, ['iperf3', '-c', net.ipB, '-p', '5299', '-u', '-b', rate, '-t', String(seconds), '-l', '1200']);
  }

  it('filter icmp with count 5 while pinging 10 times in UDP noise: exactly 5 packets, all ICMP', async () => {
    const live: CapturePackets[] = [];
    const m = new CaptureManager({ owner: 'cli', listeners: { packets: (p) => live.push(p) } });
    await udpNoise('20M', 4);
    const out = join(dir, 'icmp.pcap');
    const s = await m.start({ target: { netns: net.a }, interface: net.ifA, filter: 'icmp', count: 5, output: out });
    const ping = await runInNs(net.a, ['ping', '-c', '10', '-i', '0.2', '-W', '1', net.ipB]);
    expect(ping.stdout).toMatch(/10 received/);
    const info = await s.ended;
    expect(info).toMatchObject({ state: 'completed', endReason: 'count', packets: 5, captured: 5 });
    const lines = tcpdumpRead(out);
    expect(lines.length).toBe(5);
    for (const l of lines) expect(l).toMatch(/ICMP echo (request|reply)/);
    expect(parsePcap(readFileSync(out)).records.length).toBe(5);
    // The live list saw the same five, decoded as tcpdump reads them.
    const seen = live.flatMap((b) => b.packets);
    expect(seen.map((p) => p.no)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, p] of seen.entries()) {
      const m2 = /ICMP echo (request|reply), id (\d+), seq (\d+)/.exec(lines[i] as string);
      expect(p.summary).toBe(`ICMP echo ${m2?.[1]} id ${m2?.[2]} seq ${m2?.[3]}`);
      expect([p.src, p.dst].sort()).toEqual([net.ipA, net.ipB].sort());
    }
    expect(ours('tcpdump')).toEqual([]);
  });

  it('rotation keeps at most N files of at most the size, and writes every packet tcpdump captured; the duration limit stops it', async () => {
    const m = new CaptureManager({ owner: 'cli' });
    await udpNoise('40M', 4);
    const out = join(dir, 'rot.pcap');
    const t0 = Date.now();
    const s = await m.start({
      target: { netns: net.a },
      interface: net.ifA,
      durationSeconds: 2.5,
      rotateSizeMb: 1,
      rotateCount: 3,
      output: out,
    });
    const info = await s.ended;
    expect(Date.now() - t0).toBeLessThan(6000);
    expect(info).toMatchObject({ state: 'completed', endReason: 'duration' });
    expect(info.files.length).toBe(3);
    let kept = 0;
    for (const f of info.files) {
      expect(statSync(f.path).size).toBeLessThanOrEqual(1_000_000);
      const { records, trailing } = parsePcap(readFileSync(f.path));
      expect(trailing).toBe(0);
      kept += records.length;
      expect(tcpdumpRead(f.path).length).toBe(records.length);
    }
    // 40 Mbit/s for 2.5 s is ~12 MB: files rotated away, yet every packet tcpdump captured was written.
    expect(info.bytes).toBeGreaterThan(3_000_000);
    expect(info.packets).toBe(info.captured);
    expect(kept).toBeLessThan(info.packets);
    // The kept files are the newest three of the sequence rot.pcap, rot.1.pcap, rot.2.pcap, ...
    const numbers = info.files.map((f) => Number(/rot\.(\d+)\.pcap$/.exec(f.path)?.[1]));
    expect(numbers[0]).toBeGreaterThan(0);
    expect(numbers).toEqual([numbers[0], (numbers[0] as number) + 1, (numbers[0] as number) + 2]);
    expect(ours('tcpdump')).toEqual([]);
  });

  it('a bad filter returns the compiler message and leaves no process, unprivileged check or helper', async () => {
    const m = new CaptureManager({ owner: 'cli' });
    await expect(
      m.start({ target: { netns: net.a }, interface: net.ifA, filter: 'icmp and and', output: join(dir, 'bad.pcap') }),
    ).rejects.toThrow("filter: can't parse filter expression: syntax error");
    // Past the unprivileged check, straight to the helper: it compiles first and starts nothing either.
    const s = new CaptureSession({
      id: 'it-badfilter',
      owner: 'cli',
      target: { netns: net.a },
      interface: net.ifA,
      filter: 'tcp port 99999',
      snaplen: 262144,
      output: join(dir, 'bad2.pcap'),
    });
    const err = await s.started.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe('filter: illegal port number 99999 > 65535');
    expect((await s.ended).state).toBe('failed');
    expect(descendants().filter((p) => p.comm === 'tcpdump' || p.cmdline.includes('novanet-helper'))).toEqual([]);
  });

  it('through the capture API by graph node id: events, list and delete', async () => {
    const progress: string[] = [];
    const batches: CapturePackets[] = [];
    const api = createCaptureHandlers(
      { netns: net.a },
      { progress: (p) => progress.push(p.state), packets: (p) => batches.push(p) },
    );
    const out = join(dir, 'api.pcap');
    const { id } = await api.handlers['capture.start']({
      nodeId: `link:${net.a}:${net.ifA}`,
      filter: 'icmp',
      count: 4,
      output: out,
    });
    // Taken before the traffic: with immediate mode the count is reached during the ping, and a finished
    // capture leaves the manager's live sessions.
    const session = api.manager.session(id);
    expect(session).toBeDefined();
    await runInNs(net.a, ['ping', '-c', '3', '-i', '0.2', net.ipB]);
    const done = await session?.ended;
    expect(done).toMatchObject({
      state: 'completed',
      packets: 4,
      nodeId: `link:${net.a}:${net.ifA}`,
      interface: net.ifA,
    });
    expect(progress[0]).toBe('running');
    expect(progress.at(-1)).toBe('completed');
    expect(batches.flatMap((b) => b.packets).length).toBe(4);
    const { captures } = await api.handlers['capture.list']({});
    expect(captures.find((c) => c.id === id)?.files).toEqual([{ path: out, bytes: statSync(out).size }]);
    await expect(api.handlers['capture.start']({ nodeId: 'vm:nope', output: join(dir, 'x.pcap') })).rejects.toThrow(
      /nodeId: vm:nope is not on the graph/,
    );
    expect(await api.handlers['capture.delete']({ id })).toEqual({ deleted: [out] });
    await api.close();
  });

  it('stopping leaves no tcpdump running and the file whole', async () => {
    const m = new CaptureManager({ owner: 'cli' });
    const out = join(dir, 'stop.pcap');
    const s = await m.start({ target: { netns: net.a }, interface: net.ifA, output: out });
    expect(ours('tcpdump').length).toBe(1);
    const ping = await runInNs(net.a, ['ping', '-c', '3', '-i', '0.2', net.ipB]);
    expect(ping.stdout + ping.stderr).toMatch(/3 received/);
    await deliveryDelay();
    const info = await m.stop(s.id);
    expect(info).toMatchObject({ state: 'completed', endReason: 'stopped' });
    expect(info.packets).toBeGreaterThanOrEqual(6);
    expect(info.packets).toBe(info.captured);
    expect(parsePcap(readFileSync(out)).trailing).toBe(0);
    expect(ours('tcpdump')).toEqual([]);
  });

  /** Starts `novanet capture start ... --wait` and resolves once it says it is capturing. */
  async function waitingCli(
    args: string[],
  ): Promise<{ child: ChildProcess; done: Promise<{ code: number; stdout: string; stderr: string }> }> {
    const child = spawn(process.execPath, [CLI, 'capture', 'start', ...args, '--wait']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })),
    );
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('Ctrl-C to stop')) resolve();
      });
      void done.then((r) => reject(new Error(`the CLI ended before capturing (${r.code}): ${r.stderr}`)));
    });
    return { child, done };
  }

  it('CLI --wait: runs to its count and prints the counters; Ctrl-C ends it cleanly', async () => {
    const out = join(dir, 'wait.pcap');
    const counted = await waitingCli([
      '--netns',
      net.a,
      '--interface',
      net.ifA,
      '--filter',
      'icmp',
      '--count',
      '5',
      '--output',
      out,
    ]);
    await runInNs(net.a, ['ping', '-c', '6', '-i', '0.2', net.ipB]);
    const r = await counted.done;
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('Capturing on va')]);
    expect(r.stdout).toMatch(/completed \(count\): 5 packets/);
    expect(r.stdout).toMatch(/tcpdump: 5 captured/);
    expect(tcpdumpRead(out).length).toBe(5);

    const out2 = join(dir, 'ctrlc.pcap');
    const interrupted = await waitingCli([
      '--netns',
      net.a,
      '--interface',
      net.ifA,
      '--filter',
      'icmp',
      '--output',
      out2,
      '--json',
    ]);
    await runInNs(net.a, ['ping', '-c', '2', '-i', '0.2', net.ipB]);
    await deliveryDelay();
    interrupted.child.kill('SIGINT');
    const r2 = await interrupted.done;
    expect(r2.code).toBe(0);
    const info = JSON.parse(r2.stdout) as { state: string; endReason: string; packets: number; captured: number };
    expect(info).toMatchObject({ state: 'completed', endReason: 'stopped', packets: 4, captured: 4 });
    expect(tcpdumpRead(out2).length).toBe(4);
    expect(descendants().filter((p) => p.comm === 'tcpdump')).toEqual([]);
  });

  it('CLI detached: start prints the id, list shows it running, stop finishes it and nothing is left', async () => {
    const out = join(dir, 'bg.pcap');
    const started = await cli([
      'capture',
      'start',
      '--netns',
      net.a,
      '--interface',
      net.ifA,
      '--filter',
      'icmp',
      '--output',
      out,
    ]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    const [runner] = processesNaming(id);
    expect(runner).toBeDefined();
    await runInNs(net.a, ['ping', '-c', '4', '-i', '0.2', net.ipB]);
    await deliveryDelay();
    const listed = JSON.parse((await cli(['capture', 'list', '--json'])).stdout) as {
      id: string;
      state: string;
      pid: number;
    }[];
    expect(listed.find((c) => c.id === id)).toMatchObject({ state: 'running', pid: runner });
    const stopped = await cli(['capture', 'stop', id, '--json']);
    expect(stopped.code).toBe(0);
    const info = JSON.parse(stopped.stdout) as { state: string; packets: number; captured: number };
    expect(info).toMatchObject({ state: 'completed', packets: 8, captured: 8 });
    expect(tcpdumpRead(out).length).toBe(8);
    expect(processesNaming(id)).toEqual([]);
    const table = (await cli(['capture', 'list'])).stdout;
    expect(table).toMatch(
      new RegExp(
        `${id}\\s+completed\\s+${net.a}/va\\s+${out.replace(/[.]/g, '\\.')}\\s+\\S+ \\S+\\s+\\d+\\.\\d s\\s+8`,
      ),
    );
    // Bad input is refused before anything starts, with the exit codes of the brief.
    expect(
      (await cli(['capture', 'start', '--netns', net.a, '--interface', 'nope0', '--output', join(dir, 'n.pcap')])).code,
    ).toBe(2);
    expect(
      (
        await cli([
          'capture',
          'start',
          '--netns',
          'nncap-missing-ns',
          '--interface',
          'va',
          '--output',
          join(dir, 'n.pcap'),
        ])
      ).code,
    ).toBe(3);
    const bad = await cli([
      'capture',
      'start',
      '--netns',
      net.a,
      '--interface',
      net.ifA,
      '--filter',
      'udp port',
      '--output',
      join(dir, 'n.pcap'),
    ]);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      "novanet: --filter: can't parse filter expression: syntax error",
    ]);
  });

  it('as an ordinary user (helper as root through a pkexec stand-in), the files belong to the user; root never writes them', async () => {
    const NOBODY = 65534;
    const relayDir = mkdtempSync(join(tmpdir(), 'nn-relay-'));
    const userDir = mkdtempSync(join(tmpdir(), 'nn-user-'));
    try {
      chownSync(userDir, NOBODY, NOBODY);
      const relay = rootRelay(relayDir, helperCommand('capture'));
      const served = relay.serveOnce();
      const pinging = (async () => {
        await new Promise((r) => setTimeout(r, 1500));
        await runInNs(net.a, ['ping', '-c', '4', '-i', '0.2', net.ipB]);
      })();
      const out = join(userDir, 'user.pcap');
      const env = {
        NOVANET_HELPER_COMMAND: JSON.stringify(relay.command),
        NOVANET_CONFIG_DIR: join(userDir, 'config'),
      };
      const r = await cli(
        [
          'capture',
          'start',
          '--netns',
          net.a,
          '--interface',
          net.ifA,
          '--filter',
          'icmp',
          '--count',
          '4',
          '--output',
          out,
          '--wait',
        ],
        env,
        NOBODY,
      );
      await Promise.all([pinging, served]);
      expect(r.stderr).not.toMatch(/novanet:/);
      expect(r.code).toBe(0);
      const st = statSync(out);
      expect([st.uid, st.gid, st.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o600]);
      expect(tcpdumpRead(out).length).toBe(4);
      // A folder the user cannot write is refused, naming --output.
      const denied = await cli(
        ['capture', 'start', '--netns', net.a, '--interface', net.ifA, '--output', join(relayDir, 'x.pcap')],
        env,
        NOBODY,
      );
      expect([denied.code, denied.stderr.trim()]).toEqual([
        2,
        `novanet: --output: you cannot write in the folder ${relayDir}`,
      ]);
    } finally {
      rmSync(relayDir, { recursive: true, force: true });
      rmSync(userDir, { recursive: true, force: true });
    }
  });
});
