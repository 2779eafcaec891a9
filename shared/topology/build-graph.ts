/**
 * HostState -> TopologyGraph. Pure and deterministic: the same host gives the same ids in the same order, so the
 * renderer keeps its layout across snapshots. Ids come from names (namespace, OVS bridge, domain, MAC), never
 * from ifindex or list position.
 */
import type { Domain, HostState, LibvirtNetwork, Link, LinkKind, LinuxBridge, OvsBridge, OvsPort } from '../model/host-state';
import { linkId } from '../model/host-state';
import { isOvsDatapathDevice } from '../model/datapath-devices';
import type { EdgeKind, GraphEdge, GraphNode, NodeKind, NodeState, TopologyGraph } from './graph';

type Attr = GraphNode['attributes'][number];

const linkKindToNode: Record<LinkKind, NodeKind> = {
  physical: 'nic',
  loopback: 'loopback',
  bridge: 'bridge',
  veth: 'veth',
  vlan: 'vlan',
  vxlan: 'vxlan',
  geneve: 'geneve',
  bond: 'bond',
  tun: 'tun',
  tap: 'tap',
  macvlan: 'macvlan',
  'ovs-bridge': 'ovs-bridge',
  'ovs-internal': 'ovs-internal',
  dummy: 'dummy',
  wireguard: 'wireguard',
  other: 'other',
};


export function ovsBridgeNodeId(name: string): string {
  return `ovs:${name}`;
}
export function ovsPortNodeId(bridge: string, port: string): string {
  return `ovsport:${bridge}:${port}`;
}

function linkState(l: Link): NodeState {
  if (!l.adminUp || l.operState === 'down' || l.operState === 'lowerlayerdown') return 'down';
  if (l.operState === 'up') return 'up';
  return l.carrier ? 'up' : 'unknown';
}

function addrText(l: Link): string | undefined {
  const v4 = l.addresses.filter((a) => a.family === 'inet' && a.scope !== 'link');
  const list = (v4.length ? v4 : l.addresses.filter((a) => a.scope === 'global')).map((a) => `${a.address}/${a.prefixLength}`);
  return list.length ? list.slice(0, 2).join(', ') + (list.length > 2 ? ` +${list.length - 2}` : '') : undefined;
}

function linkAttributes(l: Link): Attr[] {
  const head: Attr[] = [
    ['Name', l.name],
    ['Kind', l.kernelKind ? `${l.kind} (${l.kernelKind})` : l.kind],
    ['State', l.operState],
    ['Admin up', l.adminUp],
    ['Carrier', l.carrier],
    ['MTU', l.mtu],
  ];
  if (l.mac) head.push(['MAC', l.mac]);
  if (l.alias) head.push(['Alias', l.alias]);
  if (l.master) head.push(['Master', l.master]);
  if (l.parent) head.push(['Parent', l.parent]);
  if (l.peer) head.push(['Peer', `${l.peer.name ?? `ifindex ${l.peer.ifindex}`}${l.peer.netns ? ` @ ${l.peer.netns}` : ''}`]);
  if (l.vlanId !== undefined) head.push(['VLAN', l.vlanId]);
  if (l.vxlan) {
    head.push([l.kind === 'geneve' ? 'VNI' : 'VNI', l.vxlan.vni]);
    if (l.vxlan.local) head.push(['Local', l.vxlan.local]);
    if (l.vxlan.remote) head.push(['Remote', l.vxlan.remote]);
    if (l.vxlan.group) head.push(['Group', l.vxlan.group]);
    if (l.vxlan.dstPort !== undefined) head.push(['UDP port', l.vxlan.dstPort]);
  }
  l.addresses.forEach((a, i) => head.push([i === 0 ? 'Addresses' : '', `${a.address}/${a.prefixLength}${a.scope ? ` (${a.scope})` : ''}`]));
  // The kernel's full attribute list stays on the HostState link (node.linkId): sending it twice would double
  // the snapshot for large hosts.
  return head;
}

function sublabelFor(l: Link): string | undefined {
  if (l.vlanId !== undefined) return `VLAN ${l.vlanId}`;
  if (l.vxlan) return `VNI ${l.vxlan.vni}${l.vxlan.remote ? ` → ${l.vxlan.remote}` : ''}`;
  return addrText(l);
}

function bridgeAttributes(b: LinuxBridge): Attr[] {
  const out: Attr[] = [['STP', b.stp.enabled]];
  if (b.stp.priority !== undefined) out.push(['STP priority', b.stp.priority]);
  if (b.stp.forwardDelay !== undefined) out.push(['Forward delay (s)', b.stp.forwardDelay]);
  if (b.stp.helloTime !== undefined) out.push(['Hello time (s)', b.stp.helloTime]);
  if (b.stp.maxAge !== undefined) out.push(['Max age (s)', b.stp.maxAge]);
  out.push(['VLAN filtering', b.vlanFiltering]);
  if (b.multicastSnooping !== undefined) out.push(['Multicast snooping', b.multicastSnooping]);
  if (b.ageingTime !== undefined) out.push(['Ageing time (s)', b.ageingTime]);
  out.push(['Ports', b.ports.length]);
  for (const p of b.ports) {
    const vlans = p.vlans.map((v) => `${v.vid}${v.pvid ? ' PVID' : ''}${v.untagged ? ' untagged' : ''}`).join(', ');
    out.push([`Port ${p.name}`, `${p.state}${p.cost !== undefined ? `, cost ${p.cost}` : ''}${vlans ? `, VLANs ${vlans}` : ''}`]);
  }
  return out;
}

class Builder {
  nodes = new Map<string, GraphNode>();
  edges = new Map<string, GraphEdge>();
  /** Kernel devices that another node stands for (OVS ports, VM taps): their edges go to that node. */
  alias = new Map<string, string>();

  node(n: GraphNode): void {
    if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
  }
  edge(kind: EdgeKind, source: string, target: string, label?: string): void {
    const s = this.alias.get(source) ?? source;
    const t = this.alias.get(target) ?? target;
    if (s === t) return;
    // Peer edges are symmetric: one edge per pair whichever end is seen first.
    const [a, b] = kind === 'peer' && t < s ? [t, s] : [s, t];
    const id = `${kind}:${a}->${b}`;
    if (!this.edges.has(id)) this.edges.set(id, { id, source: a, target: b, kind, ...(label ? { label } : {}) });
  }
}

export function buildGraph(state: HostState): TopologyGraph {
  const g = new Builder();
  const ns = state.target.netns;
  const links = new Map(state.links.map((l) => [l.name, l]));
  const idOfLink = (name: string) => linkId(ns, name);

  addOvs(g, state.ovsBridges, links, idOfLink);
  const taps = addDomains(g, state.domains, links, idOfLink, state.ovsBridges);

  const bridges = new Map(state.bridges.map((b) => [b.name, b]));
  for (const l of state.links) {
    if (isOvsDatapathDevice(l.name) || g.alias.has(l.id) || taps.has(l.name)) continue;
    const br = bridges.get(l.name);
    g.node({
      id: l.id,
      kind: linkKindToNode[l.kind],
      label: l.name,
      sublabel: sublabelFor(l),
      state: linkState(l),
      linkId: l.id,
      attributes: br ? [...linkAttributes(l), ...bridgeAttributes(br)] : linkAttributes(l),
    });
  }
  for (const l of state.links) {
    if (isOvsDatapathDevice(l.name)) continue;
    if (l.master && links.has(l.master)) g.edge('member', l.id, idOfLink(l.master));
    if (l.parent && links.has(l.parent)) g.edge('parent', l.id, idOfLink(l.parent), l.kind);
    if (l.peer) addPeer(g, l, ns);
  }
  for (const n of state.networks) addNetwork(g, n, links, idOfLink, state.ovsBridges);

  const nodes = [...g.nodes.values()];
  const ids = new Set(nodes.map((n) => n.id));
  const edges = [...g.edges.values()].filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes, edges };
}

function addPeer(g: Builder, l: Link, ns: string | undefined): void {
  const peer = l.peer;
  if (!peer) return;
  const peerNs = peer.netns;
  if (peerNs === undefined || peerNs === ns) {
    if (peer.name) g.edge('peer', l.id, linkId(ns, peer.name));
    return;
  }
  const name = peer.name ?? `#${peer.ifindex}`;
  const remoteId = linkId(peerNs, name);
  g.node({
    id: remoteId,
    kind: 'veth',
    label: name,
    sublabel: peerNs,
    state: 'unknown',
    netns: peerNs,
    attributes: [
      ['Name', name],
      ['Namespace', peerNs],
      ['Ifindex', peer.ifindex],
      ['Peer', l.name],
    ],
  });
  const nsId = `ns:${peerNs}`;
  g.node({ id: nsId, kind: 'namespace', label: peerNs, state: 'unknown', attributes: [['Namespace', peerNs]] });
  g.edge('peer', l.id, remoteId);
  g.edge('contains', nsId, remoteId);
}

function portAttributes(p: OvsPort, bridge: string): Attr[] {
  const out: Attr[] = [
    ['Port', p.name],
    ['OVS bridge', bridge],
  ];
  if (p.tag !== undefined) out.push(['VLAN tag', p.tag]);
  if (p.trunks.length) out.push(['Trunks', p.trunks.join(', ')]);
  if (p.vlanMode) out.push(['VLAN mode', p.vlanMode]);
  for (const i of p.interfaces) {
    out.push([`Interface ${i.name}`, i.type]);
    if (i.ofport !== undefined) out.push(['OpenFlow port', i.ofport]);
    if (i.mac) out.push(['MAC in use', i.mac]);
    if (i.error) out.push(['Error', i.error]);
    for (const [k, v] of Object.entries(i.options)) out.push([`options:${k}`, v]);
    for (const [k, v] of Object.entries(i.externalIds)) out.push([`external_ids:${k}`, v]);
  }
  for (const [k, v] of Object.entries(p.externalIds)) out.push([`port external_ids:${k}`, v]);
  return out;
}

function addOvs(g: Builder, bridges: OvsBridge[], links: Map<string, Link>, idOfLink: (n: string) => string): void {
  for (const b of bridges) {
    const bid = ovsBridgeNodeId(b.name);
    const dev = links.get(b.name);
    if (dev) g.alias.set(dev.id, bid);
    const attrs: Attr[] = [
      ['Name', b.name],
      ['Datapath', b.datapathType],
      ['Fail mode', b.failMode ?? 'standalone (default)'],
      ['Controllers', b.controllers.join(', ') || 'none'],
      ['Protocols', b.protocols.join(', ') || 'default'],
      ['Ports', b.ports.length],
      ['UUID', b.uuid],
      ...Object.entries(b.externalIds).map(([k, v]): Attr => [`external_ids:${k}`, v]),
      ...b.mirrors.map((m): Attr => [`Mirror ${m.name}`, `${m.selectAll ? 'all' : [...m.selectSrcPorts, ...m.selectDstPorts].join(', ')} → ${m.outputPort ?? `VLAN ${m.outputVlan}`}`]),
    ];
    g.node({
      id: bid,
      kind: 'ovs-bridge',
      label: b.name,
      sublabel: b.datapathType === 'netdev' ? 'userspace datapath' : `${b.datapathType} datapath`,
      state: dev ? linkState(dev) : 'up',
      ...(dev ? { linkId: dev.id } : {}),
      attributes: dev ? [...attrs, ...linkAttributes(dev).slice(2)] : attrs,
    });
    for (const p of b.ports) {
      if (p.name === b.name) continue;
      const pid = ovsPortNodeId(b.name, p.name);
      const iface = p.interfaces[0];
      const pdev = links.get(p.name);
      if (pdev) g.alias.set(pdev.id, pid);
      const vlan = p.tag !== undefined ? `VLAN ${p.tag}` : p.trunks.length ? `trunk ${p.trunks.join(',')}` : undefined;
      g.node({
        id: pid,
        kind: iface?.type === 'internal' ? 'ovs-internal' : 'ovs-port',
        label: p.name,
        sublabel: [vlan, iface?.type && !['internal', 'system', ''].includes(iface.type) ? iface.type : undefined, pdev ? addrText(pdev) : undefined]
          .filter(Boolean)
          .join(' · ') || undefined,
        state: iface?.error ? 'down' : pdev ? linkState(pdev) : 'unknown',
        ...(pdev ? { linkId: pdev.id } : {}),
        attributes: [...portAttributes(p, b.name), ...(pdev ? linkAttributes(pdev) : [])],
      });
      g.edge('member', pid, bid, vlan);
    }
  }
  void idOfLink;
}

function addDomains(
  g: Builder,
  domains: Domain[],
  links: Map<string, Link>,
  idOfLink: (n: string) => string,
  ovs: OvsBridge[],
): Set<string> {
  const taps = new Set<string>();
  for (const d of domains) {
    g.node({
      id: d.id,
      kind: 'vm',
      label: d.name,
      sublabel: d.state,
      state: d.state === 'running' ? 'up' : d.state === 'shut off' ? 'down' : 'unknown',
      attributes: [
        ['Name', d.name],
        ['State', d.state],
        ['UUID', d.uuid],
        ['NICs', d.nics.length],
      ],
    });
    for (const nic of d.nics) {
      const tap = nic.target ? links.get(nic.target) : undefined;
      // A tap that is an OVS port keeps its port node (it carries the VLAN); the vNIC plugs into that port.
      const ovsPort = tap ? g.alias.get(tap.id) : undefined;
      if (tap && !ovsPort) {
        taps.add(tap.name);
        g.alias.set(tap.id, nic.id);
      }
      g.node({
        id: nic.id,
        kind: 'vnic',
        label: nic.target ?? nic.mac,
        sublabel: [nic.model, nic.vlan !== undefined ? `VLAN ${nic.vlan}` : undefined, nic.portGroup].filter(Boolean).join(' · ') || undefined,
        state: tap ? linkState(tap) : d.state === 'running' ? 'unknown' : 'down',
        ...(tap ? { linkId: tap.id } : {}),
        attributes: [
          ['MAC', nic.mac],
          ['Type', nic.type],
          ...(nic.source ? [['Source', nic.source] as Attr] : []),
          ...(nic.portGroup ? [['Port group', nic.portGroup] as Attr] : []),
          ...(nic.model ? [['Model', nic.model] as Attr] : []),
          ...(nic.target ? [['Host device', nic.target] as Attr] : []),
          ...(nic.vlan !== undefined ? [['VLAN', nic.vlan] as Attr] : []),
          ...(nic.virtualPortType ? [['Virtual port', nic.virtualPortType] as Attr] : []),
          ['Domain', d.name],
        ],
      });
      g.edge('vnic', d.id, nic.id);
      if (ovsPort) g.edge('attachment', nic.id, ovsPort);
      else if (nic.type === 'network' && nic.source) g.edge('attachment', nic.id, `net:${nic.source}`, nic.portGroup);
      else if (nic.source && ovs.some((b) => b.name === nic.source)) g.edge('attachment', nic.id, ovsBridgeNodeId(nic.source));
      else if (nic.source && links.has(nic.source)) g.edge('attachment', nic.id, idOfLink(nic.source));
      // A running NIC's tap may be enslaved elsewhere than its XML says; the kernel is the truth.
      if (tap?.master && links.has(tap.master) && tap.master !== nic.source) g.edge('member', nic.id, idOfLink(tap.master));
    }
  }
  return taps;
}

function addNetwork(g: Builder, n: LibvirtNetwork, links: Map<string, Link>, idOfLink: (n: string) => string, ovs: OvsBridge[]): void {
  const ip = n.ips.find((i) => i.family === 'ipv4') ?? n.ips[0];
  g.node({
    id: n.id,
    kind: 'network',
    label: n.name,
    sublabel: [n.forwardMode, ip ? `${ip.address}/${ip.prefix}` : undefined].filter(Boolean).join(' · '),
    state: n.active ? 'up' : 'down',
    attributes: [
      ['Name', n.name],
      ['Mode', n.forwardMode],
      ['Active', n.active],
      ['Autostart', n.autostart],
      ['Persistent', n.persistent],
      ...(n.bridge ? [['Bridge', n.bridge] as Attr] : []),
      ...(n.forwardDev ? [['Forward device', n.forwardDev] as Attr] : []),
      ...n.ips.map((i): Attr => [`${i.family} address`, `${i.address}/${i.prefix}`]),
      ...n.ips.flatMap((i) => i.dhcpRanges.map((r): Attr => ['DHCP range', `${r.start} – ${r.end}`])),
      ...n.portGroups.map((p): Attr => [`Port group ${p.name}`, p.vlan !== undefined ? `VLAN ${p.vlan}` : 'untagged']),
      ['UUID', n.uuid],
    ],
  });
  if (!n.bridge) return;
  if (ovs.some((b) => b.name === n.bridge)) g.edge('provides', n.id, ovsBridgeNodeId(n.bridge));
  else if (links.has(n.bridge)) g.edge('provides', n.id, idOfLink(n.bridge));
}
