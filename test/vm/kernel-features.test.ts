/**
 * Features this machine's minimal kernel lacks, proven inside a full Debian kernel under qemu. One boot serves the
 * whole file. Where NovaNet has vocabulary for a feature, its own CLI configures it in the guest (`novanet apply` of
 * a spec from specs.ts), then the traffic checks of guest-scripts.ts run and `novanet topology --json` must show
 * what was built; the VLAN-filtering scenario also proves idempotence (`novanet plan` comes out empty) and removal.
 * VRF, netem and fq_codel, which NovaNet has no words for yet, are still configured with raw commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { bootVm, vmUnavailableReason, VmCommandTimeoutError, type VmRunResult, type VmSession } from './harness';
import {
  bonding,
  bridgeVlanFiltering,
  geneve,
  ovsKernelDatapath,
  qdiscs,
  verifyScript,
  vlan8021q,
  vrf,
  type Scenario,
} from './guest-scripts';
import { geneveWithLocalSpec, vlanFilteringRemoval } from './specs';
import { describeRun, GuestNovanet, REPO_ROOT, type Target, type Topology } from './novanet-cli';
import { checkBondUplink, checkGeneve, checkOvs, checkVlanFiltering, checkVlanSubinterfaces } from './discovery-checks';
import { resolveTool } from '../../electron/services/runner';
import { capabilityNames } from '../../shared/model/capabilities';
import { classifyProbe, parseProbeShellOutput, probeShellScript } from '../../electron/services/capabilities';

/** Debian packages the suite needs on the host (the guest runs the host's own binaries over 9p). */
export const VM_PACKAGES = [
  'qemu-system-x86',
  'linux-image-amd64',
  'busybox-static',
  'openvswitch-switch',
  'iproute2',
  'iputils-ping',
  'nftables',
  'kmod',
];
const GUEST_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  tc: 'iproute2',
  genl: 'iproute2',
  ping: 'iputils-ping',
  nft: 'nftables',
  modprobe: 'kmod',
  'ovs-vswitchd': 'openvswitch-switch',
  'ovsdb-server': 'openvswitch-switch',
  'ovsdb-tool': 'openvswitch-switch',
  'ovs-vsctl': 'openvswitch-switch',
  'ovs-dpctl': 'openvswitch-switch',
  'ovs-appctl': 'openvswitch-switch',
};

function unavailableReason(): string | null {
  const vm = vmUnavailableReason();
  if (vm) return vm;
  const missing = Object.entries(GUEST_TOOLS).filter(([tool]) => !resolveTool(tool));
  if (missing.length === 0) return null;
  const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
  return `missing ${missing.map(([t]) => t).join(', ')}: install the Debian package(s) ${pkgs}`;
}

const reason = unavailableReason();
const strict = process.env.NOVANET_STRICT === '1';
if (reason) {
  console.warn(
    `[vm] kernel-features suite ${strict ? 'FAILS (NOVANET_STRICT=1)' : 'SKIPPED'}: ${reason}. ` +
      `It needs the Debian packages: ${VM_PACKAGES.join(' ')}`,
  );
}

if (reason && strict) {
  describe('vm prerequisites (NOVANET_STRICT=1)', () => {
    it('are installed', () => {
      throw new Error(`the VM suite cannot run: ${reason}. Needed Debian packages: ${VM_PACKAGES.join(' ')}`);
    });
  });
}

const timings: { label: string; ms: number; cli: boolean }[] = [];
const record = (label: string, ms: number) => {
  timings.push({ label, ms, cli: label.startsWith('novanet ') });
  console.log(`[vm]   ${label}: ${ms} ms`);
};
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const ms = Math.round(performance.now() - t0);
    timings.push({ label, ms, cli: false });
    console.log(`[vm] ${label}: ${ms} ms`);
  }
}

function expectOk(r: VmRunResult, what: string): void {
  if (r.exitCode !== 0) throw new Error(describeRun(r, what));
}

/**
 * setup -> novanet apply of each spec -> afterApply -> traffic -> `then` (discovery and further CLI proofs) ->
 * cleanup, which runs whatever failed.
 */
export async function runScenario(
  vm: VmSession,
  cli: GuestNovanet,
  s: Scenario,
  then?: () => Promise<void>,
): Promise<void> {
  try {
    expectOk(await vm.run(s.setup, { timeoutMs: 120_000 }), 'setup');
    for (const a of s.applies ?? []) await cli.applyOk(a);
    if (s.afterApply) expectOk(await vm.run(s.afterApply, { timeoutMs: 60_000 }), 'afterApply');
    const r = await vm.run(verifyScript(s), { timeoutMs: 120_000 });
    console.log(r.stdout.trimEnd());
    expectOk(r, 'verify');
    await then?.();
  } finally {
    await vm.run(s.cleanup, { timeoutMs: 60_000 });
  }
}

interface NovanetProof {
  scenario: Scenario;
  /** Where `novanet topology` looks, and what it must show there. */
  discover: Target;
  check: (t: Topology) => void;
  /** Further CLI proofs while the topology still stands. */
  more?: (cli: GuestNovanet, vm: VmSession) => Promise<void>;
}

/** Re-planning the applied spec finds nothing to do; applying the spec emptied removes what it owned, and only that. */
async function idempotenceAndRemoval(cli: GuestNovanet, vm: VmSession): Promise<void> {
  const applied = bridgeVlanFiltering.applies?.[0];
  if (!applied) throw new Error('the VLAN-filtering scenario applies no spec');
  const plan = await cli.plan(applied);
  expect(
    plan.steps.map((s) => s.description),
    'novanet plan after apply',
  ).toEqual([]);

  const removal = await cli.applyOk({ ...applied, file: 'vf-removal.yaml', spec: vlanFilteringRemoval });
  expect(removal.stdout).toMatch(/Delete bridge br0/);
  const r = await vm.run('ip -n vf-sw -j link show');
  expectOk(r, 'ip link after the removal');
  const links = JSON.parse(r.stdout) as { ifname: string; master?: string }[];
  expect(links.map((l) => l.ifname).sort(), "br0 is gone; the ports (not NovaNet's) stay").toEqual([
    'lo',
    'p-a',
    'p-b',
    'p-c',
    'p-d',
    'p-t',
  ]);
  expect(links.filter((l) => l.master).map((l) => `${l.ifname} in ${l.master}`)).toEqual([]);
}

/** A GENEVE overlay with a local address is refused up front, naming the field (exit 2, nothing changed). */
async function geneveLocalRefused(cli: GuestNovanet): Promise<void> {
  const a = { file: 'gl.yaml', spec: geneveWithLocalSpec, netns: 'gn-1' };
  const path = await cli.writeSpec(a);
  const r = await cli.run('plan gl.yaml (gn-1, refused)', ['plan', '-f', path, '--netns', a.netns]);
  expect(r.exitCode, describeRun(r, 'novanet plan of a GENEVE overlay with local')).toBe(2);
  expect(r.stderr).toMatch(/overlays\[0\]\.local: a GENEVE tunnel has no local address/);
}

const proofs: NovanetProof[] = [
  {
    scenario: bridgeVlanFiltering,
    discover: { netns: 'vf-sw' },
    check: checkVlanFiltering,
    more: idempotenceAndRemoval,
  },
  { scenario: vlan8021q, discover: { netns: 'q-1' }, check: checkVlanSubinterfaces },
  { scenario: bonding, discover: { netns: 'bd-1' }, check: checkBondUplink },
  { scenario: geneve, discover: { netns: 'gn-1' }, check: checkGeneve, more: (cli) => geneveLocalRefused(cli) },
  { scenario: ovsKernelDatapath, discover: ovsKernelDatapath.applies?.[0] ?? { netns: 'ov-sw' }, check: checkOvs },
];

describe.skipIf(!!reason)('kernel features in a full-kernel VM', () => {
  let vm: VmSession;
  let cli: GuestNovanet;
  const suiteStart = performance.now();

  beforeAll(async () => {
    // The guest runs NovaNet from the host's out/ over 9p (cached in the guest): build it before booting.
    if (process.env.NOVANET_VM_SKIP_BUILD !== '1') {
      await timed('build NovaNet bundles on the host', () =>
        execa('node', ['scripts/build.mjs', '--node-only'], { cwd: REPO_ROOT }),
      );
    }
    vm = await timed('boot', () => bootVm({ log: (l) => console.log(l) }));
    cli = new GuestNovanet(vm, record);
  });

  afterAll(async () => {
    const pid = vm?.pid;
    await vm?.close();
    const total = Math.round(performance.now() - suiteStart);
    const calls = timings.filter((t) => t.cli);
    console.log(
      [
        '[vm] timings:',
        ...timings.map((t) => `  ${t.cli ? '  ' : ''}${t.label}: ${t.ms} ms`),
        `  ${calls.length} novanet invocations in the guest: ${calls.reduce((n, t) => n + t.ms, 0)} ms`,
        `  suite total: ${total} ms`,
      ].join('\n'),
    );
    if (pid) expect(() => process.kill(pid, 0), 'qemu must be gone after close()').toThrow();
  });

  it('boots to the first command in under 10 s', () => {
    console.log(`[vm] boot: ready ${vm.bootMs} ms, first command ${vm.firstCommandMs} ms`);
    expect(vm.firstCommandMs).toBeLessThan(10_000);
  });

  it('shares the host root read-only: the guest cannot write to it', async () => {
    const r = await vm.run(
      `touch /novanet-vm-write-test 2>&1; touch ${process.cwd()}/.novanet-vm-write-test 2>&1; true`,
    );
    expect(r.stdout).toMatch(/Read-only file system[\s\S]*Read-only file system/);
  });

  it('kills a hanging command at its timeout and stays usable', async () => {
    await timed('timeout check', async () => {
      const err = await vm.run('sleep 600', { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VmCommandTimeoutError);
      expect((err as Error).message).toMatch(/1500 ms.*sleep 600/);
      const after = await vm.run('echo still-here; ps -eo args | grep -c "^sleep 600" || true');
      expect(after.stdout).toBe('still-here\n0\n');
    });
  });

  for (const p of proofs) {
    it(p.scenario.title, async () => {
      await timed(p.scenario.title.split(' (')[0] ?? p.scenario.title, () =>
        runScenario(vm, cli, p.scenario, async () => {
          p.check(await cli.topology(p.discover));
          await p.more?.(cli, vm);
        }),
      );
    });
  }

  for (const s of [vrf, qdiscs]) {
    it(s.title, async () => {
      await timed(s.title.split(' (')[0] ?? s.title, () => runScenario(vm, cli, s));
    });
  }

  it("NovaNet's capability probe, run in the guest, finds every feature", async () => {
    const r = await timed('capability probe', () => vm.run(probeShellScript(), { timeoutMs: 60_000 }));
    expectOk(r, 'probe script');
    const { outputs, env } = parseProbeShellOutput(r.stdout);
    const caps = classifyProbe(outputs, env);
    expect(caps.kernel).toBe(vm.kernelVersion);
    const missing = capabilityNames
      .filter((n) => !caps.features[n]?.available)
      .map((n) => `${n}: ${caps.features[n]?.detail}`);
    expect(missing).toEqual([]);
  });
});
