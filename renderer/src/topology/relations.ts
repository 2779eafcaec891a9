import type { GraphEdge, GraphNode, TopologyGraph } from '../../../shared/topology/graph';
import { rankOf, switchKinds } from './kind-style';

export interface Neighbour {
  node: GraphNode;
  edge: GraphEdge;
  relation: string;
}

/**
 * How `other` relates to `self`, in the words of the details panel. Worded from the kinds rather than the edge
 * direction, so it reads right whichever way the graph builder points its edges.
 */
export function relationOf(edge: GraphEdge, self: GraphNode, other: GraphNode): string {
  const lower = rankOf(other.kind) < rankOf(self.kind);
  switch (edge.kind) {
    case 'member': {
      const selfSwitch = switchKinds.has(self.kind);
      const otherSwitch = switchKinds.has(other.kind);
      if (otherSwitch !== selfSwitch) return otherSwitch ? 'Member of' : 'Port';
      return lower ? 'Member of' : 'Port';
    }
    case 'peer':
      return 'veth peer';
    case 'parent':
      return lower ? 'Lower device' : 'Upper device';
    case 'contains':
      return other.kind === 'namespace' ? 'In namespace' : 'Contains';
    case 'attachment':
      return lower ? 'Attached to' : 'Attached';
    case 'provides':
      return lower ? 'Provided by' : 'Provides';
    case 'vnic':
      return other.kind === 'vm' ? 'NIC of' : 'Has NIC';
    default:
      return String(edge.kind);
  }
}

export function neighboursOf(graph: TopologyGraph, self: GraphNode): Neighbour[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: Neighbour[] = [];
  for (const edge of graph.edges) {
    const otherId = edge.source === self.id ? edge.target : edge.target === self.id ? edge.source : undefined;
    const other = otherId === undefined ? undefined : byId.get(otherId);
    if (!other || other === self) continue;
    out.push({ node: other, edge, relation: relationOf(edge, self, other) });
  }
  return out.sort((a, b) => a.relation.localeCompare(b.relation) || a.node.label.localeCompare(b.node.label, undefined, { numeric: true }));
}
