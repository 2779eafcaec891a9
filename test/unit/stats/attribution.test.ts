import { describe, expect, it } from 'vitest';
import { aggregate, buildAttribution } from '../../../electron/services/stats/attribution';
import { linkId, type HostState, type Link } from '../../../shared/model/host-state';
import { seriesInfoSchema } from '../../../shared/model/stats';
import { zeroRates } from '../../../electron/services/stats/rates';
import { labState, LAB } from '../support/lab-state';

const tap = (name: string, master?: string): Link => ({
  id: linkId(LAB, name),
  ifindex: 100 + name.length,
  name,
  kind: 'tap',
  kernelKind: 'tun',
  mtu: 1500,
  operState: 'up',
  adminUp: true,
  carrier: true,
  ...(master ? { master } : {}),
  addresses: [],
  attributes: {},
});

/** The recorded lab with its VM running: NIC 1 on port group "web" of nntest-net (tap vnet0 in br0), NIC 2 an OVS port (vnet1, tag 20). */
function runningLab(): HostState {
  const s = labState();
  const [dom] = s.domains;
  return {
    ...s,
    links: [...s.links, tap('vnet0', 'br0'), tap('vnet1')],
    networks: s.networks.map((n) => (n.name === 'nntest-net' ? { ...n, bridge: 'br0' } : n)),
    ovsBridges: s.ovsBridges.map((b) => ({
      ...b,
      ports: [
        ...b.ports,
        {
          uuid: 'u-vnet1',
          name: 'vnet1',
          tag: 20,
          trunks: [],
          externalIds: {},
          interfaces: [{ name: 'vnet1', type: 'system', options: {}, externalIds: {} }],
        },
      ],
    })),
    domains: [
      {
        ...dom!,
        state: 'running',
        nics: dom!.nics.map((n, i) => ({ ...n, target: `vnet${i}`, ...(i === 1 ? { source: 'ovsbr0' } : {}) })),
      },
    ],
  };
}

describe('buildAttribution', () => {
  const state = runningLab();
  const a = buildAttribution(state, ['extra0']);
  const get = (key: string) => {
    const s = a.byKey.get(key);
    if (!s) throw new Error(`no series ${key}; have ${[...a.byKey.keys()].join(' ')}`);
    return s;
  };

  it('has one valid interface series per link and per name only the counters know, keyed if:<name>', () => {
    for (const s of a.series) expect(seriesInfoSchema.safeParse(s).success).toBe(true);
    const ifs = a.series.filter((s) => s.kind === 'interface').map((s) => s.label);
    // OVS's own datapath device (ovs-netdev here) is left out, as on the graph.
    expect(ifs).toEqual([...state.links.map((l) => l.name).filter((n) => n !== 'ovs-netdev'), 'extra0'].sort());
    expect(buildAttribution(state, ['ovs-netdev', 'ovs-system']).byKey.has('if:ovs-netdev')).toBe(false);
    expect(buildAttribution(state, ['ovs-system']).byKey.has('if:ovs-system')).toBe(false);
    expect(get('if:extra0')).toEqual({
      key: 'if:extra0',
      kind: 'interface',
      label: 'extra0',
      members: ['extra0'],
      perspective: 'device',
    });
  });

  it('points each interface at the graph node standing for it: its own, the OVS port, or the VM NIC', () => {
    expect(get('if:br0').nodeId).toBe(linkId(LAB, 'br0'));
    expect(get('if:vm4-eth0').nodeId).toBe('ovsport:ovsbr0:vm4-eth0');
    expect(get('if:vnet0').nodeId).toBe('vnic:nntest-vm:52:54:00:aa:bb:01');
  });

  it('sums switches over their ports (kernel masters for Linux bridges, OVS ports but not the bridge itself)', () => {
    expect(get('switch:br0')).toMatchObject({
      kind: 'switch',
      nodeId: linkId(LAB, 'br0'),
      members: ['enp3s0', 'vm1-eth0', 'vm2-eth0', 'vm3-eth0', 'vnet0', 'vx100'],
      perspective: 'device',
    });
    expect(get('switch:ovsbr0')).toMatchObject({
      nodeId: 'ovs:ovsbr0',
      members: ['enp4s0-trunk', 'ovs-gw', 'vm4-eth0', 'vm5-eth0', 'vnet1'],
    });
  });

  it('names port groups as export and capture do (vlan10, trunk-10-20; libvirt ones under their network)', () => {
    expect(get('pg:ovsbr0:vlan10')).toMatchObject({
      kind: 'portgroup',
      label: 'vlan10 (ovsbr0)',
      nodeId: 'pg:ovsbr0:vlan10',
      members: ['vm4-eth0'],
      switch: 'ovsbr0',
    });
    expect(get('pg:ovsbr0:vlan20').members).toEqual(['vm5-eth0', 'vnet1']);
    expect(get('pg:ovsbr0:trunk-10-20').members).toEqual(['enp4s0-trunk']);
    expect(get('pg:nntest-net:web')).toMatchObject({ label: 'web (nntest-net)', members: ['vnet0'], switch: 'br0' });
  });

  it('gives each VM NIC its tap and each VM all its taps, from the guest side', () => {
    expect(get('vnic:nntest-vm:52:54:00:aa:bb:01')).toMatchObject({
      kind: 'vnic',
      members: ['vnet0'],
      perspective: 'guest',
      switch: 'br0',
      nodeId: 'vnic:nntest-vm:52:54:00:aa:bb:01',
    });
    expect(get('vm:nntest-vm')).toMatchObject({
      kind: 'vm',
      label: 'nntest-vm',
      members: ['vnet0', 'vnet1'],
      perspective: 'guest',
    });
    expect(
      a.parents
        .get('vnet1')
        ?.map((s) => s.key)
        .sort(),
    ).toEqual(['pg:ovsbr0:vlan20', 'switch:ovsbr0', 'vm:nntest-vm', 'vnic:nntest-vm:52:54:00:aa:bb:02']);
  });

  it('adds members up, swapping directions for the guest side, and has nothing when no member was sampled', () => {
    const r = (rxBps: number, txBps: number) => ({ ...zeroRates(), rxBps, txBps, rxErrors: rxBps / 1000 });
    const rates = new Map([
      ['vnet0', r(1000, 5000)],
      ['vnet1', r(2000, 7000)],
      ['vm4-eth0', r(10, 20)],
    ]);
    expect(aggregate(get('vm:nntest-vm'), rates)).toMatchObject({
      rxBps: 12_000,
      txBps: 3000,
      txErrors: 3,
      rxErrors: 0,
    });
    expect(aggregate(get('switch:ovsbr0'), rates)).toMatchObject({ rxBps: 2010, txBps: 7020 });
    expect(aggregate(get('pg:ovsbr0:vlan10'), new Map())).toBeUndefined();
  });

  it('asks for a speed only for devices whose speed is real (physical, bond), not veth or tap', () => {
    const s = labState();
    const eth: Link = { ...tap('eth9'), kind: 'physical', kernelKind: '' };
    const asked: string[] = [];
    const b = buildAttribution({ ...s, links: [...s.links, eth, tap('vnet9')] }, [], (n) => (asked.push(n), 1e9));
    expect(asked).toEqual(['eth9']);
    expect(b.byKey.get('if:eth9')?.speedBps).toBe(1e9);
    expect(b.byKey.get('if:vnet9')?.speedBps).toBeUndefined();
  });

  it('works without a topology (interfaces only), as right after start', () => {
    const b = buildAttribution(undefined, ['b', 'a']);
    expect(b.series.map((s) => s.key)).toEqual(['if:a', 'if:b']);
  });
});
