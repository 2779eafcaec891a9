import { describe, expect, it } from 'vitest';
import type { HostState, Link } from '../../../shared/model/host-state';
import { resolveNode } from '../../../electron/services/capture/resolve';
import { portGroupNodeId } from '../../../shared/model/capture';

const link = (name: string, kind: Link['kind'] = 'veth'): Link => ({
  id: `link::${name}`,
  ifindex: 1,
  name,
  kind,
  kernelKind: kind,
  mtu: 1500,
  operState: 'UP',
  adminUp: true,
  carrier: true,
  addresses: [],
  attributes: {},
});
const iface = (name: string) => ({ name, type: '', options: {}, externalIds: {} });
const port = (name: string, tag?: number) => ({
  uuid: name,
  name,
  trunks: [],
  interfaces: [iface(name)],
  externalIds: {},
  ...(tag !== undefined ? { tag } : {}),
});

const state: HostState = {
  target: {},
  takenAt: '2026-01-01T00:00:00Z',
  namespaces: [],
  links: [
    link('br0', 'bridge'),
    link('vnet0', 'tap'),
    link('vnet1', 'tap'),
    link('vnet2', 'tap'),
    link('ovs0', 'ovs-internal'),
    link('p1'),
    link('p2'),
    link('p3'),
    link('virbr0', 'bridge'),
  ],
  bridges: [{ id: 'link::br0', name: 'br0', stp: { enabled: false }, vlanFiltering: false, ports: [] }],
  ovsBridges: [
    {
      id: 'ovs:ovs0',
      uuid: 'u',
      name: 'ovs0',
      datapathType: 'netdev',
      controllers: [],
      protocols: [],
      externalIds: {},
      ports: [port('ovs0'), port('p1', 10), port('p2', 20), port('p3', 20)],
      mirrors: [],
    },
  ],
  networks: [
    {
      id: 'net:default',
      name: 'default',
      uuid: 'n',
      active: true,
      persistent: true,
      autostart: true,
      bridge: 'virbr0',
      forwardMode: 'nat',
      ips: [],
      portGroups: [{ name: 'web' }],
    },
  ],
  domains: [
    {
      id: 'vm:web1',
      name: 'web1',
      uuid: 'd',
      state: 'running',
      persistent: true,
      nics: [
        {
          id: 'vnic:web1:52:54:00:00:00:01',
          mac: '52:54:00:00:00:01',
          type: 'network',
          source: 'default',
          portGroup: 'web',
          target: 'vnet0',
        },
        { id: 'vnic:web1:52:54:00:00:00:02', mac: '52:54:00:00:00:02', type: 'bridge', source: 'br0' },
      ],
    },
    {
      id: 'vm:db',
      name: 'db',
      uuid: 'e',
      state: 'running',
      persistent: true,
      nics: [
        { id: 'vnic:db:m1', mac: 'm1', type: 'bridge', source: 'br0', target: 'vnet1' },
        { id: 'vnic:db:m2', mac: 'm2', type: 'bridge', source: 'br0', target: 'vnet2' },
      ],
    },
  ],
  sources: {} as HostState['sources'],
};

describe('resolveNode', () => {
  it('a VM NIC is its tap; a VM with one running NIC is that tap', () => {
    expect(resolveNode(state, 'vnic:web1:52:54:00:00:00:01')).toMatchObject({ interface: 'vnet0' });
    expect(resolveNode(state, 'vm:web1')).toMatchObject({ interface: 'vnet0' });
    expect(() => resolveNode(state, 'vnic:web1:52:54:00:00:00:02')).toThrow(/no host device \(is the VM running\?\)/);
    expect(() => resolveNode(state, 'vm:db')).toThrow(/has 2 network cards; pick one/);
  });

  it('a switch is its bridge device; an OVS port its interface; a libvirt network its bridge', () => {
    expect(resolveNode(state, 'link::br0')).toMatchObject({ interface: 'br0' });
    expect(resolveNode(state, 'ovs:ovs0')).toMatchObject({ interface: 'ovs0' });
    expect(resolveNode(state, 'ovsport:ovs0:p2')).toMatchObject({ interface: 'p2' });
    expect(resolveNode(state, 'net:default')).toMatchObject({ interface: 'virbr0' });
    expect(() => resolveNode(state, 'ovsport:ovs0:nope')).toThrow(/no OVS port nope on ovs0/);
  });

  it('a port group with exactly one port is that port; with more it needs a mirror', () => {
    expect(resolveNode(state, portGroupNodeId('ovs0', 'vlan10'))).toMatchObject({ interface: 'p1' });
    expect(resolveNode(state, portGroupNodeId('default', 'web'))).toMatchObject({ interface: 'vnet0' });
    expect(() => resolveNode(state, portGroupNodeId('ovs0', 'vlan20'))).toThrow(
      'port group vlan20 on ovs0 has 2 ports; capturing on all of them needs a mirror of those ports in both directions',
    );
    expect(() => resolveNode(state, portGroupNodeId('ovs0', 'vlan30'))).toThrow(/has no ports/);
    expect(() => resolveNode(state, portGroupNodeId('nosuch', 'x'))).toThrow(/no switch or network named nosuch/);
  });

  it('a veth end in another namespace carries that namespace', () => {
    expect(resolveNode(state, 'link:other-ns:veth9')).toEqual({
      interface: 'veth9',
      netns: 'other-ns',
      label: 'veth9 in other-ns',
    });
  });

  it('refuses a namespace node and ids that are not on the graph', () => {
    expect(() => resolveNode(state, 'ns:x')).toThrow(/not a device/);
    expect(() => resolveNode(state, 'what:ever')).toThrow(/is not on the graph/);
  });
});
