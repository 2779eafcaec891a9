import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGraph } from '../../../shared/topology/build-graph';
import { topologyGraphSchema, type GraphEdge, type GraphNode, type TopologyGraph } from '../../../shared/topology/graph';
import { hostStateSchema, linkId, linkKinds, type Domain, type HostState, type Link, type LinkKind, type OvsBridge } from '../../../shared/model/host-state';
import { labState } from '../support/lab-state';

const L = (name: string) => linkId('nnlab', name);

function node(g: TopologyGraph, id: string): GraphNode {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}; nodes: ${g.nodes.map((x) => x.id).join(' ')}`);
  return n;
}
const edgesOf = (g: TopologyGraph, kind: GraphEdge['kind']) => g.edges.filter((e) => e.kind === kind);
const pairs = (edges: GraphEdge[]) => edges.map((e) => `${e.source} -> ${e.target}${e.label ? ` [${e.label}]` : ''}`).sort();
const nodeIds = (g: TopologyGraph) => g.nodes.map((n) => n.id).sort();
const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Structural invariants every graph must keep. */
function expectWellFormed(g: TopologyGraph): void {
  expect(topologyGraphSchema.safeParse(g).success).toBe(true);
  const ids = g.nodes.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length);
  const edgeIds = g.edges.map((e) => e.id);
  expect(new Set(edgeIds).size).toBe(edgeIds.length);
  const known = new Set(ids);
  for (const e of g.edges) {
    expect(known.has(e.source), `edge ${e.id} source`).toBe(true);
    expect(known.has(e.target), `edge ${e.id} target`).toBe(true);
    expect(e.source).not.toBe(e.target);
  }
}

describe('buildGraph on the recorded lab', () => {
  const state = labState();
  const g = buildGraph(state);

  it('starts from a HostState that satisfies its schema and gives a well-formed graph', () => {
    expect(hostStateSchema.safeParse(state).success).toBe(true);
    expectWellFormed(g);
  });

  it('connects br0 to exactly its ports: enp3s0, vm1-3-eth0 and vx100', () => {
    expect(node(g, L('br0')).kind).toBe('bridge');
    const members = g.edges.filter((e) => e.kind === 'member' && e.target === L('br0'));
    expect(members.map((e) => e.source).sort()).toEqual([L('enp3s0'), L('vm1-eth0'), L('vm2-eth0'), L('vm3-eth0'), L('vx100')]);
  });

  it('links VXLAN and macvlan to their lower device', () => {
    expect(pairs(edgesOf(g, 'parent'))).toEqual([`${L('mv0')} -> ${L('enp4s0')} [macvlan]`, `${L('vx100')} -> ${L('enp4s0')} [vxlan]`]);
    expect(node(g, L('vx100'))).toMatchObject({ kind: 'vxlan', sublabel: 'VNI 100 → 192.0.2.20' });
  });

  it('shows veth peers in other namespaces as nodes in that namespace, contained by a namespace node', () => {
    const up0 = node(g, linkId('nnlab-up', 'up0'));
    expect(up0).toMatchObject({ kind: 'veth', label: 'up0', netns: 'nnlab-up' });
    expect(node(g, 'ns:nnlab-up')).toMatchObject({ kind: 'namespace', label: 'nnlab-up' });
    expect(edgesOf(g, 'contains').filter((e) => e.source === 'ns:nnlab-up').map((e) => e.target).sort()).toEqual([
      linkId('nnlab-up', 'up0'),
      linkId('nnlab-up', 'up1'),
    ]);
    const peers = edgesOf(g, 'peer').map((e) => [e.source, e.target].sort().join(' <-> '));
    expect(peers).toContain([L('enp3s0'), linkId('nnlab-up', 'up0')].sort().join(' <-> '));
    for (const i of [1, 2, 3, 4, 5]) {
      expect(node(g, linkId(`nnlab-vm${i}`, 'eth0')).netns).toBe(`nnlab-vm${i}`);
      expect(g.edges.some((e) => e.kind === 'contains' && e.source === `ns:nnlab-vm${i}` && e.target === linkId(`nnlab-vm${i}`, 'eth0'))).toBe(true);
    }
    // One edge per veth pair, one node per namespace.
    expect(edgesOf(g, 'peer')).toHaveLength(7);
    expect(g.nodes.filter((n) => n.kind === 'namespace').map((n) => n.id).sort()).toEqual(
      ['ns:nnlab-up', ...[1, 2, 3, 4, 5].map((i) => `ns:nnlab-vm${i}`)].sort(),
    );
  });

  it('shows ovsbr0 as an OVS bridge with one node per port, member edges labelled with the VLAN', () => {
    expect(node(g, 'ovs:ovsbr0')).toMatchObject({ kind: 'ovs-bridge', label: 'ovsbr0', sublabel: 'userspace datapath', linkId: L('ovsbr0') });
    const toBridge = g.edges.filter((e) => e.target === 'ovs:ovsbr0');
    expect(pairs(toBridge)).toEqual([
      'ovsport:ovsbr0:enp4s0-trunk -> ovs:ovsbr0 [trunk 10,20]',
      'ovsport:ovsbr0:ovs-gw -> ovs:ovsbr0',
      'ovsport:ovsbr0:vm4-eth0 -> ovs:ovsbr0 [VLAN 10]',
      'ovsport:ovsbr0:vm5-eth0 -> ovs:ovsbr0 [VLAN 20]',
    ]);
    expect(node(g, 'ovsport:ovsbr0:ovs-gw')).toMatchObject({ kind: 'ovs-internal', linkId: L('ovs-gw') });
    expect(node(g, 'ovsport:ovsbr0:vm4-eth0')).toMatchObject({ kind: 'ovs-port', linkId: L('vm4-eth0') });
    // The OVS ports' veth peers hang off the port nodes.
    expect(g.edges.some((e) => e.kind === 'peer' && [e.source, e.target].includes('ovsport:ovsbr0:vm4-eth0'))).toBe(true);
  });

  it('draws no separate node for devices an OVS node stands for, and hides the datapath device', () => {
    const ids = new Set(nodeIds(g));
    for (const name of ['ovsbr0', 'ovs-gw', 'enp4s0-trunk', 'vm4-eth0', 'vm5-eth0', 'ovs-netdev']) expect(ids.has(L(name)), name).toBe(false);
    expect(g.nodes.some((n) => n.label === 'ovs-netdev')).toBe(false);
    expect(g.edges.some((e) => e.id.includes('ovs-netdev'))).toBe(false);
  });

  it('shows libvirt networks, the VM and its NICs with vnic and attachment edges', () => {
    expect(node(g, 'net:nntest-net')).toMatchObject({ kind: 'network', state: 'up', sublabel: 'nat · 192.168.211.1/24' });
    expect(node(g, 'net:default')).toMatchObject({ kind: 'network', state: 'down', sublabel: 'nat · 192.168.122.1/24' });
    expect(node(g, 'vm:nntest-vm')).toMatchObject({ kind: 'vm', state: 'down', sublabel: 'shut off' });
    const nic1 = 'vnic:nntest-vm:52:54:00:aa:bb:01';
    const nic2 = 'vnic:nntest-vm:52:54:00:aa:bb:02';
    expect(node(g, nic1)).toMatchObject({ kind: 'vnic', state: 'down', sublabel: 'virtio · web' });
    expect(node(g, nic2)).toMatchObject({ kind: 'vnic', sublabel: 'e1000 · VLAN 20' });
    expect(pairs(edgesOf(g, 'vnic'))).toEqual([`vm:nntest-vm -> ${nic1}`, `vm:nntest-vm -> ${nic2}`]);
    // br-lan does not exist on this host: the second NIC has no attachment.
    expect(pairs(edgesOf(g, 'attachment'))).toEqual([`${nic1} -> net:nntest-net [web]`]);
  });

  it('has the same node ids whenever it is built again', () => {
    expect(buildGraph(labState())).toEqual(g);
    expect(nodeIds(buildGraph(state))).toEqual(nodeIds(g));
  });

  it('keeps node and edge ids when links are reordered or ifindexes change', () => {
    const reordered = { ...state, links: [...state.links].reverse() };
    const renumbered = {
      ...state,
      links: state.links.map((l) => ({ ...l, ifindex: l.ifindex + 100, ...(l.peer ? { peer: { ...l.peer, ifindex: l.peer.ifindex + 50 } } : {}) })),
    };
    for (const s of [reordered, renumbered]) {
      const other = buildGraph(s);
      expect(nodeIds(other)).toEqual(nodeIds(g));
      expect(other.edges.map((e) => e.id).sort()).toEqual(g.edges.map((e) => e.id).sort());
    }
  });

  it('adds exactly one node for one new link', () => {
    const dummy: Link = {
      id: L('dummy9'),
      ifindex: 99,
      name: 'dummy9',
      kind: 'dummy',
      kernelKind: 'dummy',
      mtu: 1500,
      operState: 'unknown',
      adminUp: true,
      carrier: true,
      addresses: [],
      attributes: {},
    };
    const more = buildGraph({ ...state, links: [...state.links, dummy] });
    expect(nodeIds(more)).toEqual([...nodeIds(g), L('dummy9')].sort());
    expect(more.edges).toEqual(g.edges);
    const enslaved = buildGraph({ ...state, links: [...state.links, { ...dummy, master: 'br0' }] });
    expect(enslaved.edges.filter((e) => !g.edges.some((x) => x.id === e.id)).map((e) => e.id)).toEqual([`member:${L('dummy9')}->${L('br0')}`]);
  });

  it('keeps the ids of everything else when a link disappears', () => {
    const fewer = buildGraph({ ...state, links: state.links.filter((l) => l.name !== 'mv0') });
    expect(nodeIds(fewer)).toEqual(nodeIds(g).filter((id) => id !== L('mv0')));
  });
});

describe('buildGraph with a running domain', () => {
  const tap = (name: string, master?: string): Link => ({
    id: L(name),
    ifindex: 40,
    name,
    kind: 'tap',
    kernelKind: 'tun',
    mac: 'fe:54:00:00:00:01',
    mtu: 1500,
    operState: 'up',
    adminUp: true,
    carrier: true,
    ...(master ? { master } : {}),
    addresses: [],
    attributes: {},
  });
  const web1: Domain = {
    id: 'vm:web1',
    name: 'web1',
    uuid: 'u-web1',
    state: 'running',
    persistent: true,
    nics: [{ id: 'vnic:web1:52:54:00:00:00:01', mac: '52:54:00:00:00:01', type: 'bridge', source: 'br0', target: 'vnet0', model: 'virtio' }],
  };

  it('replaces the tap device by the VM NIC node, which takes over its bridge membership', () => {
    const base = labState();
    const g = buildGraph({ ...base, links: [...base.links, tap('vnet0', 'br0')], domains: [web1] });
    expectWellFormed(g);
    expect(g.nodes.some((n) => n.id === L('vnet0'))).toBe(false);
    expect(node(g, 'vnic:web1:52:54:00:00:00:01')).toMatchObject({ kind: 'vnic', label: 'vnet0', state: 'up' });
    expect(node(g, 'vm:web1')).toMatchObject({ state: 'up' });
    const nicEdges = g.edges.filter((e) => e.source === 'vnic:web1:52:54:00:00:00:01');
    expect(nicEdges.map((e) => `${e.kind} ${e.target}`).sort()).toEqual([`attachment ${L('br0')}`, `member ${L('br0')}`]);
    expect(g.edges.some((e) => e.id.includes(L('vnet0')))).toBe(false);
  });

  it('follows the kernel when the tap is enslaved elsewhere than the XML says', () => {
    const base = labState();
    const moved = { ...web1, nics: [{ ...web1.nics[0]!, source: 'nosuchbr' }] };
    const g = buildGraph({ ...base, links: [...base.links, tap('vnet0', 'br0')], domains: [moved] });
    expect(g.edges.filter((e) => e.source === 'vnic:web1:52:54:00:00:00:01').map((e) => `${e.kind} ${e.target}`)).toEqual([`member ${L('br0')}`]);
  });

  it('keeps the vnic node (and its id) while the domain is shut off and the tap is gone', () => {
    const base = labState();
    const running = buildGraph({ ...base, links: [...base.links, tap('vnet0', 'br0')], domains: [web1] });
    const off = buildGraph({ ...base, domains: [{ ...web1, state: 'shut off', nics: [{ ...web1.nics[0]!, target: undefined }] }] });
    expect(nodeIds(off)).toEqual(nodeIds(running));
    expect(node(off, 'vnic:web1:52:54:00:00:00:01')).toMatchObject({ state: 'down', label: '52:54:00:00:00:01' });
  });

  it('connects a running VM on an OVS bridge to its OVS port (one node chain, VLAN visible), not to a detached duplicate', () => {
    // libvirt's <virtualport type='openvswitch'>: the domain's tap vnet0 is itself a port of ovsbr0 (tag 30).
    const base = labState();
    const ovsBridges = base.ovsBridges.map((b) => ({
      ...b,
      ports: [...b.ports, { uuid: 'u-vnet0', name: 'vnet0', tag: 30, trunks: [], externalIds: {}, interfaces: [{ name: 'vnet0', type: 'system', options: {}, externalIds: {} }] }],
    }));
    const onOvs = { ...web1, nics: [{ ...web1.nics[0]!, source: 'ovsbr0', vlan: 30, virtualPortType: 'openvswitch' }] };
    const g = buildGraph({ ...base, links: [...base.links, tap('vnet0', 'ovsbr0')], ovsBridges, domains: [onOvs] });
    expectWellFormed(g);
    const nic = 'vnic:web1:52:54:00:00:00:01';
    const touches = (e: GraphEdge, id: string) => e.source === id || e.target === id;
    const port = g.nodes.find((n) => n.id === 'ovsport:ovsbr0:vnet0');
    // Either the port node is not drawn (the NIC stands for vnet0) or it is the NIC's way into the bridge.
    if (port) expect(g.edges.some((e) => touches(e, nic) && touches(e, port.id)), 'the OVS port node is detached from the VM NIC').toBe(true);
    // The port's VLAN shows on the VM's way to the bridge.
    const near = new Set([nic, ...g.edges.filter((e) => touches(e, nic)).map((e) => (e.source === nic ? e.target : e.source))]);
    expect(g.edges.some((e) => e.label === 'VLAN 30' && [...near].some((id) => id !== 'ovs:ovsbr0' && touches(e, id)))).toBe(true);
  });

  it('links a libvirt network to the bridge it provides', () => {
    const base = labState();
    const nets = base.networks.map((n) => (n.name === 'nntest-net' ? { ...n, bridge: 'br0' } : n));
    const g = buildGraph({ ...base, networks: nets });
    expect(pairs(edgesOf(g, 'provides'))).toEqual([`net:nntest-net -> ${L('br0')}`]);
  });
});

// ---- property: random hosts ------------------------------------------------------------------------------

const nameArb = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.-]{0,6}$/) },
  { weight: 1, arbitrary: fc.constantFrom('ovs-netdev', 'ovs-system') },
);
const specArb = fc.record({
  kind: fc.oneof({ weight: 2, arbitrary: fc.constant<LinkKind>('bridge') }, { weight: 5, arbitrary: fc.constantFrom(...linkKinds) }),
  master: fc.option(fc.nat(), { nil: undefined }),
  parent: fc.option(fc.nat(), { nil: undefined }),
  peer: fc.option(fc.record({ to: fc.nat(), remoteNs: fc.option(fc.constantFrom('ns-a', 'ns-b'), { nil: undefined }), named: fc.boolean() }), {
    nil: undefined,
  }),
  up: fc.boolean(),
});

interface RandomHost {
  state: HostState;
  bridges: string[];
}

const hostArb = (withOvsAndVms: boolean): fc.Arbitrary<RandomHost> =>
  fc
    .tuple(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 14 }), fc.option(fc.constant('ns-main'), { nil: undefined }))
    .chain(([names, netns]) =>
      fc.record({
        names: fc.constant(names),
        netns: fc.constant(netns),
        specs: fc.array(specArb, { minLength: names.length, maxLength: names.length }),
        ovsPorts: withOvsAndVms ? fc.subarray(names) : fc.constant<string[]>([]),
        tapOf: withOvsAndVms ? fc.option(fc.constantFrom(...names), { nil: undefined }) : fc.constant<string | undefined>(undefined),
      }),
    )
    .map(({ names, netns, specs, ovsPorts, tapOf }) => {
      const bridges = names.filter((_, i) => specs[i]?.kind === 'bridge');
      const links: Link[] = names.map((name, i) => {
        const s = specs[i]!;
        const l: Link = {
          id: linkId(netns, name),
          ifindex: i + 1,
          name,
          kind: s.kind,
          kernelKind: s.kind,
          mtu: 1500,
          operState: s.up ? 'up' : 'down',
          adminUp: s.up,
          carrier: s.up,
          addresses: [],
          attributes: {},
        };
        if (s.master !== undefined && bridges.length) l.master = bridges[s.master % bridges.length];
        if (s.parent !== undefined) l.parent = names[s.parent % names.length];
        if (s.peer) {
          l.peer = s.peer.remoteNs
            ? { ifindex: 1000 + i, netns: s.peer.remoteNs, ...(s.peer.named ? { name: `p-${name}` } : {}) }
            : { ifindex: (s.peer.to % names.length) + 1, name: names[s.peer.to % names.length] };
        }
        return l;
      });
      const ovsBridges: OvsBridge[] = ovsPorts.length
        ? [
            {
              id: 'ovs:sw0',
              uuid: 'u-sw0',
              name: 'sw0',
              datapathType: 'netdev',
              controllers: [],
              protocols: [],
              externalIds: {},
              mirrors: [],
              ports: ovsPorts.map((p, i) => ({
                uuid: `u-${p}`,
                name: p,
                ...(i % 2 ? { tag: 10 + i } : {}),
                trunks: [],
                externalIds: {},
                interfaces: [{ name: p, type: i % 3 ? 'system' : 'internal', options: {}, externalIds: {} }],
              })),
            },
          ]
        : [];
      const domains: Domain[] = tapOf
        ? [{ id: 'vm:v', name: 'v', uuid: 'u-v', state: 'running', persistent: true, nics: [{ id: 'vnic:v:m', mac: 'm', type: 'bridge', source: bridges[0], target: tapOf }] }]
        : [];
      const ok = { status: 'ok' as const, durationMs: 0 };
      const state: HostState = {
        target: netns ? { netns } : {},
        takenAt: 't',
        namespaces: [],
        links,
        bridges: [],
        ovsBridges,
        networks: [],
        domains,
        sources: { netns: ok, ip: ok, bridge: ok, ovs: ok, libvirt: ok },
      };
      return { state, bridges };
    });

const withShuffledLinks = (h: RandomHost) =>
  fc.shuffledSubarray(h.state.links, { minLength: h.state.links.length, maxLength: h.state.links.length }).map((links) => ({ ...h.state, links }));

describe('buildGraph on random hosts (property)', () => {
  it('gives unique ids, edges between existing nodes, a node per visible link and a member edge per enslaved link', () => {
    fc.assert(
      fc.property(hostArb(false), ({ state }) => {
        const g = buildGraph(state);
        expectWellFormed(g);
        const ids = new Set(g.nodes.map((n) => n.id));
        const edgeIds = new Set(g.edges.map((e) => e.id));
        const hidden = new Set(['ovs-netdev', 'ovs-system']);
        for (const l of state.links) {
          if (hidden.has(l.name)) {
            expect(ids.has(l.id)).toBe(false);
            continue;
          }
          expect(ids.has(l.id)).toBe(true);
          if (l.master && !hidden.has(l.master) && l.master !== l.name) expect(edgeIds.has(`member:${l.id}->${linkId(state.target.netns, l.master)}`)).toBe(true);
          if (l.peer?.netns && l.peer.netns !== state.target.netns) expect(ids.has(`ns:${l.peer.netns}`)).toBe(true);
        }
        // Nothing else but remote peers and their namespaces.
        const extra = [...ids].filter((id) => !state.links.some((l) => l.id === id));
        for (const id of extra) expect(id.startsWith('ns:') || /^link:ns-[ab]:/.test(id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of links (with OVS ports and a VM tap among them)', () => {
    fc.assert(
      fc.property(
        hostArb(true).chain((h) => fc.tuple(fc.constant(h), withShuffledLinks(h))),
        ([h, shuffled]) => {
          const a = buildGraph(h.state);
          const b = buildGraph(shuffled);
          expectWellFormed(a);
          expect(byId(b.nodes)).toEqual(byId(a.nodes));
          expect(byId(b.edges)).toEqual(byId(a.edges));
        },
      ),
      { numRuns: 300 },
    );
  });
});
