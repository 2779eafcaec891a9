import { z } from 'zod';

export const nodeKinds = [
  'nic',
  'loopback',
  'bridge',
  'ovs-bridge',
  'ovs-port',
  'ovs-internal',
  'veth',
  'vlan',
  'vxlan',
  'geneve',
  'bond',
  'tun',
  'tap',
  'macvlan',
  'dummy',
  'wireguard',
  'other',
  'network',
  'vm',
  'vnic',
  'namespace',
] as const;
export const nodeKindSchema = z.enum(nodeKinds);
export type NodeKind = z.infer<typeof nodeKindSchema>;

export const edgeKinds = ['member', 'peer', 'parent', 'attachment', 'provides', 'contains', 'vnic'] as const;
export const edgeKindSchema = z.enum(edgeKinds);
export type EdgeKind = z.infer<typeof edgeKindSchema>;

export const nodeStateSchema = z.enum(['up', 'down', 'unknown']);
export type NodeState = z.infer<typeof nodeStateSchema>;

export const graphNodeSchema = z.object({
  /** Stable across snapshots of the same host: built from names, never from ifindex or order. */
  id: z.string(),
  kind: nodeKindSchema,
  label: z.string(),
  /** A second line: addresses, VLAN, VNI, network mode. */
  sublabel: z.string().optional(),
  state: nodeStateSchema,
  /** Namespace the object lives in; absent for the target's own namespace. */
  netns: z.string().optional(),
  /** The kernel link this node stands for: its full attribute list is `state.links[].attributes`. */
  linkId: z.string().optional(),
  /** The object's main attributes, for the details panel, in display order. */
  attributes: z.array(z.tuple([z.string(), z.union([z.string(), z.number(), z.boolean()])])),
});
export type GraphNode = z.infer<typeof graphNodeSchema>;

export const graphEdgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  kind: edgeKindSchema,
  label: z.string().optional(),
});
export type GraphEdge = z.infer<typeof graphEdgeSchema>;

export const topologyGraphSchema = z.object({
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
});
export type TopologyGraph = z.infer<typeof topologyGraphSchema>;

export const nodeKindLabels: Record<NodeKind, string> = {
  nic: 'Physical NIC',
  loopback: 'Loopback',
  bridge: 'Linux bridge',
  'ovs-bridge': 'OVS bridge',
  'ovs-port': 'OVS port',
  'ovs-internal': 'OVS internal port',
  veth: 'veth',
  vlan: 'VLAN',
  vxlan: 'VXLAN',
  geneve: 'GENEVE',
  bond: 'Bond',
  tun: 'TUN',
  tap: 'TAP',
  macvlan: 'macvlan',
  dummy: 'Dummy',
  wireguard: 'WireGuard',
  other: 'Other',
  network: 'libvirt network',
  vm: 'Virtual machine',
  vnic: 'VM NIC',
  namespace: 'Namespace',
};
