/**
 * The libvirt part of the planner on simulated hosts (sim.ts + sim-libvirt.ts): exact steps and inverses for
 * networks and VM NICs, reservations by net-update, redefinition only when needed, ownership (foreign networks,
 * NICs NovaNet did not attach), the helper's schema refusing anything but structured fields, the virsh argv, the
 * tap VLAN commands the qemu hook runs, and properties over random specs: re-planning after apply is empty and
 * undoing any prefix of a plan restores the start.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import { exportSpec } from '../../../shared/plan/export';
import { planSchema, type Plan } from '../../../shared/plan/operations';
import { virshArgs, type LibvirtOperation } from '../../../shared/plan/operations-libvirt';
import { buildNetworkXml } from '../../../shared/plan/libvirt-xml';
import { tapVlanCommands } from '../../../shared/plan/tap-vlans';
import { hookText, startedAsHook } from '../../../helpers/lib/qemu-hook';
import { applyPlan, hostState, undoSteps } from './sim';
import { canonicalLibvirt, domainEntry } from './sim-libvirt';

const SPEC = 'ws';
function spec(parts: Partial<NetworkSpecInput>, name = SPEC): NetworkSpec {
  const r = parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, ...parts });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const UUID = '11111111-2222-4333-8444-555555555555';
/** A host with a running VM (one foreign NIC on the foreign network) and a shut-off one, both without NovaNet marks. */
function host(): HostState {
  const s = hostState({ target: { libvirtUri: 'qemu:///system' } });
  s.sources.libvirt = { status: 'ok', durationMs: 0 };
  s.networks.push({
    id: 'net:default',
    name: 'default',
    uuid: UUID,
    active: true,
    persistent: true,
    autostart: true,
    bridge: 'virbr0',
    forwardMode: 'nat',
    ips: [],
    portGroups: [],
  });
  s.domains.push(
    domainEntry({ name: 'web01', state: 'running', uuid: UUID }, [
      { mac: '52:54:00:00:00:99', model: 'virtio', source: { network: 'default' } },
    ]),
    domainEntry({ name: 'db01', state: 'shut off', uuid: UUID }, []),
  );
  return s;
}

const natNet = (hosts: { mac: string; name?: string; ip: string }[] = [], start = '192.168.150.100') => ({
  name: 'lab-nat',
  mode: 'nat' as const,
  bridge: 'virbr-lab',
  ipv4: { address: '192.168.150.1/24', dhcp: { ranges: [{ start, end: '192.168.150.199', leaseTime: '1h' }], hosts } },
  dns: { domain: 'lab.internal' },
});
const web = { mac: '52:54:00:00:00:10', name: 'web', ip: '192.168.150.10' };

const ops = (p: Plan) => p.steps.map((s) => s.op);
const valid = (s: NetworkSpec, state: HostState) => expect(validateSpec(s, state)).toEqual([]);

/** Plans, checks the helper accepts the plan, applies it, and checks re-planning is empty. */
function applyAndReplan(state: HostState, s: NetworkSpec): HostState {
  valid(s, state);
  const p = plan(state, s);
  expect(planSchema.safeParse(JSON.parse(JSON.stringify(p))).success).toBe(true);
  const after = applyPlan(state, p);
  expect(plan(after, s).steps.map((x) => x.description)).toEqual([]);
  return after;
}

describe('planner: libvirt networks', () => {
  it('defines, starts and autostarts a new network; the start is undone by destroy, the definition by undefine', () => {
    const p = plan(host(), spec({ networks: [natNet([web])] }));
    expect(p.steps.map((s) => [s.op.op, s.inverse.map((i) => i.op)])).toEqual([
      ['virsh.net.define', ['virsh.net.undefine']],
      ['virsh.net.start', ['virsh.net.destroy']],
      ['virsh.net.autostart', []],
    ]);
    expect(p.steps[0]?.op).toMatchObject({
      network: { name: 'lab-nat', mode: 'nat', owner: SPEC, ipv4: { dhcp: { hosts: [web] } } },
    });
    expect(p.steps[1]?.argv).toEqual(['virsh', '-c', 'qemu:///system', 'net-start', 'lab-nat']);
    applyAndReplan(host(), spec({ networks: [natNet([web])] }));
  });

  it('changes reservations with net-update on the running network (no restart), deletions first', () => {
    const s0 = applyAndReplan(host(), spec({ networks: [natNet([web])] }));
    const moved = { ...web, ip: '192.168.150.11' };
    const extra = { mac: '52:54:00:00:00:12', ip: '192.168.150.12' };
    const p = plan(s0, spec({ networks: [natNet([moved, extra])] }));
    expect(ops(p)).toEqual([
      { op: 'virsh.net.dhcp-host', name: 'lab-nat', action: 'delete', host: web, live: true },
      { op: 'virsh.net.dhcp-host', name: 'lab-nat', action: 'add', host: moved, live: true },
      { op: 'virsh.net.dhcp-host', name: 'lab-nat', action: 'add', host: extra, live: true },
    ]);
    expect(p.steps[1]?.argv).toEqual([
      'virsh',
      '-c',
      'qemu:///system',
      'net-update',
      'lab-nat',
      'add-last',
      'ip-dhcp-host',
      '<host mac="52:54:00:00:00:10" name="web" ip="192.168.150.11"/>',
      '--live',
      '--config',
    ]);
    const s1 = applyAndReplan(s0, spec({ networks: [natNet([moved, extra])] }));
    expect(canonicalLibvirt(undoSteps(s1, p.steps))).toEqual(canonicalLibvirt(s0));
  });

  it('redefines under the same UUID and restarts only for what net-update cannot change', () => {
    const s0 = applyAndReplan(host(), spec({ networks: [natNet([web])] }));
    const uuid = s0.networks.find((n) => n.name === 'lab-nat')?.uuid;
    const p = plan(s0, spec({ networks: [natNet([web], '192.168.150.120')] }));
    expect(p.steps.map((s) => s.op.op)).toEqual(['virsh.net.define', 'virsh.net.destroy', 'virsh.net.start']);
    expect(p.steps[0]?.op).toMatchObject({ uuid });
    expect(p.steps[0]?.inverse[0]).toMatchObject({
      op: 'virsh.net.define',
      uuid,
      network: { ipv4: { dhcp: { ranges: [{ start: '192.168.150.100' }] } } },
    });
    const s1 = applyAndReplan(s0, spec({ networks: [natNet([web], '192.168.150.120')] }));
    expect(canonicalLibvirt(undoSteps(s1, p.steps))).toEqual(canonicalLibvirt(s0));
  });

  it('turns autostart off and on, and starts an owned network found stopped', () => {
    const s0 = applyAndReplan(host(), spec({ networks: [natNet()] }));
    const stopped = applyPlan(s0, { ...plan(s0, spec({ networks: [natNet()] })), steps: [] });
    stopped.networks = stopped.networks.map((n) => (n.name === 'lab-nat' ? { ...n, active: false } : n));
    const p = plan(stopped, spec({ networks: [{ ...natNet(), autostart: false }] }));
    expect(ops(p)).toEqual([
      { op: 'virsh.net.start', name: 'lab-nat' },
      { op: 'virsh.net.autostart', name: 'lab-nat', enabled: false },
    ]);
  });

  it('removes an owned network that left the spec, restorable exactly; foreign and other specs’ networks stay', () => {
    let s0 = applyAndReplan(host(), spec({ networks: [natNet([web])] }));
    s0 = applyAndReplan(s0, spec({ networks: [{ name: 'theirs', mode: 'isolated', bridge: 'virbr-th' }] }, 'other'));
    const p = plan(s0, spec({}));
    expect(ops(p)).toEqual([
      { op: 'virsh.net.destroy', name: 'lab-nat' },
      { op: 'virsh.net.undefine', name: 'lab-nat' },
    ]);
    expect(p.steps[1]?.inverse.map((o) => o.op)).toEqual(['virsh.net.define', 'virsh.net.autostart']);
    const after = applyPlan(s0, p);
    expect(after.networks.map((n) => n.name).sort()).toEqual(['default', 'theirs']);
    expect(canonicalLibvirt(undoSteps(after, p.steps))).toEqual(canonicalLibvirt(s0));
  });

  it('puts a mode bridge network on an OVS switch with its port-group VLANs, on a Linux bridge without', () => {
    const sw = (type: 'ovs' | 'linux') => ({
      name: 'br-lan',
      type,
      portGroups: [{ name: 'servers', ...(type === 'ovs' ? { vlan: 10 } : {}) }],
    });
    const net = { name: 'lan', mode: 'bridge' as const, bridge: 'br-lan' };
    const define = (t: 'ovs' | 'linux') =>
      ops(plan(host(), spec({ switches: [sw(t)], networks: [net] }))).find((o) => o.op === 'virsh.net.define');
    expect(define('ovs')).toMatchObject({
      network: { virtualPort: 'openvswitch', portGroups: [{ name: 'servers', vlan: 10 }] },
    });
    expect(define('linux')).toMatchObject({ network: { portGroups: [{ name: 'servers' }] } });
    expect(define('linux')).not.toHaveProperty('network.virtualPort');
  });
});

describe('planner: VM NICs', () => {
  const vmSpec = (nics: NonNullable<NetworkSpecInput['vms']>[number]['nics'], extra: Partial<NetworkSpecInput> = {}) =>
    spec({ networks: [natNet()], vms: [{ name: 'web01', nics }], ...extra });

  it('records the NIC in the domain metadata, then attaches it live and persistently; undone by detach', () => {
    const p = plan(host(), vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }]));
    const vm = p.steps.filter((s) => s.object === 'vm web01');
    expect(vm.map((s) => [s.op, s.inverse])).toEqual([
      [
        { op: 'virsh.dom.metadata', domain: 'web01', owner: SPEC, nics: [{ mac: '52:54:00:aa:bb:cc' }], live: true },
        [{ op: 'virsh.dom.metadata', domain: 'web01', owner: null, nics: [], live: true }],
      ],
      [
        {
          op: 'virsh.dom.attach',
          domain: 'web01',
          nic: { mac: '52:54:00:aa:bb:cc', model: 'virtio', source: { network: 'lab-nat' } },
          live: true,
        },
        [{ op: 'virsh.dom.detach', domain: 'web01', type: 'network', mac: '52:54:00:aa:bb:cc', live: true }],
      ],
    ]);
    expect(vm[1]?.argv).toEqual([
      'virsh',
      '-c',
      'qemu:///system',
      'attach-device',
      'web01',
      '/run/novanet/libvirt/web01.xml',
      '--live',
      '--config',
    ]);
    const after = applyAndReplan(host(), vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }]));
    expect(canonicalLibvirt(undoSteps(after, p.steps))).toEqual(canonicalLibvirt(host()));
  });

  it('attaches to a shut-off VM in its definition only', () => {
    const s = spec({
      networks: [natNet()],
      vms: [{ name: 'db01', nics: [{ mac: '52:54:00:aa:bb:01', network: 'lab-nat' }] }],
    });
    expect(
      ops(plan(host(), s))
        .filter((o) => 'domain' in o)
        .every((o) => 'live' in o && o.live === false),
    ).toBe(true);
    expect(plan(host(), s).steps.at(-1)?.argv.slice(-1)).toEqual(['--config']);
  });

  it('a port group of a mode bridge network on a Linux switch gets its VLAN from NovaNet too', () => {
    const s = spec({
      switches: [{ name: 'br-lan', vlanFiltering: true, portGroups: [{ name: 'servers', vlan: 30 }] }],
      networks: [{ name: 'lan', mode: 'bridge', bridge: 'br-lan' }],
      vms: [{ name: 'web01', nics: [{ mac: '52:54:00:aa:bb:c1', network: 'lan', portGroup: 'servers' }] }],
    });
    const o = ops(plan(host(), s));
    expect(o.find((x) => x.op === 'virsh.dom.metadata')).toMatchObject({
      nics: [{ mac: '52:54:00:aa:bb:c1', switch: 'br-lan', portGroup: 'servers', vlan: 30 }],
    });
    expect(o.find((x) => x.op === 'virsh.dom.attach')).toMatchObject({
      nic: { source: { network: 'lan', portGroup: 'servers' } },
    });
    expect(o.map((x) => x.op).filter((x) => x === 'virsh.hook.install' || x === 'virsh.dom.tap-vlans')).toEqual([
      'virsh.hook.install',
      'virsh.dom.tap-vlans',
    ]);
  });

  it('on OVS the port group VLAN goes into the interface; on a Linux bridge into the metadata, with the hook and tap VLANs', () => {
    const ovs = ops(
      plan(
        host(),
        spec({
          switches: [{ name: 'ovs-lan', type: 'ovs', portGroups: [{ name: 'servers', vlan: 10 }] }],
          vms: [{ name: 'web01', nics: [{ mac: '52:54:00:aa:bb:cd', switch: 'ovs-lan', portGroup: 'servers' }] }],
        }),
      ),
    );
    expect(ovs.find((o) => o.op === 'virsh.dom.attach')).toMatchObject({
      nic: { source: { bridge: 'ovs-lan' }, virtualPort: 'openvswitch', vlan: { vlan: 10 } },
    });
    expect(ovs.some((o) => o.op === 'virsh.hook.install')).toBe(false);
    const lin = ops(
      plan(
        host(),
        spec({
          switches: [{ name: 'br-lan', vlanFiltering: true, portGroups: [{ name: 'servers', vlan: 20 }] }],
          vms: [{ name: 'web01', nics: [{ mac: '52:54:00:aa:bb:ce', switch: 'br-lan', portGroup: 'servers' }] }],
        }),
      ),
    );
    expect(lin.filter((o) => o.op.startsWith('virsh.')).map((o) => o.op)).toEqual([
      'virsh.dom.metadata',
      'virsh.hook.install',
      'virsh.dom.attach',
      'virsh.dom.tap-vlans',
    ]);
    expect(lin.find((o) => o.op === 'virsh.dom.metadata')).toMatchObject({
      nics: [{ mac: '52:54:00:aa:bb:ce', switch: 'br-lan', portGroup: 'servers', vlan: 20 }],
    });
    expect(lin.find((o) => o.op === 'virsh.dom.attach')).not.toHaveProperty('nic.vlan');
  });

  it('moves an owned NIC with update-device (undone by the reverse update), and leaves foreign NICs alone', () => {
    const s0 = applyAndReplan(host(), vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }]));
    const s = vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'default', model: 'e1000' }]);
    const p = plan(s0, s);
    expect(ops(p)).toEqual([
      {
        op: 'virsh.dom.update',
        domain: 'web01',
        nic: { mac: '52:54:00:aa:bb:cc', model: 'e1000', source: { network: 'default' } },
        live: true,
      },
    ]);
    expect(p.steps[0]?.inverse).toEqual([
      {
        op: 'virsh.dom.update',
        domain: 'web01',
        nic: { mac: '52:54:00:aa:bb:cc', model: 'virtio', source: { network: 'lab-nat' } },
        live: true,
      },
    ]);
    const s1 = applyAndReplan(s0, s);
    expect(s1.domains.find((d) => d.name === 'web01')?.nics.map((n) => n.mac)).toEqual([
      '52:54:00:00:00:99',
      '52:54:00:aa:bb:cc',
    ]);
  });

  it('moves an OVS NIC between port groups under the interface id libvirt gave its port (a live re-plug is refused)', () => {
    const sw = {
      name: 'ovs-lan',
      type: 'ovs' as const,
      portGroups: [
        { name: 'a', vlan: 10 },
        { name: 'b', vlan: 20 },
      ],
    };
    const s0 = host();
    const nic = {
      mac: '52:54:00:aa:bb:cd',
      model: 'virtio' as const,
      source: { bridge: 'ovs-lan' },
      virtualPort: 'openvswitch' as const,
    };
    s0.domains[0] = domainEntry(s0.domains[0]!, [{ ...nic, vlan: { vlan: 10 }, interfaceId: UUID }], {
      owner: SPEC,
      nics: [{ mac: nic.mac }],
    });
    const p = plan(
      s0,
      spec({ switches: [sw], vms: [{ name: 'web01', nics: [{ mac: nic.mac, switch: 'ovs-lan', portGroup: 'b' }] }] }),
    );
    const update = p.steps.find((s) => s.op.op === 'virsh.dom.update');
    expect(update?.op).toEqual({
      op: 'virsh.dom.update',
      domain: 'web01',
      nic: { ...nic, vlan: { vlan: 20 }, interfaceId: UUID },
      live: true,
    });
    expect(update?.inverse).toEqual([
      { op: 'virsh.dom.update', domain: 'web01', nic: { ...nic, vlan: { vlan: 10 }, interfaceId: UUID }, live: true },
    ]);
  });

  it('a restart of a network that running VMs use puts their taps back on its bridge, also when undone', () => {
    const nics = [{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }];
    const s0 = applyAndReplan(host(), vmSpec(nics));
    const p = plan(s0, spec({ networks: [natNet([], '192.168.150.120')], vms: [{ name: 'web01', nics }] }));
    expect(p.steps.map((s) => [s.op.op, s.inverse.map((i) => i.op)])).toEqual([
      ['virsh.net.define', ['virsh.net.define']],
      ['virsh.net.destroy', ['virsh.net.start', 'virsh.net.reconnect']],
      ['virsh.net.start', ['virsh.net.destroy']],
      ['virsh.net.reconnect', []],
    ]);
    expect(p.steps[3]?.argv).toEqual(['ip', 'link', 'set', 'dev', '…', 'master', '(bridge of lab-nat, per VM tap)']);
    // Nobody on it: a plain restart.
    expect(
      plan(
        applyAndReplan(host(), spec({ networks: [natNet()] })),
        spec({ networks: [natNet([], '192.168.150.120')] }),
      ).steps.map((s) => s.op.op),
    ).toEqual(['virsh.net.define', 'virsh.net.destroy', 'virsh.net.start']);
  });

  it('refuses to remove a network a kept VM NIC is on; the plan’s own detach does not count', () => {
    const s0 = applyAndReplan(host(), vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }]));
    // The VM and its NIC stay, the network goes: refused.
    expect(
      validateSpec(spec({ vms: [{ name: 'web01', nics: [{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }] }] }), s0),
    ).toContainEqual({
      path: 'networks',
      message:
        'network lab-nat would be removed while VM web01 has a NIC (52:54:00:aa:bb:cc) on it; move or detach that NIC first, or keep the network',
    });
    // Both go: NovaNet detaches its NIC first, then removes the network.
    expect(validateSpec(spec({}), s0)).toEqual([]);
    // Another VM's NIC (attached by hand) on it: refused even when this spec's own go too.
    const s1 = structuredClone(s0);
    s1.domains[1] = domainEntry(s1.domains[1]!, [
      { mac: '52:54:00:aa:00:77', model: 'virtio', source: { network: 'lab-nat' } },
    ]);
    expect(validateSpec(spec({}), s1).map((i) => i.message)).toEqual([
      expect.stringMatching(/VM db01 has a NIC \(52:54:00:aa:00:77\)/),
    ]);
  });

  it('refuses networks and VMs when libvirt was not read for the target, saying how to read it', () => {
    const s = host();
    s.sources.libvirt = {
      status: 'skipped',
      message: 'libvirt is read on the host; pass --libvirt URI to include it',
      durationMs: 0,
    };
    expect(validateSpec(spec({ networks: [natNet()] }), s)).toContainEqual({
      path: 'networks',
      message: expect.stringMatching(
        /^libvirt was not read for this target \(libvirt is read on the host.*\); start libvirtd or pass --libvirt URI/,
      ),
    });
    expect(validateSpec(spec({}), s)).toEqual([]);
  });

  it('refuses a transient VM: it has no definition to keep the NICs in', () => {
    const s = host();
    s.domains[0] = { ...s.domains[0]!, persistent: false };
    expect(validateSpec(vmSpec([{ mac: '52:54:00:aa:bb:cc', network: 'lab-nat' }]), s)).toContainEqual({
      path: 'vms[0].name',
      message: 'VM web01 is transient (it has no definition to keep its NICs in); define it persistently first',
    });
  });

  it('refuses a NIC that exists but NovaNet did not attach, and a VM another spec manages', () => {
    const s = vmSpec([{ mac: '52:54:00:00:00:99', network: 'lab-nat' }]);
    expect(validateSpec(s, host())).toContainEqual(
      expect.objectContaining({ path: 'vms[0].nics[0].mac', message: expect.stringMatching(/NovaNet did not attach/) }),
    );
    const theirs = applyPlan(
      host(),
      plan(
        host(),
        spec({ vms: [{ name: 'web01', nics: [{ mac: '52:54:00:aa:00:01', network: 'default' }] }] }, 'other'),
      ),
    );
    expect(validateSpec(vmSpec([]), theirs)).toContainEqual(
      expect.objectContaining({ path: 'vms[0].name', message: expect.stringMatching(/managed by spec other/) }),
    );
  });

  it('detaches only NovaNet’s NICs when a VM leaves the spec, and drops its metadata; undo restores it', () => {
    const s0 = applyAndReplan(
      host(),
      vmSpec([
        { mac: '52:54:00:aa:bb:cc', network: 'lab-nat' },
        { mac: '52:54:00:aa:bb:cd', network: 'default' },
      ]),
    );
    const p = plan(s0, spec({ networks: [natNet()] }));
    expect(ops(p).map((o) => [o.op, 'mac' in o ? o.mac : null])).toEqual([
      ['virsh.dom.detach', '52:54:00:aa:bb:cc'],
      ['virsh.dom.detach', '52:54:00:aa:bb:cd'],
      ['virsh.dom.metadata', null],
    ]);
    const after = applyAndReplan(s0, spec({ networks: [natNet()] }));
    expect(after.domains.find((d) => d.name === 'web01')).toMatchObject({ nics: [{ mac: '52:54:00:00:00:99' }] });
    expect(after.domains.find((d) => d.name === 'web01')?.owner).toBeUndefined();
    expect(canonicalLibvirt(undoSteps(after, p.steps))).toEqual(canonicalLibvirt(s0));
  });
});

describe('export: networks and VM NICs back as the spec', () => {
  it('exports what the spec owns (networks by owner mark, NICs by metadata); planning the export is empty', () => {
    // (A switch's port groups are exported from its ports, so a group only VM NICs use is not part of the export.)
    const s = spec({
      switches: [{ name: 'ovs-lan', type: 'ovs', portGroups: [{ name: 'servers', vlan: 10 }] }],
      networks: [natNet([web]), { name: 'iso', mode: 'isolated', bridge: 'virbr-iso', autostart: false }],
      vms: [
        {
          name: 'web01',
          nics: [
            { mac: '52:54:00:aa:bb:cc', network: 'lab-nat', model: 'e1000' },
            { mac: '52:54:00:aa:bb:cd', switch: 'ovs-lan' },
          ],
        },
      ],
    });
    const after = applyAndReplan(
      applyAndReplan(host(), spec({ networks: [{ name: 'theirs', mode: 'isolated', bridge: 'virbr-th' }] }, 'other')),
      s,
    );
    const exported = exportSpec(after, SPEC);
    expect(exported.networks?.map((n) => n.name)).toEqual(['lab-nat', 'iso']);
    expect(exported.vms).toEqual([
      {
        name: 'web01',
        nics: [
          { mac: '52:54:00:aa:bb:cc', network: 'lab-nat', model: 'e1000' },
          { mac: '52:54:00:aa:bb:cd', switch: 'ovs-lan', model: 'virtio' },
        ],
      },
    ]);
    const again = parseSpec(exported);
    expect(again.issues).toEqual([]);
    expect(plan(after, again.spec!).steps.map((x) => x.description)).toEqual([]);
  });
});

describe('libvirt operations: schema and virsh argv', () => {
  const base = { apiVersion: 'novanet/v1', spec: 'ws', target: {}, warnings: [] };
  const withOp = (op: unknown) =>
    planSchema.safeParse({ ...base, steps: [{ index: 0, op, inverse: [], description: 'x', object: 'x', argv: [] }] });

  it('the helper refuses raw XML, unknown virsh operations and names carrying XML', () => {
    const net = { name: 'n', mode: 'isolated', owner: 'ws' };
    expect(withOp({ op: 'virsh.net.define', network: net }).success).toBe(true);
    expect(withOp({ op: 'virsh.net.define', network: net, xml: '<network/>' }).success).toBe(false);
    expect(withOp({ op: 'virsh.net.define', network: { ...net, name: 'a<b' } }).success).toBe(false);
    expect(withOp({ op: 'virsh.raw', args: ['destroy', 'x'] }).success).toBe(false);
    expect(
      withOp({
        op: 'virsh.dom.attach',
        domain: 'vm',
        nic: { mac: '52:54:00:00:00:01', model: 'virtio', source: { network: 'n' }, hostdev: 'x' },
        live: true,
      }).success,
    ).toBe(false);
    expect(withOp({ op: 'virsh.net.start', name: '-x' }).success).toBe(false);
    expect(withOp({ op: 'virsh.net.define', network: net, uuid: '$(reboot)' }).success).toBe(false);
  });

  it('maps each operation to fixed virsh arguments', () => {
    const cases: [LibvirtOperation, string[] | undefined][] = [
      [{ op: 'virsh.net.undefine', name: 'n' }, ['net-undefine', 'n']],
      [{ op: 'virsh.net.destroy', name: 'n' }, ['net-destroy', 'n']],
      [{ op: 'virsh.net.autostart', name: 'n', enabled: false }, ['net-autostart', 'n', '--disable']],
      [
        { op: 'virsh.dom.detach', domain: 'vm', type: 'bridge', mac: '52:54:00:00:00:01', live: false },
        ['detach-interface', 'vm', 'bridge', '--mac', '52:54:00:00:00:01', '--config'],
      ],
      [
        {
          op: 'virsh.dom.update',
          domain: 'vm',
          nic: { mac: '52:54:00:00:00:01', model: 'virtio', source: { bridge: 'b' } },
          live: true,
        },
        ['update-device', 'vm', 'F', '--live', '--config'],
      ],
      [
        { op: 'virsh.dom.metadata', domain: 'vm', owner: null, nics: [], live: true },
        ['metadata', 'vm', 'https://novanet.invalid/xmlns/1', '--remove', '--live', '--config'],
      ],
      [{ op: 'virsh.hook.install' }, undefined],
    ];
    for (const [op, args] of cases) expect(virshArgs(op, 'F')).toEqual(args);
    const meta = virshArgs(
      { op: 'virsh.dom.metadata', domain: 'vm', owner: 'ws', nics: [{ mac: '52:54:00:00:00:01' }], live: false },
      'F',
    );
    expect(meta?.slice(0, 5)).toEqual(['metadata', 'vm', 'https://novanet.invalid/xmlns/1', '--key', 'novanet']);
    expect(meta?.[6]).toMatch(/^<nics owner="ws">\s*<nic mac="52:54:00:00:00:01"/);
  });

  it('builds network XML with the UUID libvirt needs for a redefinition, and refuses a malformed one', () => {
    expect(buildNetworkXml({ name: 'n', mode: 'isolated' }, UUID)).toContain(`<uuid>${UUID}</uuid>`);
    expect(() => buildNetworkXml({ name: 'n', mode: 'isolated' }, 'x</uuid><forward')).toThrow(/uuid/);
  });
});

describe('qemu hook: Linux-bridge VLANs on taps', () => {
  const dom = (nics: string, meta: string) =>
    `<domain><name>vm</name><metadata><novanet:nics xmlns:novanet="https://novanet.invalid/xmlns/1" owner="ws">${meta}</novanet:nics></metadata><devices>${nics}</devices></domain>`;
  const iface = (mac: string, dev: string, bridge = 'br-lan') =>
    `<interface type='bridge'><mac address='${mac}'/><source bridge='${bridge}'/><target dev='${dev}'/></interface>`;

  it('sets an access VLAN (pvid untagged, VLAN 1 dropped) and a trunk with its native VLAN', () => {
    const xml = dom(
      iface('52:54:00:00:00:01', 'vnet0') + iface('52:54:00:00:00:02', 'vnet1') + iface('52:54:00:00:00:03', 'vnet2'),
      '<novanet:nic mac="52:54:00:00:00:01" switch="br-lan" portGroup="a" vlan="20"/>' +
        '<novanet:nic mac="52:54:00:00:00:02" switch="br-lan" portGroup="t" trunk="10 30" nativeVlan="5"/>' +
        '<novanet:nic mac="52:54:00:00:00:03"/>',
    );
    expect(tapVlanCommands(xml)).toEqual([
      ['vlan', 'del', 'dev', 'vnet0', 'vid', '1'],
      ['vlan', 'add', 'dev', 'vnet0', 'vid', '20', 'pvid', 'untagged'],
      ['vlan', 'del', 'dev', 'vnet1', 'vid', '1'],
      ['vlan', 'add', 'dev', 'vnet1', 'vid', '5', 'pvid', 'untagged'],
      ['vlan', 'add', 'dev', 'vnet1', 'vid', '10'],
      ['vlan', 'add', 'dev', 'vnet1', 'vid', '30'],
    ]);
  });

  it('skips a NIC moved to another bridge, a tap name the kernel would refuse, and a domain without metadata', () => {
    const meta = '<novanet:nic mac="52:54:00:00:00:01" switch="br-lan" portGroup="a" vlan="20"/>';
    expect(tapVlanCommands(dom(iface('52:54:00:00:00:01', 'vnet0', 'br-other'), meta))).toEqual([]);
    expect(tapVlanCommands(dom(iface('52:54:00:00:00:01', '-evil name'), meta))).toEqual([]);
    expect(
      tapVlanCommands(`<domain><name>vm</name><devices>${iface('52:54:00:00:00:01', 'vnet0')}</devices></domain>`),
    ).toEqual([]);
  });

  it('the installed loader is node by absolute path importing the helper bundle by a quoted file URL', () => {
    const text = hookText('/usr/bin/node', "/usr/lib/novanet/novanet-helper'.mjs");
    expect(text.split('\n')[0]).toBe('#!/usr/bin/node');
    expect(text).toContain('import("file:///usr/lib/novanet/novanet-helper\'.mjs")');
    expect(startedAsHook('/etc/libvirt/hooks/qemu.d/novanet')).toBe(true);
    expect(startedAsHook('/usr/lib/novanet/novanet-helper')).toBe(false);
  });
});

describe('planner properties: libvirt networks and VM NICs', () => {
  const macs = ['52:54:00:00:01:01', '52:54:00:00:01:02', '52:54:00:00:01:03'];
  const netArb = (i: number) =>
    fc
      .record({
        mode: fc.constantFrom('nat' as const, 'route' as const, 'open' as const, 'isolated' as const),
        start: fc.constantFrom(100, 120),
        hosts: fc.subarray(macs),
        autostart: fc.boolean(),
        ip: fc.constantFrom(10, 11),
      })
      .map((r) => ({
        name: `net${i}`,
        mode: r.mode,
        bridge: `virbr-n${i}`,
        autostart: r.autostart,
        ipv4: {
          address: `10.${50 + i}.0.1/24`,
          dhcp: {
            ranges: [{ start: `10.${50 + i}.0.${r.start}`, end: `10.${50 + i}.0.199` }],
            hosts: r.hosts.map((mac, k) => ({ mac, ip: `10.${50 + i}.0.${r.ip + k * 5}` })),
          },
        },
      }));
  const specArb = fc
    .record({
      nets: fc.tuple(netArb(0), netArb(1)).chain(([a, b]) => fc.subarray([a, b])),
      nics: fc.subarray(['52:54:00:00:02:01', '52:54:00:00:02:02']),
      on: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 2 }),
      vm: fc.constantFrom('web01', 'db01'),
    })
    .map((r) => {
      const targets = [...r.nets.map((n) => n.name), 'default'];
      return spec({
        networks: r.nets,
        vms: [
          {
            name: r.vm,
            nics: r.nics.map((mac, k) => ({ mac, network: targets[(r.on[k] ?? 0) % targets.length] as string })),
          },
        ],
      });
    });

  it('re-planning after apply is empty, and undoing any prefix restores the start', () => {
    fc.assert(
      fc.property(specArb, specArb, (earlier, s) => {
        const start = applyPlan(host(), plan(host(), earlier));
        if (validateSpec(s, start).length) return;
        const p = plan(start, s);
        const after = applyPlan(start, p);
        expect(plan(after, s).steps).toEqual([]);
        for (let k = 0; k <= p.steps.length; k++) {
          const partial = applyPlan(start, { ...p, steps: p.steps.slice(0, k) });
          expect(canonicalLibvirt(undoSteps(partial, p.steps.slice(0, k)))).toEqual(canonicalLibvirt(start));
        }
      }),
      { numRuns: 100 },
    );
  });
});
