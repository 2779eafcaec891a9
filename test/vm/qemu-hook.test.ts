/**
 * The libvirt qemu hook that gives VM taps their Linux-bridge port-group VLANs, proven where bridge VLAN filtering
 * exists: inside the full Debian kernel. The helper (out/helper, through the read-only 9p root) installs the hook
 * into a guest directory; the hook is then run exactly as libvirt runs it at a VM start (`DOMAIN started begin -`,
 * the domain XML with NovaNet's metadata on stdin) against a tap on a VLAN-filtering bridge. A "restart" (the tap
 * deleted and created again, back in VLAN 1 as a new tap is) followed by the hook gives the VLAN back, and frames
 * cross only within VLAN 20. libvirtd itself does not run in the guest: what libvirt adds is calling the hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootVm, GUEST_JOB_DIR, type VmSession } from './harness';
import { REPO_ROOT, describeRun } from './novanet-cli';
import { unavailableReason } from './prerequisites';

const reason = unavailableReason();
if (reason) console.warn(`[vm] qemu-hook suite SKIPPED: ${reason}`);

const MAC = '52:54:00:31:03:01';
const DOMAIN_XML =
  `<domain type='qemu'><name>nnta-hookvm</name><metadata><novanet:nics xmlns:novanet="https://novanet.invalid/xmlns/1" owner="ws">` +
  `<novanet:nic mac="${MAC}" switch="brh" portGroup="servers" vlan="20"/></novanet:nics></metadata>` +
  `<devices><interface type='bridge'><mac address='${MAC}'/><source bridge='brh'/><target dev='vnet0'/></interface></devices></domain>`;
const INSTALL = {
  verb: 'apply',
  trialSeconds: 0,
  probes: [],
  plan: {
    apiVersion: 'novanet/v1',
    spec: 'ws',
    target: {},
    warnings: [],
    steps: [{ index: 0, op: { op: 'virsh.hook.install' }, inverse: [], description: 'hook', object: 'hook', argv: [] }],
  },
};

/** The tap as libvirt leaves it before the hook: on the bridge, up, in the kernel's default VLAN 1; its far end in ns vm. */
const NEW_TAP = [
  'ip link add vnet0 type veth peer name eth0 netns vm',
  'ip link set vnet0 master brh',
  'ip link set vnet0 up',
  'ip -n vm link set eth0 up',
].join('\n');

describe.skipIf(!!reason)('qemu hook: Linux-bridge port-group VLAN on a VM tap, kept across a restart', () => {
  let vm: VmSession;
  beforeAll(async () => {
    vm = await bootVm({ log: (l) => console.log(l) });
    await writeFile(join(vm.hostJobDir, 'dom.xml'), DOMAIN_XML);
    await writeFile(join(vm.hostJobDir, 'install.json'), `${JSON.stringify(INSTALL)}\n`);
  }, 120_000);
  afterAll(async () => {
    await vm?.close();
  });

  const sh = async (script: string) => {
    const r = await vm.run(`set -e\n${script}`, { timeoutMs: 120_000 });
    if (r.exitCode !== 0) throw new Error(describeRun(r, script.split('\n')[0] ?? script));
    return r.stdout;
  };
  const vlansOfTap = async () =>
    (JSON.parse(await sh('bridge -j vlan show dev vnet0')) as { vlans: { vlan: number; flags?: string[] }[] }[])[0]
      ?.vlans;
  const hook = `/tmp/nnh/hooks/qemu.d/novanet nnta-hookvm started begin - < ${GUEST_JOB_DIR}/dom.xml`;

  it('the helper installs the hook; at start it moves the tap from VLAN 1 to the port group VLAN', async () => {
    await sh(
      [
        'ip netns add vm',
        'ip netns add peer',
        'ip link add brh type bridge vlan_filtering 1',
        'ip link set brh up',
        NEW_TAP,
        // A port of VLAN 20 that is not the VM's: the VM must reach it after the hook, and only then.
        'ip link add p20 type veth peer name eth0 netns peer',
        'ip link set p20 master brh',
        'bridge vlan del dev p20 vid 1',
        'bridge vlan add dev p20 vid 20 pvid untagged',
        'ip link set p20 up',
        'ip -n peer link set eth0 up',
        'ip -n peer addr add 10.20.0.2/24 dev eth0',
        'ip -n vm addr add 10.20.0.1/24 dev eth0',
        `NOVANET_HELPER_STATE_DIR=/tmp/nnh/state NOVANET_QEMU_HOOK_DIR=/tmp/nnh/hooks/qemu.d node ${REPO_ROOT}/out/helper/novanet-helper.mjs < ${GUEST_JOB_DIR}/install.json`,
      ].join('\n'),
    );
    expect(await vlansOfTap()).toEqual([{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }]);
    expect((await vm.run('ip netns exec vm ping -c 1 -W 1 10.20.0.2', { timeoutMs: 20_000 })).exitCode).not.toBe(0);
    await sh(hook);
    expect(await vlansOfTap()).toEqual([{ vlan: 20, flags: ['PVID', 'Egress Untagged'] }]);
    // -w: ping keeps sending until the first reply (the neighbour entry failed before the hook; TCG is slow).
    await sh('ip netns exec vm ping -c 1 -w 10 10.20.0.2');
  });

  it('after a restart (a new tap in VLAN 1) the hook sets the VLAN again from the metadata', async () => {
    await sh(['ip link del vnet0', NEW_TAP, 'ip -n vm addr add 10.20.0.1/24 dev eth0'].join('\n'));
    expect(await vlansOfTap()).toEqual([{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }]);
    await sh(hook);
    expect(await vlansOfTap()).toEqual([{ vlan: 20, flags: ['PVID', 'Egress Untagged'] }]);
    // -w: ping keeps sending until the first reply (the neighbour entry failed before the hook; TCG is slow).
    await sh('ip netns exec vm ping -c 1 -w 10 10.20.0.2');
  });
});
