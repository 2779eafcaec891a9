/**
 * Snapshot of a namespace with 300 bridges each with a veth port (900 links): NovaNet (tools + parsing + graph)
 * against the raw tool calls alone, and against a per-interface sysfs walk. Ratios from one run.
 * Run: npm run bench -- discovery   (root)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../electron/services/discovery/index';
import { buildGraph } from '../../shared/topology/build-graph';
import { run } from '../../electron/services/runner';

const NS = `nnbench${process.pid % 10000}`;
const N = 300;
const ROUNDS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  execFileSync('ip', ['netns', 'add', NS]);
  try {
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      lines.push(`link add br${i} type bridge`, `link add p${i} type veth peer name q${i}`, `link set p${i} master br${i}`, `link set br${i} up`, `link set p${i} up`);
    }
    execFileSync('ip', ['-n', NS, '-batch', '-'], { input: lines.join('\n') + '\n' });
    const target = { netns: NS };
    // The very calls discover() makes, in parallel, with nothing done to their output.
    // For a namespace without OVS or libvirt: links, addresses and default routes in one `ip` batch; qdiscs (for
    // Linux-bridge mirrors); NovaNet's nft table and forwarding, read inside the namespace. The lease files are
    // plain reads and left out of the floor.
    const raw = () =>
      Promise.all([
        run(['ip', '-n', NS, '-d', '-j', '-batch', '-'], { input: 'addr show\nroute show default\n' }),
        run(['tc', '-n', NS, '-j', 'qdisc', 'show']),
        run(['ip', 'netns', 'exec', NS, 'nft', '-j', 'list', 'table', 'inet', 'novanet'], { okExitCodes: [1] }),
        run(['ip', 'netns', 'exec', NS, 'sysctl', '-n', 'net.ipv4.ip_forward']),
      ]);
    const full = async () => {
      const s = await discover(target);
      if (s.links.length !== 3 * N + 1) throw new Error(`expected ${3 * N + 1} links, got ${s.links.length}`);
      return buildGraph(s);
    };
    for (let i = 0; i < 3; i++) {
      await raw();
      await full();
    }
    const rawT: number[] = [];
    const fullT: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rawT.push(await time(raw));
      fullT.push(await time(full));
    }
    // The per-interface way: read each device's attributes from sysfs, as scripts without `ip -j` do.
    const dir = mkdtempSync(join(tmpdir(), 'nnbench-'));
    const walker = join(dir, 'walk.cjs');
    // Every attribute a device, its bridge and its bridge port expose: what `ip -d link` reports, file by file.
    writeFileSync(
      walker,
      `const fs=require('fs');
       const readDir=(d)=>{const o={};for(const f of fs.readdirSync(d,{withFileTypes:true})){if(!f.isFile())continue;try{o[f.name]=fs.readFileSync(d+'/'+f.name,'utf8').trim()}catch{}}return o};
       const t0=process.hrtime.bigint();const out=[];
       for(const n of fs.readdirSync('/sys/class/net')){const d='/sys/class/net/'+n;const o={name:n,attrs:readDir(d)};
         try{o.master=fs.readlinkSync(d+'/master')}catch{}
         try{o.ports=fs.readdirSync(d+'/brif')}catch{}
         try{o.bridge=readDir(d+'/bridge')}catch{}
         try{o.port=readDir(d+'/brport')}catch{}
         out.push(o)}
       process.stdout.write(String(Number(process.hrtime.bigint()-t0)/1e6)+' '+out.length);`,
    );
    const sysT: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, walker], { encoding: 'utf8' });
      const [ms, count] = r.stdout.split(' ');
      if (Number(count) !== 3 * N + 1) throw new Error(`sysfs walk saw ${count} links: ${r.stderr}`);
      sysT.push(Number(ms));
    }
    const [r, f, s] = [median(rawT), median(fullT), median(sysT)];
    console.log(`discovery of ${3 * N + 1} links (${N} bridges, each with a veth port), medians of ${ROUNDS} runs`);
    console.log(`  raw tool calls alone         ${r.toFixed(1)} ms`);
    console.log(`  NovaNet snapshot + graph     ${f.toFixed(1)} ms   = ${(f / r).toFixed(2)}x the raw calls (target <= 1.5x)`);
    console.log(`  per-interface sysfs walk     ${s.toFixed(1)} ms   = ${(s / f).toFixed(1)}x slower than NovaNet (target >= 15x)`);
  } finally {
    execFileSync('ip', ['netns', 'del', NS]);
  }
}

await main();
