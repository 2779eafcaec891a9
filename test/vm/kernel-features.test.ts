/**
 * Features this machine's minimal kernel lacks, proven with real traffic inside a full Debian kernel under qemu.
 * One boot serves the whole file. Each scenario is configure -> verify -> cleanup; `runScenario` takes the
 * configure step as a parameter so NovaNet's own `apply` can replace the raw commands later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootVm, vmUnavailableReason, VmCommandTimeoutError, type VmRunResult, type VmSession } from './harness';
import { scenarios, verifyScript, type Scenario } from './guest-scripts';
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

const timings: [string, number][] = [];
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    const ms = Math.round(performance.now() - t0);
    timings.push([label, ms]);
    console.log(`[vm] ${label}: ${ms} ms`);
  }
}

function expectOk(r: VmRunResult, what: string): void {
  if (r.exitCode !== 0) {
    throw new Error(`${what} exited ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
}

/** How a scenario's topology gets built; the default runs its raw commands. */
export type Configure = (vm: VmSession, s: Scenario) => Promise<void>;
export const rawConfigure: Configure = async (vm, s) =>
  expectOk(await vm.run(s.configure, { timeoutMs: 120_000 }), 'configure');

export async function runScenario(vm: VmSession, s: Scenario, configure: Configure = rawConfigure): Promise<string> {
  try {
    await configure(vm, s);
    const r = await vm.run(verifyScript(s), { timeoutMs: 120_000 });
    expectOk(r, 'verify');
    return r.stdout;
  } finally {
    await vm.run(s.cleanup, { timeoutMs: 60_000 });
  }
}

describe.skipIf(!!reason)('kernel features in a full-kernel VM', () => {
  let vm: VmSession;
  const suiteStart = performance.now();

  beforeAll(async () => {
    vm = await timed('boot', () => bootVm({ log: (l) => console.log(l) }));
  });

  afterAll(async () => {
    const pid = vm?.pid;
    await vm?.close();
    const total = Math.round(performance.now() - suiteStart);
    console.log(`[vm] timings: ${timings.map(([l, ms]) => `${l} ${ms} ms`).join(', ')}; suite total ${total} ms`);
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

  for (const s of scenarios) {
    it(s.title, async () => {
      const out = await timed(s.title.split(':')[0] ?? s.title, () => runScenario(vm, s));
      console.log(out.trimEnd());
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
