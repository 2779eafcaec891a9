/**
 * Semantic validation against hand-made HostStates: references exist, nothing is claimed twice, names do not
 * collide with objects someone else owns, and a missing kernel/OVS feature is named.
 */
import { describe, expect, it } from 'vitest';
import type { Capabilities, CapabilityName } from '../../../shared/model/capabilities';
import { capabilityNames } from '../../../shared/model/capabilities';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import { applyPlan, hostState, link, ovsBridge, ovsPort, veth, withLinuxBridge } from '../plan/sim';

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
function spec(parts: Partial<Pick<NetworkSpecInput, 'switches' | 'vlans' | 'overlays'>>, name = 'ws'): NetworkSpec {
  const r = parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, ...parts });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const sw = (s: Sw) => spec({ switches: [s] });

/** A workstation: two NICs, VM taps, a foreign bridge holding one NIC, a foreign OVS bridge holding a port. */
function host(extra: Partial<Parameters<typeof hostState>[0]> = {}): HostState {
  let s = hostState({
    links: [veth('enp3s0', { adminUp: true }), veth('enp4s0', { adminUp: true }), veth('enp5s0'), ...['vm1', 'vm2', 'vm3', 'vm4'].map((v) => veth(`${v}-eth0`)), veth('ovsp1'), link('ovs-ext', 'ovs-bridge')],
    ovsBridges: [ovsBridge('ovs-ext', { ports: [ovsPort('ovs-ext', { type: 'internal' }), ovsPort('ovsp1')] })],
    ...extra,
  });
  s.links.find((l) => l.name === 'ovsp1')!.master = 'ovs-ext';
  s = withLinuxBridge(s, 'br-foreign', { ports: ['enp5s0'] });
  return s;
}

function caps(missing: CapabilityName[], detail = 'RTNETLINK answers: Operation not supported'): Capabilities {
  return {
    kernel: '6.18.44',
    probedAt: '2025-01-01T00:00:00.000Z',
    features: Object.fromEntries(capabilityNames.map((n) => [n, missing.includes(n) ? { available: false, detail } : { available: true }])) as Capabilities['features'],
  };
}

describe('references: uplinks and ports exist and are free', () => {
  it('an uplink that does not exist', () => {
    expect(validateSpec(sw({ name: 'br-lan', uplinks: ['enp3s0', 'enp9s0'] }), host())).toEqual([{ path: 'switches[0].uplinks[1]', message: 'enp9s0 does not exist on the host' }]);
  });
  it('a port that does not exist (not internal)', () => {
    expect(validateSpec(sw({ name: 'br-lan', ports: [{ name: 'vm9-eth0' }] }), host())).toEqual([{ path: 'switches[0].ports[0].name', message: 'vm9-eth0 does not exist on the host' }]);
  });
  it('an uplink already in another (foreign) Linux bridge', () => {
    expect(validateSpec(sw({ name: 'br-lan', uplinks: ['enp5s0'] }), host())).toEqual([{ path: 'switches[0].uplinks[0]', message: 'enp5s0 is already in br-foreign' }]);
    expect(validateSpec(sw({ name: 'ovs-lan', type: 'ovs', uplinks: ['enp5s0'] }), host())).toEqual([{ path: 'switches[0].uplinks[0]', message: 'enp5s0 is already in br-foreign' }]);
  });
  it("an uplink in another spec's bridge", () => {
    const s = withLinuxBridge(host(), 'br-other', { alias: 'novanet:other', ports: ['enp4s0'] });
    expect(validateSpec(sw({ name: 'br-lan', uplinks: ['enp4s0'] }), s)).toEqual([{ path: 'switches[0].uplinks[0]', message: 'enp4s0 is already in br-other' }]);
  });
  it('a port already on a foreign Open vSwitch bridge', () => {
    // Discovery reports OVS members with master = the OVS bridge, so the same fact is reported by both checks
    // ("already in ovs-ext" and "already a port of Open vSwitch bridge ovs-ext"); both name the field and the bridge.
    const issues = validateSpec(sw({ name: 'br-lan', ports: [{ name: 'ovsp1' }] }), host());
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(i).toEqual({ path: 'switches[0].ports[0].name', message: expect.stringMatching(/ovsp1 is already (in ovs-ext|a port of Open vSwitch bridge ovs-ext)$/) });
    expect(issues.map((i) => i.message)).toContain('ovsp1 is already a port of Open vSwitch bridge ovs-ext');
  });
  it('the loopback device', () => {
    expect(validateSpec(sw({ name: 'br-lan', uplinks: ['lo'] }), host())).toEqual([{ path: 'switches[0].uplinks[0]', message: 'lo is the loopback device' }]);
  });
  it("a port held by this spec's own bridge that the spec drops is free to move", () => {
    const s = withLinuxBridge(host(), 'br-old', { alias: 'novanet:ws', ports: ['vm1-eth0'] });
    expect(validateSpec(sw({ name: 'br-new', ports: [{ name: 'vm1-eth0' }] }), s)).toEqual([]);
  });
  it('a port moving between two switches of the same spec', () => {
    const s = withLinuxBridge(host(), 'br-a', { alias: 'novanet:ws', ports: ['vm1-eth0'] });
    expect(validateSpec(spec({ switches: [{ name: 'br-a' }, { name: 'br-b', ports: [{ name: 'vm1-eth0' }] }] }), s)).toEqual([]);
  });
});

describe('a port belongs to one switch and one group', () => {
  it('the same interface in two switches', () => {
    const issues = validateSpec(spec({ switches: [{ name: 'br-a', ports: [{ name: 'vm1-eth0' }] }, { name: 'br-b', uplinks: ['vm1-eth0'] }] }), host());
    expect(issues).toEqual([{ path: 'switches[1].uplinks[0]', message: 'vm1-eth0 is already placed at switches[0].ports[0].name; a port belongs to one switch and one group' }]);
  });
  it('the same interface twice in one switch (two groups)', () => {
    const issues = validateSpec(
      sw({ name: 'ovs-a', type: 'ovs', portGroups: [{ name: 'g10', vlan: 10 }, { name: 'g20', vlan: 20 }], ports: [{ name: 'vm1-eth0', portGroup: 'g10' }, { name: 'vm1-eth0', portGroup: 'g20' }] }),
      host(),
    );
    expect(issues).toEqual([{ path: 'switches[0].ports[1].name', message: expect.stringMatching(/already placed at switches\[0\]\.ports\[0\]\.name/) }]);
  });
  it('an uplink that is also a port', () => {
    const issues = validateSpec(sw({ name: 'br-a', uplinks: ['enp3s0'], ports: [{ name: 'enp3s0' }] }), host());
    expect(issues.map((i) => i.path)).toEqual(['switches[0].ports[0].name']);
  });
  it('an overlay attached to a switch and also listed as a port', () => {
    const issues = validateSpec(spec({ switches: [{ name: 'br-a', ports: [{ name: 'vx0' }] }], overlays: [{ name: 'vx0', type: 'vxlan', vni: 5, switch: 'br-a' }] }), host());
    expect(issues.map((i) => i.path)).toContain('overlays[0].name');
  });
  it('a port group defined twice', () => {
    const issues = validateSpec(sw({ name: 'ovs-a', type: 'ovs', portGroups: [{ name: 'g', vlan: 10 }, { name: 'g', vlan: 20 }] }), host());
    expect(issues).toEqual([{ path: 'switches[0].portGroups[1].name', message: 'port group g is defined twice' }]);
  });
  it('an unknown port group', () => {
    const issues = validateSpec(sw({ name: 'ovs-a', type: 'ovs', portGroups: [{ name: 'servers', vlan: 10 }], ports: [{ name: 'vm1-eth0', portGroup: 'sevrers' }] }), host());
    expect(issues).toEqual([{ path: 'switches[0].ports[0].portGroup', message: 'no port group named sevrers on ovs-a' }]);
  });
});

describe('switch-type rules', () => {
  it('internal ports exist on Open vSwitch only', () => {
    expect(validateSpec(sw({ name: 'br-a', ports: [{ name: 'gw0', internal: true }] }), host())).toEqual([{ path: 'switches[0].ports[0].internal', message: 'internal ports exist on Open vSwitch switches only' }]);
  });
  it('VLAN port groups on a Linux bridge need vlanFiltering', () => {
    const issues = validateSpec(sw({ name: 'br-a', portGroups: [{ name: 'servers', vlan: 10 }, { name: 't', trunk: [10, 20] }, { name: 'plain' }], ports: [{ name: 'vm1-eth0', portGroup: 'servers' }, { name: 'vm2-eth0', portGroup: 't' }, { name: 'vm3-eth0', portGroup: 'plain' }] }), host());
    expect(issues).toEqual([
      { path: 'switches[0].ports[0].portGroup', message: 'VLAN port groups on a Linux bridge need vlanFiltering: true on br-a' },
      { path: 'switches[0].ports[1].portGroup', message: 'VLAN port groups on a Linux bridge need vlanFiltering: true on br-a' },
    ]);
  });
  it('Linux-only settings on OVS and OVS-only settings on Linux are named', () => {
    const a = validateSpec(sw({ name: 'ovs-a', type: 'ovs', stp: { enabled: true }, ageingTime: 30 }), host());
    expect(a).toEqual([
      { path: 'switches[0].stp', message: 'applies to Linux bridges only (type: linux)' },
      { path: 'switches[0].ageingTime', message: 'applies to Linux bridges only (type: linux)' },
    ]);
    const b = validateSpec(sw({ name: 'br-a', failMode: 'secure', controller: { target: 'tcp:127.0.0.1:6653' } }), host());
    expect(b.map((i) => i.path)).toEqual(['switches[0].failMode', 'switches[0].controller']);
  });
  it('native VLANs are refused on OVS', () => {
    const issues = validateSpec(sw({ name: 'ovs-a', type: 'ovs', portGroups: [{ name: 't', trunk: [10], nativeVlan: 10 }] }), host());
    expect(issues).toEqual([{ path: 'switches[0].portGroups[0].nativeVlan', message: 'native VLANs are supported on Linux bridges only' }]);
  });
});

describe('missing kernel or OVS features are named', () => {
  it('vlanFiltering without bridge VLAN filtering: the message names "Linux bridge VLAN filtering" and the kernel\'s words', () => {
    const issues = validateSpec(sw({ name: 'br-a', vlanFiltering: true }), host({ capabilities: caps(['bridgeVlanFiltering']) }));
    expect(issues).toEqual([{ path: 'switches[0].vlanFiltering', message: 'vlanFiltering needs Linux bridge VLAN filtering, which this kernel lacks (RTNETLINK answers: Operation not supported)' }]);
  });
  it('the same spec passes where the kernel has the feature, and when capabilities are unknown', () => {
    expect(validateSpec(sw({ name: 'br-a', vlanFiltering: true }), host({ capabilities: caps([]) }))).toEqual([]);
    expect(validateSpec(sw({ name: 'br-a', vlanFiltering: true }), host())).toEqual([]);
  });
  it('802.1Q sub-interfaces, GENEVE, VXLAN and the OVS kernel datapath', () => {
    const s = spec({
      switches: [{ name: 'ovs-a', type: 'ovs', datapath: 'system' }],
      vlans: [{ name: 'enp3s0.100', parent: 'enp3s0', id: 100 }],
      overlays: [
        { name: 'gn0', type: 'geneve', vni: 7, remote: '192.0.2.2' },
        { name: 'vx0', type: 'vxlan', vni: 8 },
      ],
    });
    const issues = validateSpec(s, host({ capabilities: caps(['vlan8021q', 'geneve', 'vxlan', 'ovsKernelDatapath']) }));
    expect(issues.map((i) => i.path)).toEqual(['switches[0].datapath', 'vlans[0].id', 'overlays[0].type', 'overlays[1].type']);
    expect(issues[1]?.message).toMatch(/^a VLAN sub-interface needs 802\.1Q VLAN sub-interfaces, which this kernel lacks/);
    expect(issues[2]?.message).toMatch(/^a GENEVE overlay needs .*GENEVE.*, which this kernel lacks/i);
    expect(issues[0]?.message).toMatch(/datapath: system needs .*kernel datapath/i);
  });
  it('Open vSwitch unreachable', () => {
    const issues = validateSpec(spec({ switches: [{ name: 'br-a' }, { name: 'ovs-a', type: 'ovs' }] }), host({ ovs: 'error', ovsBridges: [] }));
    expect(issues).toEqual([{ path: 'switches[1].type', message: 'Open vSwitch is not reachable: database connection failed (No such file or directory)' }]);
  });
});

describe('names: unique, and free or ours', () => {
  it('a name that exists on the host and is not owned', () => {
    expect(validateSpec(sw({ name: 'br-foreign' }), host())).toEqual([{ path: 'switches[0].name', message: 'br-foreign already exists on the host and is not managed by NovaNet' }]);
    expect(validateSpec(spec({ vlans: [{ name: 'enp4s0', parent: 'enp3s0', id: 4 }] }), host())[0]).toEqual({ path: 'vlans[0].name', message: 'enp4s0 already exists on the host and is not managed by NovaNet' });
    expect(validateSpec(sw({ name: 'ovs-lan', type: 'ovs', ports: [{ name: 'vm1-eth0', internal: true }] }), host())).toEqual([{ path: 'switches[0].ports[0].name', message: 'vm1-eth0 already exists on the host and is not managed by NovaNet' }]);
  });
  it("a name owned by another spec names that spec", () => {
    const s = withLinuxBridge(host(), 'br-x', { alias: 'novanet:other' });
    expect(validateSpec(sw({ name: 'br-x' }), s)).toEqual([{ path: 'switches[0].name', message: 'br-x already exists on the host and belongs to spec other' }]);
  });
  it('an existing OVS bridge not owned by this spec', () => {
    expect(validateSpec(sw({ name: 'ovs-ext', type: 'ovs' }), host())).toEqual([{ path: 'switches[0].name', message: 'ovs-ext is an existing Open vSwitch bridge not owned by spec ws' }]);
    const other = host({ ovsBridges: [ovsBridge('ovs-o', { externalIds: { 'novanet-owner': 'other' } })] });
    expect(validateSpec(sw({ name: 'ovs-o', type: 'ovs' }), other)[0]?.message).toBe('ovs-o is an existing Open vSwitch bridge not owned by spec ws');
  });
  it('a name defined twice in the spec', () => {
    const issues = validateSpec(spec({ switches: [{ name: 'br-a' }], overlays: [{ name: 'br-a', type: 'vxlan', vni: 1 }] }), host());
    expect(issues).toEqual([{ path: 'overlays[0].name', message: 'br-a is already defined at switches[0].name' }]);
  });
  it('references: overlay switch and dev, VLAN parent', () => {
    const issues = validateSpec(spec({ vlans: [{ name: 'v100', parent: 'enp8s0', id: 100 }], overlays: [{ name: 'vx0', type: 'vxlan', vni: 1, switch: 'br-nope', dev: 'enp7s0' }] }), host());
    expect(issues).toEqual([
      { path: 'vlans[0].parent', message: 'enp8s0 does not exist on the host' },
      { path: 'overlays[0].switch', message: 'no switch named br-nope in this spec' },
      { path: 'overlays[0].dev', message: 'enp7s0 does not exist on the host' },
    ]);
    // A parent the spec itself creates is fine.
    expect(validateSpec(spec({ switches: [{ name: 'br-a' }], vlans: [{ name: 'br-a.5', parent: 'br-a', id: 5 }] }), host())).toEqual([]);
  });
});

describe('an applied spec validates again against the state it produced', () => {
  it('Linux bridge, OVS switch with internal port and uplink, VLAN, overlay: no issues after apply', () => {
    const s = spec({
      switches: [
        { name: 'br-lan', uplinks: ['enp3s0'], ports: [{ name: 'vm1-eth0' }], stp: { enabled: true, priority: 4096 }, addresses: ['10.10.0.1/24'] },
        { name: 'ovs-dmz', type: 'ovs', uplinks: ['enp4s0'], portGroups: [{ name: 'dmz', vlan: 30 }], ports: [{ name: 'dmz-gw', portGroup: 'dmz', internal: true }, { name: 'vm2-eth0', portGroup: 'dmz' }] },
      ],
      vlans: [{ name: 'vlan100', parent: 'enp3s0', id: 100 }],
      overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 10001, remote: '192.0.2.20', switch: 'br-lan' }],
    });
    const before = host();
    expect(validateSpec(s, before)).toEqual([]);
    const after = applyPlan(before, plan(before, s));
    expect(validateSpec(s, after)).toEqual([]);
    // ...and another spec cannot take what this one now holds.
    const thief = spec({ switches: [{ name: 'br-2', uplinks: ['enp3s0'] }, { name: 'ovs-2', type: 'ovs', ports: [{ name: 'vm2-eth0' }] }], overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 1 }] }, 'thief');
    const stolen = validateSpec(thief, after);
    expect([...new Set(stolen.map((i) => i.path))]).toEqual(['overlays[0].name', 'switches[0].uplinks[0]', 'switches[1].ports[0].name']);
    expect(stolen).toEqual(
      expect.arrayContaining([
        { path: 'overlays[0].name', message: 'vx-t1 already exists on the host and belongs to spec ws' },
        { path: 'switches[0].uplinks[0]', message: 'enp3s0 is already in br-lan' },
        { path: 'switches[1].ports[0].name', message: 'vm2-eth0 is already a port of Open vSwitch bridge ovs-dmz' },
      ]),
    );
    expect(validateSpec(spec({ switches: [{ name: 'br-lan' }] }, 'thief'), after)).toEqual([{ path: 'switches[0].name', message: 'br-lan already exists on the host and belongs to spec ws' }]);
  });
});
