/**
 * Which interfaces make up a VM NIC, a VM, a port group and a switch, from the topology: kernel masters, OVS
 * ports and their tags, libvirt domains' NIC targets and port groups. An aggregate is the sum of its members;
 * VM and vNIC series take the guest's point of view (a tap's tx is what the guest receives, as libvirt's
 * domifstat reports). Pure: no Node, so the same code can run wherever the HostState is.
 */
import type { HostState, Link } from '../../../shared/model/host-state';
import { linkId } from '../../../shared/model/host-state';
import { isOvsDatapathDevice } from '../../../shared/model/datapath-devices';
import { bridgePortGroupName, ovsPortGroupName } from '../../../shared/model/port-groups';
import { portGroupNodeId } from '../../../shared/model/capture';
import { interfaceKey, portGroupKey, switchKey, type SeriesInfo, type StatsRates } from '../../../shared/model/stats';
import { buildGraph, ovsBridgeNodeId } from '../../../shared/topology/build-graph';
import { addRates, zeroRates } from './rates';

export interface Attribution {
  series: SeriesInfo[];
  byKey: Map<string, SeriesInfo>;
  /** Interface name -> every aggregate it belongs to. */
  parents: Map<string, SeriesInfo[]>;
}

/** Only these report a speed that limits traffic; veth says 10 Gbit/s and tun 10 Mbit/s whatever passes. */
const REAL_SPEED_KINDS = new Set<Link['kind']>(['physical', 'bond']);

export function buildAttribution(
  state: HostState | undefined,
  ifnames: Iterable<string>,
  speedOf: (ifname: string) => number | undefined = () => undefined,
): Attribution {
  const series: SeriesInfo[] = [];
  const ns = state?.target.netns;
  const links = new Map((state?.links ?? []).map((l) => [l.name, l]));
  const nodeOf = nodeIndex(state);

  const names = new Set<string>([...links.keys(), ...ifnames]);
  for (const name of [...names].sort()) {
    if (isOvsDatapathDevice(name)) continue;
    const l = links.get(name);
    const speedBps = l && REAL_SPEED_KINDS.has(l.kind) ? speedOf(name) : undefined;
    const nodeId = nodeOf.get(linkId(ns, name));
    series.push({
      key: interfaceKey(name),
      kind: 'interface',
      label: name,
      members: [name],
      perspective: 'device',
      ...(nodeId ? { nodeId } : {}),
      ...(speedBps ? { speedBps } : {}),
    });
  }
  if (state) {
    series.push(...switches(state, links), ...portGroups(state, links), ...guests(state, links));
  }
  const byKey = new Map(series.map((s) => [s.key, s]));
  const parents = new Map<string, SeriesInfo[]>();
  for (const s of series) {
    if (s.kind === 'interface') continue;
    for (const m of s.members) {
      let list = parents.get(m);
      if (!list) parents.set(m, (list = []));
      list.push(s);
    }
  }
  return { series, byKey, parents };
}

/** Graph node standing for each kernel link: its own node, else the VM NIC or OVS port that replaced it. */
function nodeIndex(state: HostState | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!state) return out;
  const graph = buildGraph(state);
  const rank = (kind: string, own: boolean) => (own ? 0 : kind === 'vnic' ? 1 : 2);
  const best = new Map<string, number>();
  for (const n of graph.nodes) {
    if (!n.linkId) continue;
    const r = rank(n.kind, n.id === n.linkId);
    if (r < (best.get(n.linkId) ?? 9)) {
      best.set(n.linkId, r);
      out.set(n.linkId, n.id);
    }
  }
  return out;
}

function switches(state: HostState, links: Map<string, Link>): SeriesInfo[] {
  const out: SeriesInfo[] = [];
  const ns = state.target.netns;
  for (const b of state.bridges) {
    // The kernel's masters are the truth (a port listed by `bridge` is also a link whose master is the bridge).
    const members = state.links
      .filter((l) => l.master === b.name)
      .map((l) => l.name)
      .sort();
    out.push({
      key: switchKey(b.name),
      kind: 'switch',
      label: b.name,
      nodeId: linkId(ns, b.name),
      members,
      perspective: 'device',
    });
  }
  for (const b of state.ovsBridges) {
    if (out.some((s) => s.key === switchKey(b.name))) continue;
    const members = b.ports
      .filter((p) => p.name !== b.name && links.has(p.name))
      .map((p) => p.name)
      .sort();
    out.push({
      key: switchKey(b.name),
      kind: 'switch',
      label: b.name,
      nodeId: ovsBridgeNodeId(b.name),
      members,
      perspective: 'device',
    });
  }
  return out;
}

/**
 * Port groups by the names in shared/model/port-groups.ts, keyed like the graph's port-group node ids
 * (`pg:OWNER:NAME`), so a series can be captured on as it is.
 */
function portGroups(state: HostState, links: Map<string, Link>): SeriesInfo[] {
  const groups = new Map<string, SeriesInfo>();
  const add = (owner: string, group: string, sw: string, member: string) => {
    const key = portGroupKey(owner, group);
    let g = groups.get(key);
    if (!g) {
      const label = `${group} (${owner})`;
      groups.set(
        key,
        (g = {
          key,
          kind: 'portgroup',
          label,
          nodeId: portGroupNodeId(owner, group),
          members: [],
          perspective: 'device',
          switch: sw,
        }),
      );
    }
    if (!g.members.includes(member)) g.members.push(member);
  };
  for (const b of state.ovsBridges) {
    for (const p of b.ports) {
      const group = p.name === b.name ? undefined : ovsPortGroupName(p);
      if (group && links.has(p.name)) add(b.name, group, b.name, p.name);
    }
  }
  for (const b of state.bridges) {
    for (const p of b.ports) {
      const group = bridgePortGroupName(b, p);
      if (group && links.has(p.name)) add(b.name, group, b.name, p.name);
    }
  }
  // libvirt port groups belong to their network: the NIC's tap, on the switch the network provides.
  const bridgeOfNet = new Map(state.networks.map((n) => [n.name, n.bridge ?? n.name]));
  for (const d of state.domains) {
    for (const nic of d.nics) {
      if (!nic.portGroup || !nic.target || !links.has(nic.target)) continue;
      const net = nic.type === 'network' ? nic.source : undefined;
      const sw = (net ? bridgeOfNet.get(net) : nic.source) ?? links.get(nic.target)?.master ?? 'unknown';
      add(net ?? sw, nic.portGroup, sw, nic.target);
    }
  }
  for (const g of groups.values()) g.members.sort();
  return [...groups.values()];
}

function guests(state: HostState, links: Map<string, Link>): SeriesInfo[] {
  const out: SeriesInfo[] = [];
  for (const d of state.domains) {
    const taps: string[] = [];
    for (const nic of d.nics) {
      const tap = nic.target && links.has(nic.target) ? nic.target : undefined;
      if (tap) taps.push(tap);
      const sw = tap ? links.get(tap)?.master : undefined;
      out.push({
        key: nic.id as SeriesInfo['key'],
        kind: 'vnic',
        label: `${d.name} ${nic.target ?? nic.mac}`,
        nodeId: nic.id,
        members: tap ? [tap] : [],
        perspective: 'guest',
        ...(sw ? { switch: sw } : {}),
      });
    }
    out.push({
      key: d.id as SeriesInfo['key'],
      kind: 'vm',
      label: d.name,
      nodeId: d.id,
      members: taps.sort(),
      perspective: 'guest',
    });
  }
  return out;
}

/** Rates of one series from its members' rates; undefined when no member was sampled. */
export function aggregate(info: SeriesInfo, rates: ReadonlyMap<string, StatsRates>): StatsRates | undefined {
  let out: StatsRates | undefined;
  for (const m of info.members) {
    const r = rates.get(m);
    if (!r) continue;
    out ??= zeroRates();
    addRates(out, r, info.perspective === 'guest');
  }
  return out;
}
