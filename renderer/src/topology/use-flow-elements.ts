/**
 * React Flow's nodes and edges for the graph. Node and edge objects are reused whenever nothing about them
 * changed (TanStack Query's structural sharing keeps unchanged GraphNodes identical across refetches), so a host
 * change re-renders only what changed, and a 1000-node graph is not rebuilt per keystroke or per drag frame.
 */
import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { SpecContext } from '../model/spec-context';
import { pendingMarks, type PendingMark } from '../changes/pending';
import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import { nodeKindLabels, type GraphEdge, type GraphNode, type TopologyGraph } from '../../../shared/topology/graph';
import { NODE_HEIGHT, NODE_WIDTH, orientEdge, type XY } from './layout/elk-graph';
import type { LayoutStore } from './layout/layout-store';
import type { NetFlowEdge, NetFlowNode } from './flow-types';

export interface FlowInputs {
  graph: TopologyGraph;
  positions: ReadonlyMap<string, XY>;
  store: LayoutStore;
  hiddenKinds: ReadonlySet<string>;
  /** Ids matching the search, or null when there is no search. */
  matches: ReadonlySet<string> | null;
  /** Pending changes of the edited spec (before apply) or drift from the last applied one (after), by node id. */
  marks?: ChangeMarks;
}

export interface ChangeMarks {
  kind: 'pending' | 'drift';
  byId: ReadonlyMap<string, PendingMark>;
}

function classFor(id: string, matches: ReadonlySet<string> | null, marks: ChangeMarks | undefined): string | undefined {
  const parts: string[] = [];
  if (matches) parts.push(matches.has(id) ? 'is-match' : 'is-dimmed');
  const mark = marks?.byId.get(id);
  if (mark) parts.push(marks?.kind === 'drift' ? 'is-drift' : `is-pending-${mark}`);
  return parts.length ? parts.join(' ') : undefined;
}

/** What the spec being edited would change, or else how the host drifted from the last applied version. */
export function useChangeMarks(graph: TopologyGraph): ChangeMarks | undefined {
  const spec = useContext(SpecContext);
  const plan = spec?.plan;
  const drift = spec?.drift;
  return useMemo(() => {
    const pending = pendingMarks(plan, graph);
    if (pending.size) return { kind: 'pending', byId: pending };
    const drifted = pendingMarks(drift, graph);
    return drifted.size ? { kind: 'drift', byId: drifted } : undefined;
  }, [plan, drift, graph]);
}

function ariaLabelFor(n: GraphNode): string {
  const kind = (nodeKindLabels as Record<string, string | undefined>)[n.kind] ?? n.kind;
  return `${kind} ${n.label}${n.netns ? ` in namespace ${n.netns}` : ''}, ${n.state}`;
}

function reconcileNodes(prev: readonly NetFlowNode[], inputs: FlowInputs): NetFlowNode[] {
  const { graph, positions, hiddenKinds, matches, marks } = inputs;
  const prevById = new Map(prev.map((n) => [n.id, n]));
  const next: NetFlowNode[] = [];
  let changed = false;
  for (const gn of graph.nodes) {
    const pos = positions.get(gn.id);
    if (!pos) continue;
    const hidden = hiddenKinds.has(gn.kind);
    const className = classFor(gn.id, matches, marks);
    const old = prevById.get(gn.id);
    if (!old) {
      changed = true;
      next.push({
        id: gn.id,
        type: 'net',
        position: pos,
        data: { node: gn },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        hidden,
        className,
        ariaLabel: ariaLabelFor(gn),
        // data-* attributes are valid DOM attributes even though React's HTMLAttributes type does not list them.
        domAttributes: { 'data-testid': `node-${gn.id}` } as NetFlowNode['domAttributes'],
      });
      continue;
    }
    // A node being dragged keeps the pointer's position; the store catches up on drop.
    const samePos = old.dragging || (old.position.x === pos.x && old.position.y === pos.y);
    if (old.data.node === gn && old.hidden === hidden && old.className === className && samePos) {
      next.push(old);
      continue;
    }
    changed = true;
    next.push({
      ...old,
      position: samePos ? old.position : pos,
      data: old.data.node === gn ? old.data : { node: gn },
      hidden,
      selected: hidden ? false : old.selected,
      className,
      ariaLabel: ariaLabelFor(gn),
    });
  }
  return changed || next.length !== prev.length ? next : (prev as NetFlowNode[]);
}

interface EdgeCacheEntry {
  down: boolean;
  hidden: boolean;
  edge: NetFlowEdge;
}
/** Keyed by the GraphEdge object itself, which structural sharing keeps identical while the edge is unchanged. */
const edgeCache = new WeakMap<GraphEdge, EdgeCacheEntry>();

export function useFlowElements(inputs: FlowInputs) {
  const [nodes, setNodes] = useState<NetFlowNode[]>(() => reconcileNodes([], inputs));
  const { graph, positions, hiddenKinds, matches, store } = inputs;
  const marks = useChangeMarks(graph);

  useEffect(() => {
    setNodes((prev) => reconcileNodes(prev, { graph, positions, hiddenKinds, matches, store, marks }));
  }, [graph, positions, hiddenKinds, matches, store, marks]);

  const onNodesChange = useCallback(
    (all: NodeChange<NetFlowNode>[]) => {
      // Nodes have a fixed size, so React Flow's measurements tell nothing new; applying them would copy and
      // re-render every node once more right after the first paint.
      const changes = all.filter((c) => c.type !== 'dimensions');
      if (changes.length === 0) return;
      setNodes((ns) => applyNodeChanges(changes, ns));
      // Drops and keyboard moves arrive with dragging false: that is when a position becomes the user's.
      for (const c of changes) if (c.type === 'position' && c.position && !c.dragging) store.set(c.id, c.position);
    },
    [store],
  );

  const baseEdges = useMemo(() => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const out: NetFlowEdge[] = [];
    for (const ge of graph.edges) {
      const s = byId.get(ge.source);
      const t = byId.get(ge.target);
      if (!s || !t || !positions.has(s.id) || !positions.has(t.id)) continue;
      const down = s.state === 'down' || t.state === 'down';
      const hidden = hiddenKinds.has(s.kind) || hiddenKinds.has(t.kind);
      const old = edgeCache.get(ge);
      if (old && old.down === down && old.hidden === hidden) {
        out.push(old.edge);
        continue;
      }
      const flip = orientEdge(s, t, ge.kind);
      const edge: NetFlowEdge = {
        id: ge.id,
        source: flip ? t.id : s.id,
        target: flip ? s.id : t.id,
        className: `net-edge edge-${ge.kind}${down ? ' is-down' : ''}`,
        // "vxlan" on the edge to a VXLAN device repeats what its icon and second line already say.
        label: ge.label && ge.label !== s.kind && ge.label !== t.kind ? ge.label : undefined,
        hidden,
        data: { kind: ge.kind },
        selectable: false,
        focusable: false,
        // Not clickable, so no invisible wide hit path: halves the SVG paths of a large graph.
        interactionWidth: 0,
      };
      edgeCache.set(ge, { down, hidden, edge });
      out.push(edge);
    }
    return out;
  }, [graph, positions, hiddenKinds]);

  const selectedId = useMemo(() => nodes.find((n) => n.selected)?.id, [nodes]);

  // Edges of the selected node are drawn emphasised and on top.
  const edges = useMemo(() => {
    if (!selectedId) return baseEdges;
    return baseEdges.map((e) =>
      e.source === selectedId || e.target === selectedId
        ? { ...e, className: `${e.className ?? ''} is-active`, zIndex: 1 }
        : e,
    );
  }, [baseEdges, selectedId]);

  const select = useCallback((id: string | null) => {
    setNodes((ns) =>
      ns.map((n) => {
        const want = n.id === id;
        return Boolean(n.selected) === want ? n : { ...n, selected: want };
      }),
    );
  }, []);

  return { nodes, edges, onNodesChange, selectedId, select };
}
