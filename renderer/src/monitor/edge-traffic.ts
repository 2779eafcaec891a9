/**
 * Which series carries an edge's traffic, and how loud to draw it. Pure functions, so the choice is unit-tested.
 *
 * A switch's, VM's or namespace's own series is not what flows over one of its edges (a bridge device's own
 * counters are the host's traffic to it, not its ports'), so an edge takes the device at its other end. When both
 * ends are devices (a veth pair, a VLAN on its NIC) the quieter one bounds what passes between them.
 */
import type { GraphEdge, GraphNode } from '../../../shared/topology/graph';
import type { SeriesSample } from '../../../shared/model/stats';

const CONTAINERS = new Set(['bridge', 'ovs-bridge', 'network', 'namespace', 'vm']);

export interface EdgeLoad {
  key: string;
  nodeId: string;
  bps: number;
  bad: boolean;
}

export function edgeLoad(
  edge: Pick<GraphEdge, 'source' | 'target'>,
  nodes: ReadonlyMap<string, Pick<GraphNode, 'kind'>>,
  keyOfNode: ReadonlyMap<string, string>,
  latest: ReadonlyMap<string, SeriesSample>,
): EdgeLoad | undefined {
  let best: EdgeLoad | undefined;
  for (const id of [edge.source, edge.target]) {
    const kind = nodes.get(id)?.kind;
    if (!kind || CONTAINERS.has(kind)) continue;
    const key = keyOfNode.get(id);
    const s = key ? latest.get(key) : undefined;
    if (!key || !s) continue;
    const load = { key, nodeId: id, bps: s.rxBps + s.txBps, bad: s.rxErrors + s.txErrors + s.rxDrops + s.txDrops > 0 };
    if (!best) best = load;
    else if (load.bps < best.bps) best = { ...load, bad: load.bad || best.bad };
    else best.bad ||= load.bad;
  }
  return best;
}

/** The node a right-click on an edge captures on: the device that carries the edge, else its non-container end. */
export function edgeCaptureNode(
  edge: Pick<GraphEdge, 'source' | 'target'>,
  nodes: ReadonlyMap<string, Pick<GraphNode, 'kind'>>,
  keyOfNode: ReadonlyMap<string, string>,
): string {
  const ends = [edge.source, edge.target];
  const device = ends.find((id) => keyOfNode.has(id) && !CONTAINERS.has(nodes.get(id)?.kind ?? ''));
  return device ?? ends.find((id) => !CONTAINERS.has(nodes.get(id)?.kind ?? '')) ?? edge.source;
}

/** Five steps on a log scale, from a trickle to line rate: width and colour say how busy an edge is. */
export function loadLevel(bps: number): 0 | 1 | 2 | 3 | 4 | 5 {
  if (bps < 1_000) return 0;
  if (bps < 100_000) return 1;
  if (bps < 10_000_000) return 2;
  if (bps < 100_000_000) return 3;
  if (bps < 1_000_000_000) return 4;
  return 5;
}
