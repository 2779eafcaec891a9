import { describe, expect, it } from 'vitest';
import {
  addressesOf,
  classify,
  parseIpLinks,
  parseNetnsIds,
  parseNetnsList,
  toBridges,
  toLinks,
} from '../../../electron/services/discovery/parse-ip';
import { OutputError } from '../../../electron/services/discovery/tool-output';
import { parseOvs } from '../../../electron/services/discovery/parse-ovs';
import { reconcileOvsLinks } from '../../../electron/services/discovery/reconcile';
import { linkSchema, type Link } from '../../../shared/model/host-state';
import { LAB, LAB_NSIDS, LAB_PEER_NAMES, fixture, labIpDetailAddrText, labRaws } from '../support/lab-state';

const parseIpAddrs = (text: string) => addressesOf(parseIpLinks(text, 'ip -j addr'));

const addrs = () => addressesOf(labRaws());
const labLinks = (peerNames = LAB_PEER_NAMES, nsIds = LAB_NSIDS) => toLinks(labRaws(), addrs(), LAB, nsIds, peerNames);
const byName = (links: Link[], name: string): Link => {
  const l = links.find((x) => x.name === name);
  if (!l) throw new Error(`no link ${name}`);
  return l;
};

describe('parseIpLinks on the recorded lab', () => {
  it('reads every link in kernel order', () => {
    expect(labRaws().map((r) => r.ifname)).toEqual([
      'lo',
      'enp3s0',
      'enp4s0',
      'br0',
      'vm1-eth0',
      'vm2-eth0',
      'vm3-eth0',
      'vx100',
      'mv0',
      'vm4-eth0',
      'vm5-eth0',
      'ovs-netdev',
      'ovsbr0',
      'ovs-gw',
      'enp4s0-trunk',
    ]);
  });

  it('classifies by the kernel kind, before OVS reconciliation', () => {
    const kinds = Object.fromEntries(labRaws().map((r) => [r.ifname, classify(r)]));
    expect(kinds).toMatchObject({
      lo: 'loopback',
      enp3s0: 'veth',
      br0: 'bridge',
      vx100: 'vxlan',
      mv0: 'macvlan',
      'ovs-netdev': 'tap',
      ovsbr0: 'tap',
      'ovs-gw': 'tap',
      'enp4s0-trunk': 'tap',
    });
  });
});

describe('toLinks on the recorded lab', () => {
  it('produces links that satisfy the model schema, with ids from namespace and name', () => {
    const links = labLinks();
    for (const l of links) expect(linkSchema.safeParse(l).success).toBe(true);
    expect(byName(links, 'br0').id).toBe('link:nnlab:br0');
    expect(byName(toLinks(labRaws(), addrs(), undefined, new Map(), new Map()), 'br0').id).toBe('link::br0');
    expect(new Set(links.map((l) => l.id)).size).toBe(links.length);
  });

  it('resolves enp3s0 as a veth whose peer is up0 in nnlab-up, enslaved to br0', () => {
    const l = byName(labLinks(), 'enp3s0');
    expect(l).toMatchObject({
      kind: 'veth',
      kernelKind: 'veth',
      master: 'br0',
      mac: 'a2:50:b1:8f:e5:5e',
      mtu: 1500,
      operState: 'up',
      adminUp: true,
      carrier: true,
      peer: { ifindex: 2, netns: 'nnlab-up', name: 'up0' },
    });
    expect(l.parent).toBeUndefined();
    expect(byName(labLinks(), 'enp4s0').peer).toEqual({ ifindex: 3, netns: 'nnlab-up', name: 'up1' });
    expect(byName(labLinks(), 'vm3-eth0').peer).toEqual({ ifindex: 2, netns: 'nnlab-vm3', name: 'eth0' });
  });

  it('keeps the peer namespace without a name when the peer namespace was not read, and neither without the nsid map', () => {
    expect(byName(labLinks(new Map()), 'enp3s0').peer).toEqual({ ifindex: 2, netns: 'nnlab-up', name: undefined });
    expect(byName(labLinks(new Map(), new Map()), 'enp3s0').peer).toEqual({ ifindex: 2, netns: undefined, name: undefined });
  });

  it('reads br0 as a bridge that is administratively up without carrier', () => {
    const l = byName(labLinks(), 'br0');
    expect(l).toMatchObject({ kind: 'bridge', operState: 'down', adminUp: true, carrier: false, mtu: 1450 });
    expect(l.addresses).toEqual([{ family: 'inet', address: '10.77.0.1', prefixLength: 24, scope: 'global' }]);
  });

  it('reads vx100 as VXLAN VNI 100 to 192.0.2.20:4789 over enp4s0, a port of br0', () => {
    const l = byName(labLinks(), 'vx100');
    expect(l.kind).toBe('vxlan');
    expect(l.vxlan).toEqual({ vni: 100, local: '192.0.2.10', remote: '192.0.2.20', group: undefined, dstPort: 4789 });
    expect(l.parent).toBe('enp4s0');
    expect(l.master).toBe('br0');
  });

  it('reads mv0 as a macvlan on enp4s0 with its address', () => {
    const l = byName(labLinks(), 'mv0');
    expect(l).toMatchObject({ kind: 'macvlan', parent: 'enp4s0' });
    expect(l.addresses.map((a) => `${a.address}/${a.prefixLength}`)).toEqual(['192.0.2.11/24', 'fe80::60a4:94ff:fe9f:85e7/64']);
  });

  it('flattens tool attributes into scalars for the details panel', () => {
    const a = byName(labLinks(), 'vx100').attributes;
    expect(a).toMatchObject({ 'driver kind': 'vxlan', 'vxlan.id': 100, 'vxlan.port': 4789, 'vxlan.port_range.high': 0, 'port (bridge).state': 'listening', qdisc: 'noqueue', flags: 'BROADCAST, MULTICAST, UP, LOWER_UP' });
    for (const l of labLinks()) {
      for (const v of Object.values(l.attributes)) expect(['string', 'number', 'boolean']).toContain(typeof v);
      expect(l.attributes).not.toHaveProperty('ifname');
    }
  });
});

describe('reconcileOvsLinks on the recorded lab', () => {
  const reconciled = () => reconcileOvsLinks(labLinks(), parseOvs(fixture('lab/ovs.json')));

  it('turns the userspace-datapath taps into the OVS bridge and its internal ports', () => {
    const links = reconciled();
    expect(byName(links, 'ovsbr0').kind).toBe('ovs-bridge');
    expect(byName(links, 'ovs-gw')).toMatchObject({ kind: 'ovs-internal', master: 'ovsbr0' });
    expect(byName(links, 'enp4s0-trunk')).toMatchObject({ kind: 'ovs-internal', master: 'ovsbr0' });
  });

  it('gives OVS member ports their bridge as master and leaves everything else alone', () => {
    const before = labLinks();
    const after = reconciled();
    expect(byName(after, 'vm4-eth0')).toMatchObject({ kind: 'veth', master: 'ovsbr0' });
    expect(byName(after, 'vm5-eth0')).toMatchObject({ kind: 'veth', master: 'ovsbr0' });
    // Not in OVSDB: the datapath device stays what the kernel says.
    expect(byName(after, 'ovs-netdev')).toEqual(byName(before, 'ovs-netdev'));
    for (const name of ['lo', 'enp3s0', 'enp4s0', 'br0', 'vm1-eth0', 'vx100', 'mv0']) expect(byName(after, name)).toEqual(byName(before, name));
  });

  it('is the identity without OVS', () => {
    expect(reconcileOvsLinks(labLinks(), [])).toEqual(labLinks());
  });
});

describe('kernel-datapath OVS (hand-written ip -d link)', () => {
  const links = () =>
    reconcileOvsLinks(
      toLinks(parseIpLinks(fixture('unit/ip-link-ovs-kernel.json'), 'ip -j -d link'), new Map(), undefined, new Map([[4, 'nnlab-vm4']]), new Map()),
      parseOvs(fixture('unit/ovs-kernel.json')),
    );

  it('reads openvswitch-kind devices as the bridge and its internal port', () => {
    expect(byName(links(), 'ovsbr0').kind).toBe('ovs-bridge');
    expect(byName(links(), 'ovs-gw')).toMatchObject({ kind: 'ovs-internal', master: 'ovsbr0' });
    // ovs-system is not in OVSDB; it stays an internal-looking device and the graph hides it.
    expect(byName(links(), 'ovs-system').kind).toBe('ovs-internal');
  });

  it('gives ports the OVS bridge as master, not the ovs-system datapath device', () => {
    expect(byName(links(), 'vm4-eth0').master).toBe('ovsbr0');
    expect(byName(links(), 'eth1')).toMatchObject({ kind: 'physical', master: 'ovsbr0' });
  });
});

describe('other link kinds (hand-written ip -d link)', () => {
  const links = () => toLinks(parseIpLinks(fixture('unit/ip-link-kinds.json'), 'ip -j -d link'), new Map(), undefined, new Map(), new Map());

  it('classifies every kind', () => {
    expect(Object.fromEntries(links().map((l) => [l.name, l.kind]))).toEqual({
      lo: 'loopback',
      eth0: 'physical',
      eth1: 'physical',
      bond0: 'bond',
      'eth0.30': 'vlan',
      gnv0: 'geneve',
      wg0: 'wireguard',
      dummy0: 'dummy',
      tun0: 'tun',
      macvtap0: 'macvlan',
      ipip0: 'other',
      va: 'veth',
      vb: 'veth',
      sit0: 'other',
    });
  });

  it('reads VLAN id and parent, GENEVE VNI, bond membership and same-namespace veth peers', () => {
    expect(byName(links(), 'eth0.30')).toMatchObject({ vlanId: 30, parent: 'eth0' });
    expect(byName(links(), 'gnv0').vxlan).toEqual({ vni: 7, remote: '198.51.100.7', dstPort: 6081 });
    expect(byName(links(), 'eth1').master).toBe('bond0');
    expect(byName(links(), 'macvtap0').parent).toBe('eth0');
    expect(byName(links(), 'va').peer).toEqual({ ifindex: 13, name: 'vb', netns: undefined });
    expect(byName(links(), 'vb')).toMatchObject({ peer: { ifindex: 12, name: 'va' }, adminUp: false, carrier: false, operState: 'down' });
    expect(byName(links(), 'tun0')).toMatchObject({ adminUp: true, carrier: false });
  });
});

describe('addressesOf', () => {
  it('maps each link of `ip -j -d addr` to its inet and inet6 addresses', () => {
    const a = addrs();
    expect(a.get('enp4s0')).toEqual([
      { family: 'inet', address: '192.0.2.10', prefixLength: 24, scope: 'global' },
      { family: 'inet6', address: 'fe80::460:f3ff:fe2c:3db0', prefixLength: 64, scope: 'link' },
    ]);
    expect(a.get('ovs-gw')?.[0]).toEqual({ family: 'inet', address: '10.88.0.1', prefixLength: 24, scope: 'global' });
    expect(a.get('ovs-netdev')).toEqual([]);
    expect(a.get('lo')?.map((x) => x.address)).toEqual(['127.0.0.1', '::1']);
  });

  it('reads the recorded `ip -j addr` the same way', () => {
    expect(parseIpAddrs(fixture('lab/ip-addr.json'))).toEqual(addrs());
  });

  it('skips families other than inet/inet6 and entries without an address or prefix', () => {
    const a = parseIpAddrs(
      '[{"ifindex":1,"ifname":"x","mtu":1500,"addr_info":[{"family":"link"},{"family":"inet","local":"10.0.0.1"},{"family":"inet6","local":"fd00::1","prefixlen":64}]}]',
    );
    expect(a.get('x')).toEqual([{ family: 'inet6', address: 'fd00::1', prefixLength: 64, scope: undefined }]);
  });

  it('has no entry for a link read without addresses (`ip -d link`)', () => {
    expect(addressesOf(parseIpLinks(fixture('lab/ip-link.json'), 'ip -j -d link')).size).toBe(0);
  });
});

describe('ip netns', () => {
  it('maps nsids to names, keeping only named ones', () => {
    const m = parseNetnsIds('[{"nsid":0,"current-nsid":0,"name":"nnlab-up"},{"nsid":1,"current-nsid":1}]');
    expect([...m]).toEqual([[0, 'nnlab-up']]);
    expect(parseNetnsIds('').size).toBe(0);
  });

  it('lists namespaces with optional ids; empty output means none', () => {
    expect(parseNetnsList('[{"name":"nnlab-vm1","id":1},{"name":"other"}]')).toEqual([
      { name: 'nnlab-vm1', id: 1 },
      { name: 'other', id: undefined },
    ]);
    expect(parseNetnsList('')).toEqual([]);
  });
});

describe('toBridges on the recorded lab', () => {
  it('reads STP timers in seconds, ageing, snooping and ports', () => {
    const [br0, ...rest] = toBridges(labRaws(), LAB);
    expect(rest).toEqual([]);
    expect(br0).toMatchObject({
      id: 'link:nnlab:br0',
      name: 'br0',
      stp: { enabled: true, priority: 32768, forwardDelay: 4, helloTime: 2, maxAge: 20 },
      ageingTime: 300,
      vlanFiltering: false,
      multicastSnooping: true,
    });
    expect(br0?.ports.map((p) => [p.name, p.state, p.cost, p.priority])).toEqual([
      ['enp3s0', 'listening', 2, 32],
      ['vm1-eth0', 'listening', 2, 32],
      ['vm2-eth0', 'listening', 2, 32],
      ['vm3-eth0', 'listening', 2, 32],
      ['vx100', 'listening', 2, 32],
    ]);
  });

  it('does not count bond members as bridge ports', () => {
    expect(toBridges(parseIpLinks(fixture('unit/ip-link-kinds.json'), 'ip -j -d link'), undefined)).toEqual([]);
  });
});

describe('bad ip output', () => {
  const full = labIpDetailAddrText();
  it.each([
    ['garbage', 'Cannot open network namespace "x": No such file or directory', /^ip -j -d addr returned output that is not JSON/],
    ['truncated JSON', full.slice(0, Math.floor(full.length / 2)), /^ip -j -d addr returned output that is not JSON/],
    ['empty output', '', /^ip -j -d addr returned output that is not JSON/],
    ['an object instead of a list', '{"ifindex":1}', /^ip -j -d addr returned unexpected JSON at \(root\)/],
    ['a link without a name', '[{"ifindex":1,"mtu":1500}]', /^ip -j -d addr \(entry 0\) returned unexpected JSON at ifname/],
    ['a string ifindex', '[{"ifindex":"1","ifname":"lo","mtu":65536}]', /^ip -j -d addr \(entry 0\) returned unexpected JSON at ifindex/],
    ['a null entry', '[{"ifindex":1,"ifname":"lo","mtu":65536},null]', /^ip -j -d addr \(entry 1\) returned unexpected JSON/],
    ['addr_info that is not a list', '[{"ifindex":1,"ifname":"lo","mtu":65536,"addr_info":"127.0.0.1"}]', /^ip -j -d addr \(entry 0\) returned unexpected JSON at addr_info/],
    ['linkinfo that is not an object', '[{"ifindex":1,"ifname":"lo","mtu":65536,"linkinfo":"veth"}]', /^ip -j -d addr \(entry 0\) returned unexpected JSON at linkinfo/],
  ])('refuses %s with an OutputError naming the tool', (_what, text, message) => {
    expect(() => parseIpLinks(text)).toThrow(OutputError);
    expect(() => parseIpLinks(text)).toThrow(message);
  });

  it('names the tool it was given', () => {
    expect(() => parseIpLinks('{}', 'ip -j link')).toThrow(/^ip -j link returned/);
    expect(() => parseNetnsIds('[{"nsid":"0"}]')).toThrow(/^ip -j netns list-id returned/);
    expect(() => parseNetnsList('nope')).toThrow(/^ip -j netns list returned output that is not JSON/);
  });
});
