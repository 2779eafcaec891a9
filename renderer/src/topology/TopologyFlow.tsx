import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { TopologyGraph } from '../../../shared/topology/graph';
import { NODE_HEIGHT, NODE_WIDTH } from './layout/elk-graph';
import type { LayoutState } from './use-layout';
import { useFlowElements } from './use-flow-elements';
import { kindCounts, matchNodes } from './search';
import { Toolbar } from './Toolbar';
import { TopologyCanvas, fitViewOptions } from './TopologyCanvas';
import { DetailsPanel } from './DetailsPanel';
import type { NetFlowNode } from './flow-types';
import { useEdgeTraffic } from '../monitor/use-edge-traffic';
import { TrafficToggle } from '../monitor/TrafficToggle';
import { NodeCaptureMenu } from '../capture/NodeCaptureMenu';
import { useDropMarks, useNodeDrop } from './use-node-drop';
import { DropFeedback } from './DropFeedback';

const noKinds: ReadonlySet<string> = new Set();

/** The interactive graph: toolbar, canvas and details, sharing selection, search and kind filters. */
export function TopologyFlow({ graph, layout }: { graph: TopologyGraph; layout: LayoutState }) {
  const [query, setQuery] = useState('');
  const [hiddenKinds, setHiddenKinds] = useState<ReadonlySet<string>>(noKinds);
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => matchNodes(graph, deferredQuery), [graph, deferredQuery]);
  const counts = useMemo(() => kindCounts(graph.nodes), [graph.nodes]);
  const edgeKinds = useMemo(() => new Set(graph.edges.map((e) => e.kind)), [graph.edges]);
  const searchRef = useRef<HTMLInputElement>(null);
  const rf = useReactFlow<NetFlowNode>();

  const { nodes, edges, onNodesChange, selectedId, select } = useFlowElements({
    graph,
    positions: layout.positions,
    store: layout.store,
    hiddenKinds,
    matches,
  });
  const drop = useNodeDrop(onNodesChange);
  const shownNodes = useDropMarks(nodes, drop.over);
  const selectedNode = useMemo(() => graph.nodes.find((n) => n.id === selectedId), [graph.nodes, selectedId]);
  // Live traffic drawn on the edges (off until toggled), and "Capture here…" on right-click.
  const traffic = useEdgeTraffic(graph, edges);
  const bodyRef = useRef<HTMLDivElement>(null);

  const goTo = useCallback(
    (id: string) => {
      select(id);
      const n = rf.getNode(id);
      if (n) {
        const zoom = Math.max(rf.getZoom(), 0.9);
        void rf.setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + NODE_HEIGHT / 2, { zoom, duration: 250 });
      }
    },
    [rf, select],
  );

  // Enter in the search box walks through the visible matches in graph order.
  const matchCursor = useRef(-1);
  const nextMatch = useCallback(
    (backwards: boolean) => {
      const list = matchNodes(graph, query);
      if (!list) return;
      const ids = graph.nodes.filter((n) => list.has(n.id) && !hiddenKinds.has(n.kind)).map((n) => n.id);
      if (ids.length === 0) return;
      const step = backwards ? -1 : 1;
      matchCursor.current = (matchCursor.current + step + ids.length) % ids.length;
      goTo(ids[matchCursor.current]!);
    },
    [graph, query, hiddenKinds, goTo],
  );
  useEffect(() => {
    matchCursor.current = -1;
  }, [query]);

  const toggleKind = useCallback((kind: string) => {
    setHiddenKinds((prev) => {
      const next = new Set(prev);
      if (!next.delete(kind)) next.add(kind);
      return next;
    });
  }, []);

  // Escape anywhere clears the selection; Ctrl+F or '/' jumps to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const inField = e.target instanceof HTMLElement && e.target.closest('input, textarea, select');
      if (e.key === 'Escape' && !e.defaultPrevented) select(null);
      else if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !inField)) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [select]);

  // Fit to the result of a full re-arrangement; the first one is fitted by React Flow itself on mount.
  const fitted = useRef(layout.fullLayouts);
  useEffect(() => {
    if (layout.fullLayouts === fitted.current) return;
    fitted.current = layout.fullLayouts;
    const t = window.setTimeout(() => void rf.fitView({ ...fitViewOptions, duration: 300 }), 50);
    return () => clearTimeout(t);
  }, [layout.fullLayouts, rf]);

  const clearSelection = useCallback(() => select(null), [select]);

  return (
    <div className="topology__workspace">
      <Toolbar
        searchRef={searchRef}
        query={query}
        onQuery={setQuery}
        onNextMatch={nextMatch}
        onEscape={clearSelection}
        matchCount={matches ? matches.size : null}
        counts={counts}
        hiddenKinds={hiddenKinds}
        onToggleKind={toggleKind}
        onShowAll={() => setHiddenKinds(noKinds)}
      />
      <div className="topology__body" ref={bodyRef}>
        <TrafficToggle on={traffic.enabled} onChange={traffic.setEnabled} error={traffic.error} />
        <TopologyCanvas
          nodes={shownNodes}
          edges={traffic.edges}
          onNodesChange={onNodesChange}
          onPaneClick={clearSelection}
          edgeKinds={edgeKinds}
          searching={matches !== null}
          onRearrange={layout.rearrange}
          arranging={layout.arranging}
          dragHandlers={drop.handlers}
        />
        <DropFeedback
          over={drop.over}
          menu={drop.menu}
          onChoose={drop.choose}
          notice={drop.notice}
          onDismiss={drop.dismissNotice}
        />
        {selectedNode && <DetailsPanel node={selectedNode} graph={graph} onSelect={goTo} onClose={clearSelection} />}
        <NodeCaptureMenu containerRef={bodyRef} graph={graph} edgeNode={traffic.captureNodeOf} />
      </div>
    </div>
  );
}
