import { describe, expect, it } from 'vitest';
import { applyBridgeVlans, parseBridgeVlans } from '../../../electron/services/discovery/parse-bridge';
import { toBridges } from '../../../electron/services/discovery/parse-ip';
import { OutputError } from '../../../electron/services/discovery/tool-output';
import { LAB, fixture, labRaws } from '../support/lab-state';

const labBridges = () => toBridges(labRaws(), LAB);

describe('bridge ports on the recorded lab', () => {
  it('has the port state, cost and priority that `bridge -j link` reported in the same lab', () => {
    const recorded = JSON.parse(fixture('lab/bridge-link.json')) as { ifname: string; master: string; state: string; cost: number; priority: number }[];
    const [br0] = labBridges();
    expect(br0?.ports.map((p) => ({ ifname: p.name, master: 'br0', state: p.state, cost: p.cost, priority: p.priority }))).toEqual(
      recorded.map((r) => ({ ifname: r.ifname, master: r.master, state: r.state, cost: r.cost, priority: r.priority })),
    );
  });

  it('has no VLANs: this kernel has no VLAN filtering and `bridge -j vlan` printed an empty list', () => {
    expect(labBridges()[0]?.vlanFiltering).toBe(false);
    const vlans = parseBridgeVlans(fixture('lab/bridge-vlan.json'));
    expect(vlans.size).toBe(0);
    expect(applyBridgeVlans(labBridges(), vlans)).toEqual(labBridges());
    for (const p of labBridges()[0]?.ports ?? []) expect(p.vlans).toEqual([]);
  });
});

describe('parseBridgeVlans (hand-written VLAN-filtering output)', () => {
  const vlans = () => parseBridgeVlans(fixture('unit/bridge-vlan-filtering.json'));

  it('reads PVID and egress-untagged flags per VLAN', () => {
    expect(vlans().get('vm1-eth0')).toEqual([{ vid: 10, pvid: true, untagged: true }]);
    expect(vlans().get('vm2-eth0')).toEqual([{ vid: 20, pvid: true, untagged: false }]);
    expect(vlans().get('br0')).toEqual([{ vid: 1, pvid: true, untagged: true }]);
  });

  it('expands a range {vlan: 30, vlanEnd: 40} to eleven tagged VLANs', () => {
    const enp3s0 = vlans().get('enp3s0') ?? [];
    expect(enp3s0.map((v) => v.vid)).toEqual([1, 10, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    expect(enp3s0.slice(1).every((v) => !v.pvid && !v.untagged)).toBe(true);
    expect(enp3s0[0]).toEqual({ vid: 1, pvid: true, untagged: true });
  });

  it('treats empty output as no VLANs and a port without vlans as an empty list', () => {
    expect(parseBridgeVlans('').size).toBe(0);
    expect(parseBridgeVlans('[{"ifname":"vm3-eth0"}]').get('vm3-eth0')).toEqual([]);
  });

  it('puts VLANs on the ports of the bridges, and [] on ports it does not list', () => {
    const withVlans = applyBridgeVlans(labBridges(), vlans());
    const ports = Object.fromEntries((withVlans[0]?.ports ?? []).map((p) => [p.name, p.vlans.map((v) => v.vid)]));
    expect(ports).toEqual({
      enp3s0: [1, 10, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40],
      'vm1-eth0': [10],
      'vm2-eth0': [20],
      'vm3-eth0': [],
      vx100: [],
    });
    // Everything else about the bridge stays as `ip -d` said.
    expect({ ...withVlans[0], ports: [] }).toEqual({ ...labBridges()[0], ports: [] });
  });
});

describe('bad bridge output', () => {
  it.each([
    ['garbage', 'Error: bridge vlan not supported', /^bridge -j vlan returned output that is not JSON/],
    ['truncated JSON', fixture('unit/bridge-vlan-filtering.json').slice(0, 60), /^bridge -j vlan returned output that is not JSON/],
    ['an object instead of a list', '{"ifname":"br0"}', /^bridge -j vlan returned unexpected JSON at \(root\)/],
    ['a string VLAN id', '[{"ifname":"br0","vlans":[{"vlan":"10"}]}]', /^bridge -j vlan returned unexpected JSON at 0\.vlans\.0\.vlan/],
    ['a fractional VLAN id', '[{"ifname":"br0","vlans":[{"vlan":10.5}]}]', /^bridge -j vlan returned unexpected JSON at 0\.vlans\.0\.vlan/],
    ['flags that are not a list', '[{"ifname":"br0","vlans":[{"vlan":10,"flags":"PVID"}]}]', /^bridge -j vlan returned unexpected JSON at 0\.vlans\.0\.flags/],
  ])('refuses %s with an OutputError naming the tool', (_what, text, message) => {
    expect(() => parseBridgeVlans(text)).toThrow(OutputError);
    expect(() => parseBridgeVlans(text)).toThrow(message);
  });
});
