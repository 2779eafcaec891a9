/**
 * How each kind of graph node and edge looks: icon, colour token, layout rank. Colours live in CSS
 * (`--k-<kind>` in styles/theme.css) so both themes can tune them; this module only names them.
 */
import {
  Box,
  Cable,
  CircleHelp,
  Container,
  EthernetPort,
  GitFork,
  Layers,
  Link2,
  Merge,
  Monitor,
  MonitorCog,
  Network,
  Plug,
  RefreshCw,
  Route,
  Server,
  ShieldCheck,
  Split,
  SquareDashed,
  Waypoints,
  Workflow,
  type LucideIcon,
} from 'lucide-react';
import { nodeKindLabels, type EdgeKind, type NodeKind } from '../../../shared/topology/graph';

export const kindIcons: Record<NodeKind, LucideIcon> = {
  nic: EthernetPort,
  loopback: RefreshCw,
  bridge: Network,
  'ovs-bridge': Workflow,
  'ovs-port': Plug,
  'ovs-internal': Server,
  veth: Cable,
  vlan: Layers,
  vxlan: Waypoints,
  geneve: Route,
  bond: Merge,
  tun: Link2,
  tap: Link2,
  macvlan: Split,
  dummy: SquareDashed,
  wireguard: ShieldCheck,
  other: CircleHelp,
  network: GitFork,
  vm: Monitor,
  vnic: MonitorCog,
  namespace: Container,
};

/** Fallback for a kind this build does not know yet (a newer server); keeps the graph rendering. */
export const unknownKindIcon: LucideIcon = Box;

/**
 * Left-to-right order of the layered layout: wires and uplinks on the left, switches in the middle, ports next,
 * then VMs and namespaces on the right. Edges are oriented from the lower to the higher rank so ELK layers them
 * in that reading order whatever direction the graph builder chose.
 */
export const kindRank: Record<NodeKind, number> = {
  nic: 0,
  loopback: 0,
  dummy: 0,
  other: 0,
  bond: 0.5,
  vlan: 1,
  vxlan: 1,
  geneve: 1,
  wireguard: 1,
  macvlan: 1,
  network: 1.5,
  bridge: 2,
  'ovs-bridge': 2,
  'ovs-port': 2.5,
  'ovs-internal': 3,
  veth: 3,
  tap: 3,
  tun: 3,
  vnic: 4,
  vm: 5,
  namespace: 5,
};

export function rankOf(kind: string): number {
  return (kindRank as Record<string, number | undefined>)[kind] ?? 0;
}

/** Chip-sized names for the kind filter; the full names from nodeKindLabels go in tooltips. */
export const kindShortLabels: Record<NodeKind, string> = {
  ...nodeKindLabels,
  nic: 'NIC',
  bridge: 'Bridge',
  'ovs-internal': 'OVS internal',
  network: 'Network',
  vm: 'VM',
};

export const edgeKindLabels: Record<EdgeKind, string> = {
  member: 'Bridge port',
  peer: 'veth peer',
  parent: 'Lower device',
  attachment: 'Attachment',
  provides: 'Provides',
  contains: 'Namespace',
  vnic: 'VM NIC',
};

/** Kinds that other objects are members of; used to word relations in the details panel. */
export const switchKinds: ReadonlySet<string> = new Set(['bridge', 'ovs-bridge', 'ovs-port', 'bond']);
