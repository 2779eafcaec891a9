/**
 * A capture of ~1 Gbit/s iperf3 TCP traffic between two namespaces for ~10 s, through the helper, with rotation
 * (100 MB x 3 files in /tmp). The check: every packet tcpdump reports as captured is written across the files
 * (NovaNet's writer count == tcpdump's `captured`); the kernel's drops are reported beside it. For scale, the same
 * traffic captured by tcpdump writing its own file (the raw floor, no pipe, no Node) in the same run.
 * Run: npm run bench -- capture   (root; tcpdump, iperf3)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureManager } from '../../electron/services/capture/manager';
import { parsePcap } from '../../electron/services/capture/pcap';
import { inNs, killOwn, nsPair, runInNs, type NsPair } from '../support/capture-lab';

const SECONDS = 10;
const RATE = '1G';
const ROTATE_MB = 100;
const ROTATE_COUNT = 3;
const PORT = '5298';

interface Iperf {
  bitsPerSecond: number;
  bytes: number;
}

async function iperf(net: NsPair): Promise<Iperf> {
  const server = inNs(net.b, ['iperf3', '-s', '-1', '-p', PORT, '-B', net.ipB]);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const r = await runInNs(net.a, ['iperf3', '-c', net.ipB, '-p', PORT, '-b', RATE, '-t', String(SECONDS), '-J']);
    const j = JSON.parse(r.stdout) as { end: { sum_sent: { bits_per_second: number; bytes: number } } };
    return { bitsPerSecond: j.end.sum_sent.bits_per_second, bytes: j.end.sum_sent.bytes };
  } finally {
    killOwn(server);
  }
}

/** tcpdump's libpcap hands packets over per ring block (1 s timeout): let the last ones arrive before stopping. */
const settle = () => new Promise((r) => setTimeout(r, 1500));

async function rawFloor(
  net: NsPair,
  dir: string,
): Promise<{ captured: number; received: number; dropped: number; iperf: Iperf; fileBytes: number }> {
  const file = join(dir, 'raw.pcap');
  const tcpdump = inNs(net.a, ['tcpdump', '-i', net.ifA, '-U', '-w', file, '-s', '262144', '-n']);
  let stderr = '';
  tcpdump.stderr?.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve) => tcpdump.stderr?.on('data', () => stderr.includes('listening on') && resolve()));
  const result = await iperf(net);
  await settle();
  const closed = new Promise((r) => tcpdump.on('close', r));
  tcpdump.kill('SIGINT');
  await closed;
  const n = (what: string) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(stderr)?.[1] ?? NaN);
  const fileBytes = statSync(file).size;
  rmSync(file);
  return {
    captured: n('captured'),
    received: n('received by filter'),
    dropped: n('dropped by kernel'),
    iperf: result,
    fileBytes,
  };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--node-only'], { stdio: 'ignore' });
  const net = nsPair(`nncb${process.pid % 10000}`, 92);
  const dir = mkdtempSync(join(tmpdir(), 'nn-capture-bench-'));
  process.env.NOVANET_CONFIG_DIR = join(dir, 'config');
  try {
    // Warm-up: TCP slow start and ARP out of the way.
    await runInNs(net.a, ['ping', '-c', '2', '-i', '0.2', net.ipB]);

    const m = new CaptureManager({ owner: 'cli' });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const session = await m.start({
      target: { netns: net.a },
      interface: net.ifA,
      rotateSizeMb: ROTATE_MB,
      rotateCount: ROTATE_COUNT,
      output: join(dir, 'bench.pcap'),
    });
    const traffic = await iperf(net);
    await settle();
    const info = await m.stop(session.id);
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);

    // The kept files, read back: whole, within the size, in sequence.
    let kept = 0;
    for (const f of info.files) {
      const size = statSync(f.path).size;
      if (size > ROTATE_MB * 1_000_000) throw new Error(`${f.path} is ${size} bytes, over ${ROTATE_MB} MB`);
      const p = parsePcap(readFileSync(f.path));
      if (p.trailing) throw new Error(`${f.path} ends inside a packet`);
      kept += p.records.length;
    }
    const raw = await rawFloor(net, dir);

    const mb = (b: number) => (b / 1e6).toFixed(1);
    console.log(
      `traffic (NovaNet run): iperf3 TCP ${(traffic.bitsPerSecond / 1e9).toFixed(2)} Gbit/s for ${SECONDS} s, ${mb(traffic.bytes)} MB sent`,
    );
    console.log(
      `NovaNet capture: ${info.packets} packets, ${mb(info.bytes)} MB written in ${wallS.toFixed(1)} s (${mb(info.bytes / wallS)} MB/s), rotation ${ROTATE_MB} MB x ${ROTATE_COUNT}: ${info.files.length} files kept (${kept} packets), ${mb(info.files.reduce((s, f) => s + f.bytes, 0))} MB on disk`,
    );
    console.log(
      `  tcpdump counters: captured ${info.captured}, received by filter ${info.received}, dropped by kernel ${info.dropped}`,
    );
    console.log(
      `  Node side CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s over ${wallS.toFixed(1)} s (${(((cpu.user + cpu.system) / 1e6 / wallS) * 100).toFixed(0)}% of one core)`,
    );
    console.log(
      `raw floor (tcpdump -w FILE itself): iperf3 ${(raw.iperf.bitsPerSecond / 1e9).toFixed(2)} Gbit/s; captured ${raw.captured}, received ${raw.received}, dropped ${raw.dropped}; ${mb(raw.fileBytes)} MB`,
    );
    const share = (c: number, r: number) => ((c / r) * 100).toFixed(2);
    console.log(
      `ratios: captured/received NovaNet ${share(info.captured ?? 0, info.received ?? 1)}% vs raw ${share(raw.captured, raw.received)}%`,
    );
    const lost = (info.captured ?? -1) - info.packets;
    console.log(`written == captured: ${lost === 0 ? 'yes' : `NO (${lost} captured packets not written)`}`);
    if (lost !== 0) process.exitCode = 1;
  } finally {
    net.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
