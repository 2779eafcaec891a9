import type { GraphNode, TopologyGraph } from '../../../shared/topology/graph';

/** Ids whose name, second line (addresses, VLAN, VNI) or namespace contains the query; null for no query. */
export function matchNodes(graph: TopologyGraph, query: string): ReadonlySet<string> | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const out = new Set<string>();
  for (const n of graph.nodes) {
    if (
      n.label.toLowerCase().includes(q) ||
      (n.sublabel?.toLowerCase().includes(q) ?? false) ||
      (n.netns?.toLowerCase().includes(q) ?? false)
    ) {
      out.add(n.id);
    }
  }
  return out;
}

/** How many nodes of each kind the graph has, in first-seen order. */
export function kindCounts(nodes: readonly GraphNode[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  return counts;
}
