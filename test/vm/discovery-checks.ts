/**
 * What `novanet topology --json` of the workstation namespace must show after the apply, checked on the host, per
 * feature: the HostState the planner reads (bridge port VLANs, link kinds, masters, tunnels, OVS datapath) and the
 * graph the UI draws from it.
 */
import { expect } from 'vitest';
import { linkId, type Link } from '../../shared/model/host-state';
import type { GraphNode } from '../../shared/topology/graph';
import { ovsBridgeNodeId, ovsPortNodeId } from '../../shared/topology/build-graph';
import type { Topology } from './novanet-cli';
import { WS } from './specs';

const id = (name: string) => linkId(WS, name);

function link(t: Topology, name: string): Link {
  const l = t.state.links.find((x) => x.name === name);
  if (!l) throw new Error(`discovery shows no link ${name}; it has ${t.state.links.map((x) => x.name).join(', ')}`);
  return l;
}

function node(t: Topology, id: string): GraphNode {
  const n = t.graph.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`the graph has no node ${id}; it has ${t.graph.nodes.map((x) => x.id).join(', ')}`);
  return n;
}

/** Edges as "kind source -> target" strings, for readable failures. */
const edges = (t: Topology) => t.graph.edges.map((e) => `${e.kind} ${e.source} -> ${e.target}`);
const cidrs = (l: Link) => l.addresses.map((a) => `${a.address}/${a.prefixLength}`);

export function checkVlanFiltering(t: Topology): void {
  const br = t.state.bridges.find((b) => b.name === 'br0');
  expect(br?.vlanFiltering, 'br0 filters VLANs').toBe(true);
  expect(link(t, 'br0').alias).toBe('novanet:ws');
  const vlans = Object.fromEntries(
    (br?.ports ?? []).map((p) => [
      p.name,
      [...p.vlans]
        .sort((a, b) => a.vid - b.vid)
        .map((v) => `${v.vid}${v.pvid ? ' PVID' : ''}${v.untagged ? ' untagged' : ' tagged'}`),
    ]),
  );
  // No port keeps the default VLAN 1: only the port groups' VLANs.
  expect(vlans).toEqual({
    'p-a': ['10 PVID untagged'],
    'p-b': ['10 PVID untagged'],
    'p-c': ['20 PVID untagged'],
    'p-d': ['99 PVID untagged'],
    'p-t': ['10 tagged', '11 tagged', '20 tagged', '99 PVID untagged'],
  });
  const brNode = node(t, id('br0'));
  expect(brNode.kind).toBe('bridge');
  expect(brNode.attributes).toContainEqual(['VLAN filtering', true]);
  expect(brNode.attributes.find(([k]) => k === 'Port p-t')?.[1]).toMatch(/VLANs 10, 11, 20, 99 PVID untagged$/);
  for (const p of ['p-a', 'p-b', 'p-c', 'p-d', 'p-t']) expect(edges(t)).toContain(`member ${id(p)} -> ${id('br0')}`);
}

export function checkVlanSubinterfaces(t: Topology): void {
  for (const [name, vid] of [
    ['q0.100', 100],
    ['q0.200', 200],
  ] as const) {
    const l = link(t, name);
    expect({ kind: l.kind, vlanId: l.vlanId, parent: l.parent, alias: l.alias, adminUp: l.adminUp }, name).toEqual({
      kind: 'vlan',
      vlanId: vid,
      parent: 'q0',
      alias: 'novanet:ws',
      adminUp: true,
    });
    const n = node(t, id(name));
    expect({ kind: n.kind, sublabel: n.sublabel }).toEqual({ kind: 'vlan', sublabel: `VLAN ${vid}` });
    expect(edges(t)).toContain(`parent ${id(name)} -> ${id('q0')}`);
  }
}

export function checkBondUplink(t: Topology): void {
  const bond = link(t, 'bond0');
  expect({ kind: bond.kind, master: bond.master, alias: bond.alias }).toEqual({
    kind: 'bond',
    master: 'br-up',
    alias: 'novanet:ws',
  });
  expect(bond.attributes['bond.mode']).toBe('active-backup');
  expect(bond.attributes['bond.miimon']).toBe(50);
  expect(['m1', 'm2'].map((m) => link(t, m).master)).toEqual(['bond0', 'bond0']);
  expect(cidrs(link(t, 'br-up'))).toContain('198.18.50.1/24');
  expect(node(t, id('bond0')).kind).toBe('bond');
  expect(edges(t)).toEqual(
    expect.arrayContaining([
      `member ${id('m1')} -> ${id('bond0')}`,
      `member ${id('m2')} -> ${id('bond0')}`,
      `member ${id('bond0')} -> ${id('br-up')}`,
    ]),
  );
}

export function checkGeneve(t: Topology): void {
  const g = link(t, 'gnv0');
  expect({ kind: g.kind, master: g.master, alias: g.alias, tunnel: g.vxlan }).toEqual({
    kind: 'geneve',
    master: 'br-t',
    alias: 'novanet:ws',
    tunnel: { vni: 42, remote: '198.18.60.2', dstPort: 6081 },
  });
  expect(cidrs(link(t, 'br-t'))).toContain('198.18.61.1/24');
  const n = node(t, id('gnv0'));
  expect({ kind: n.kind, sublabel: n.sublabel }).toEqual({ kind: 'geneve', sublabel: 'VNI 42 → 198.18.60.2' });
  expect(edges(t)).toContain(`member ${id('gnv0')} -> ${id('br-t')}`);
}

export function checkOvs(t: Topology): void {
  expect(t.state.sources.ovs.status, t.state.sources.ovs.message).toBe('ok');
  const b = t.state.ovsBridges.find((x) => x.name === 'ovbr');
  expect({ datapath: b?.datapathType, owner: b?.externalIds['novanet-owner'] }).toEqual({
    datapath: 'system',
    owner: 'ws',
  });
  const ports = Object.fromEntries(
    (b?.ports ?? [])
      .filter((p) => p.name !== 'ovbr')
      .map((p) => [
        p.name,
        { tag: p.tag, type: p.interfaces[0]?.type || 'system', owner: p.externalIds['novanet-owner'] },
      ]),
  );
  expect(ports).toEqual({
    'ov-a': { tag: 10, type: 'system', owner: 'ws' },
    'ov-b': { tag: 10, type: 'system', owner: 'ws' },
    'ov-c': { tag: 20, type: 'system', owner: 'ws' },
    'ov-gw': { tag: 10, type: 'internal', owner: 'ws' },
  });
  expect(node(t, ovsBridgeNodeId('ovbr')).sublabel).toBe('system datapath');
  expect(node(t, ovsPortNodeId('ovbr', 'ov-c')).sublabel).toBe('VLAN 20');
  expect(node(t, ovsPortNodeId('ovbr', 'ov-gw')).kind).toBe('ovs-internal');
  expect(edges(t)).toContain(`member ${ovsPortNodeId('ovbr', 'ov-a')} -> ${ovsBridgeNodeId('ovbr')}`);
}
