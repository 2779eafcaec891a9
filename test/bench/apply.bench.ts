/**
 * Apply 200 Linux bridges (STP settings, 2 existing veth ports each) and 50 OVS bridges (userspace datapath,
 * 4 existing veth ports each, VLAN tags) in a namespace with its own OVS instance:
 *   NovaNet      discovery + plan + the real helper (node start, journal, ip -batch / one ovs-vsctl transaction)
 *   per-command  the same operations, one process per command (each step's own argv, as the seed code did it)
 *   raw floor    the same `ip -batch` texts and the one `ovs-vsctl` transaction, run by hand
 * and the re-plan time of the applied spec. Ratios from one run. Targets: NovaNet >= 10x faster than
 * per-command, <= 1.5x the raw floor; re-plan < 100 ms.
 * Run (root): node --import tsx test/bench/apply.bench.ts   or   npm run bench -- apply
 */
import { spawn } from 'node:child_process';
import { discover } from '../../electron/services/discovery/index';
import { resolveTool } from '../../electron/services/runner';
import { parseSpec } from '../../shared/spec/validate';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { plan as makePlan } from '../../shared/plan/planner';
import type { Plan } from '../../shared/plan/operations';
import { batchText, ovsTransaction } from '../../shared/plan/render';
import { batchesOf } from '../../helpers/lib/execute';
import { applyRequest, helperBinary, Sandbox, startHelper, type HelperResult } from '../support/apply-harness';

const LINUX = 200;
const OVS = 50;
const OVS_PORTS = 4;
const ROUNDS = 3;

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
const SPEC: NetworkSpecInput = {
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: 'bench' },
  switches: [
    ...Array.from({ length: LINUX }, (_, i): Sw => ({ name: `nnb${i}`, stp: { enabled: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 }, ports: [{ name: `lb${i}a` }, { name: `lb${i}b` }] })),
    ...Array.from({ length: OVS }, (_, i): Sw => ({
      name: `nno${i}`,
      type: 'ovs',
      datapath: 'netdev',
      portGroups: [{ name: 'a', vlan: 10 }, { name: 'b', vlan: 20 }],
      ports: Array.from({ length: OVS_PORTS }, (_, j) => ({ name: `ob${i}p${j}`, portGroup: j % 2 ? 'b' : 'a' })),
    })),
  ],
};

/** Runs argv with optional stdin; rejects on a non-zero exit. */
function exec(argv: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(resolveTool(cmd) ?? cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    // A command that reads no stdin may exit before we finish writing it.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.slice(0, 6).join(' ')}... exited ${code}: ${err.slice(0, 300)}`))));
    child.stdin.end(input ?? '');
  });
}

/** Runs the helper and notes when each event arrived (ms from spawn), for the overhead breakdown. */
async function runHelperTimed(request: unknown, stateDir: string): Promise<HelperResult & { at: { type: string; ms: number }[] }> {
  const t0 = performance.now();
  const h = await startHelper(request, { stateDir, keepStdin: false });
  const at: { type: string; ms: number }[] = [];
  const push = h.events.push.bind(h.events);
  h.events.push = (...es) => {
    for (const e of es) if (e.type !== 'step') at.push({ type: e.type, ms: performance.now() - t0 });
    return push(...es);
  };
  return { ...(await h.done), at };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the apply bench creates namespaces: run it as root');
  const spec = parseSpec(SPEC).spec!;
  const sb = new Sandbox('nnba');
  try {
    const [ns] = (await sb.addNamespaces('sw')) as [string];
    const veths: string[] = [];
    for (let i = 0; i < LINUX; i++) veths.push(`link add lb${i}a type veth peer name lq${i}a`, `link add lb${i}b type veth peer name lq${i}b`);
    for (let i = 0; i < OVS; i++) for (let j = 0; j < OVS_PORTS; j++) veths.push(`link add ob${i}p${j} type veth peer name oq${i}p${j}`);
    await sb.ip(ns, veths);
    const ovs = await sb.startOvs(ns);
    const target = { netns: ns, ovsDb: ovs.ovsDb };
    await helperBinary();

    /** Back to the start: no bridges, every port down. Not timed. */
    const reset = async () => {
      const lines = [...Array.from({ length: LINUX }, (_, i) => `link del nnb${i}`)];
      await exec(['ip', '-n', ns, '-force', '-batch', '-'], lines.map((l) => `${l}\n`).join('')).catch(() => undefined);
      await exec(['ovs-vsctl', `--db=${ovs.ovsDb}`, '--timeout=120', ...Array.from({ length: OVS }, (_, i) => ['--', '--if-exists', 'del-br', `nno${i}`]).flat()]);
      const ports = [...Array.from({ length: LINUX }, (_, i) => [`lb${i}a`, `lb${i}b`]).flat(), ...Array.from({ length: OVS }, (_, i) => Array.from({ length: OVS_PORTS }, (_, j) => `ob${i}p${j}`)).flat()];
      await exec(['ip', '-n', ns, '-batch', '-'], ports.map((p) => `link set dev ${p} down\n`).join(''));
      const s = await discover(target, { resolvePeers: false });
      if (s.ovsBridges.length || s.bridges.length) throw new Error('reset left bridges behind');
    };
    /** The state each method must reach: re-planning the spec gives nothing. */
    const check = async (what: string) => {
      const steps = makePlan(await discover(target, { resolvePeers: false }), spec).steps;
      if (steps.length) throw new Error(`${what}: ${steps.length} steps left, e.g. ${steps[0]?.description}`);
    };

    // The plan every method runs (made once on the clean state; NovaNet makes its own inside its timing).
    await reset();
    const reference: Plan = makePlan(await discover(target, { resolvePeers: false }), spec);
    const batches = batchesOf(reference.steps);
    console.log(`plan: ${reference.steps.length} steps in ${batches.length} batches (${batches.map((b) => `${b.tool} ${b.steps.length}`).join(', ')})`);

    // NovaNet: discovery, plan, the helper. The raw floor: the same batch texts and transaction, by hand.
    // Both run ROUNDS times, interleaved, from the same clean state; medians are compared.
    const novanetT: number[] = [];
    const rawT: number[] = [];
    let planMs = 0;
    let discoverMs = 0;
    let breakdown = '';
    const novanetOnce = async () => {
      await reset();
      let r!: Awaited<ReturnType<typeof runHelperTimed>>;
      novanetT.push(
        await timed(async () => {
          const t0 = performance.now();
          const state = await discover(target, { resolvePeers: false });
          const t1 = performance.now();
          const p = makePlan(state, spec);
          discoverMs = t1 - t0;
          planMs = performance.now() - t1;
          r = await runHelperTimed(applyRequest(p), sb.stateDir);
        }),
      );
      if (r.code !== 0) throw new Error(`helper exit ${r.code}: ${r.stderr} ${JSON.stringify(r.events.filter((e) => e.type === 'error' || e.type === 'rolledback'))}`);
      breakdown = r.at.map((e) => `${e.type} ${e.ms.toFixed(0)}`).join(', ');
      await check('NovaNet');
    };
    const rawOnce = async () => {
      await reset();
      rawT.push(
        await timed(async () => {
          for (const b of batches) {
            const ops = b.steps.map((s) => s.op);
            if (b.tool === 'ovs-vsctl') await exec(['ovs-vsctl', `--db=${ovs.ovsDb}`, '--timeout=30', '--', ...ovsTransaction(ops)]);
            else await exec([b.tool, '-n', ns, '-batch', '-'], batchText(ops));
          }
        }),
      );
      await check('raw floor');
    };
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2) {
        await rawOnce();
        await novanetOnce();
      } else {
        await novanetOnce();
        await rawOnce();
      }
    }
    const novanet = median(novanetT);
    const raw = median(rawT);

    // Re-plan of the applied spec: discovery once, then the planner alone (median of 5).
    const applied = await discover(target, { resolvePeers: false });
    const replans: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const n = makePlan(applied, spec).steps.length;
      replans.push(performance.now() - t0);
      if (n) throw new Error(`replan gave ${n} steps`);
    }
    const replanMs = replans.slice(1).sort((a, b) => a - b)[2]!;
    const rediscoverMs = await timed(() => discover(target, { resolvePeers: false }));

    // Per-command: each step's own argv, one process each, in plan order.
    await reset();
    const perCommand = await timed(async () => {
      for (const s of reference.steps) {
        const argv = s.argv[0] === 'ovs-vsctl' ? ['ovs-vsctl', s.argv[1]!, '--timeout=30', ...s.argv.slice(2)] : s.argv;
        await exec(argv);
      }
    });
    await check('per-command');

    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    console.log(`NovaNet, median of ${ROUNDS} (discover ${discoverMs.toFixed(0)} ms + plan ${planMs.toFixed(0)} ms + helper): ${f(novanet)}  [runs ${novanetT.map(f).join(', ')}]`);
    console.log(`  helper events, ms after spawn (last run): ${breakdown}`);
    console.log(`per-command (${reference.steps.length} processes, one run): ${f(perCommand)}`);
    console.log(`raw batched floor (${batches.length} batches), median of ${ROUNDS}: ${f(raw)}  [runs ${rawT.map(f).join(', ')}]`);
    const speedup = perCommand / novanet;
    const overFloor = novanet / raw;
    console.log(`ratio per-command / NovaNet: ${speedup.toFixed(1)}x (target >= 10x) ${speedup >= 10 ? 'OK' : 'MISSED'}`);
    console.log(`ratio NovaNet / raw floor: ${overFloor.toFixed(2)}x (target <= 1.5x) ${overFloor <= 1.5 ? 'OK' : 'MISSED'}`);
    console.log(`re-plan of the applied spec (${applied.links.length} links): ${replanMs.toFixed(1)} ms (target < 100 ms) ${replanMs < 100 ? 'OK' : 'MISSED'}; with re-discovery ${rediscoverMs.toFixed(0)} ms`);
    await reset();
  } finally {
    await sb.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
