import { useContext, useMemo } from 'react';
import type { TopologyGraph } from '../../../shared/topology/graph';
import { SpecContext } from '../model/spec-context';
import { pendingGraph } from '../changes/pending';

/**
 * The host's graph plus placeholders for what the edited spec would create (a new switch, its memberships), so
 * pending additions can be seen, and laid out, before anything is applied.
 */
export function useGraphWithGhosts(graph: TopologyGraph): TopologyGraph {
  const plan = useContext(SpecContext)?.plan;
  return useMemo(() => {
    const pending = pendingGraph(plan, graph);
    if (pending.ghostNodes.length === 0 && pending.ghostEdges.length === 0) return graph;
    return { nodes: [...graph.nodes, ...pending.ghostNodes], edges: [...graph.edges, ...pending.ghostEdges] };
  }, [plan, graph]);
}
