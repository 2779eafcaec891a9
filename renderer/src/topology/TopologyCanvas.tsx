import { useLayoutEffect, useRef, useState } from 'react';
import { LayoutGrid } from 'lucide-react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  getViewportForBounds,
  useStore,
  type NodeChange,
  type ReactFlowProps,
  type ReactFlowState,
  type Viewport,
} from '@xyflow/react';
import { FAR_ZOOM, NetNode } from './NetNode';
import { FarEdges } from './FarEdges';
import { Legend } from './Legend';
import { NODE_HEIGHT, NODE_WIDTH } from './layout/elk-graph';
import type { NetFlowEdge, NetFlowNode } from './flow-types';
import '../styles/flow.css';

const nodeTypes = { net: NetNode };
const MIN_ZOOM = 0.03;
const MAX_ZOOM = 2.5;
/** Room for the legend (top right), the zoom controls (left) and the overview map (bottom right). */
export const fitViewOptions = {
  padding: { top: '56px', right: '32px', bottom: '132px', left: '64px' },
  maxZoom: 1,
} as const;
const minimapStyle = { width: 168, height: 108 };
const noEdges: NetFlowEdge[] = [];
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
const minimapClass = (n: NetFlowNode) => `mm-node kind-${n.data.node.kind}`;

/*
 * Above this many nodes only what is on screen is mounted: panning a zoomed-in 1000-node graph then touches a
 * few dozen DOM nodes instead of all of them.
 */
const VIRTUALIZE_ABOVE = 300;

/**
 * The viewport that fits the graph, computed before React Flow mounts. React Flow's own fitView runs after a
 * first render at zoom 1, which for a big graph means rendering every node twice and in full detail once.
 */
function initialViewport(nodes: readonly NetFlowNode[], width: number, height: number): Viewport {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    if (n.hidden) continue;
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + NODE_WIDTH);
    y1 = Math.max(y1, n.position.y + NODE_HEIGHT);
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, zoom: 1 };
  const bounds = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  return getViewportForBounds(bounds, width, height, MIN_ZOOM, fitViewOptions.maxZoom, fitViewOptions.padding);
}

interface CanvasProps {
  nodes: NetFlowNode[];
  edges: NetFlowEdge[];
  onNodesChange(changes: NodeChange<NetFlowNode>[]): void;
  onPaneClick(): void;
  edgeKinds: ReadonlySet<string>;
  /** Dims edges while a search highlights nodes. */
  searching: boolean;
  onRearrange(): void;
  arranging: boolean;
  /** Drag-to-place (use-node-drop.ts). */
  dragHandlers?: Pick<ReactFlowProps<NetFlowNode, NetFlowEdge>, 'onNodeDragStart' | 'onNodeDrag' | 'onNodeDragStop'>;
}

export function TopologyCanvas(p: CanvasProps) {
  const { nodes, edges, onNodesChange, onPaneClick, edgeKinds } = p;
  const far = useStore(isFar);
  const box = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Viewport>();
  useLayoutEffect(() => {
    const r = box.current?.getBoundingClientRect();
    setViewport(initialViewport(nodes, r?.width || 1000, r?.height || 700));
    // Only the first arrangement is fitted automatically; later host changes keep the user's viewport.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className={`topology-canvas${p.searching ? ' is-searching' : ''}`} data-testid="topology-canvas" ref={box}>
      {viewport && (
        <ReactFlow<NetFlowNode, NetFlowEdge>
          nodes={nodes}
          edges={far ? noEdges : edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onPaneClick={onPaneClick}
          {...p.dragHandlers}
          colorMode="system"
          defaultViewport={viewport}
          minZoom={MIN_ZOOM}
          maxZoom={MAX_ZOOM}
          nodesConnectable={false}
          edgesFocusable={false}
          edgesReconnectable={false}
          deleteKeyCode={null}
          onlyRenderVisibleElements={nodes.length > VIRTUALIZE_ABOVE}
        >
          {far && <FarEdges nodes={nodes} edges={edges} />}
          <Background variant={BackgroundVariant.Dots} gap={22} size={1.3} />
          <Controls showInteractive={false} position="bottom-left" fitViewOptions={fitViewOptions}>
            <ControlButton
              onClick={p.onRearrange}
              disabled={p.arranging}
              title="Re-arrange: lay the whole graph out again (moved nodes are reset)"
              aria-label="Re-arrange the graph"
              data-testid="rearrange-button"
            >
              <LayoutGrid aria-hidden />
            </ControlButton>
          </Controls>
          <MiniMap<NetFlowNode>
            pannable
            zoomable
            nodeClassName={minimapClass}
            style={minimapStyle}
            position="bottom-right"
            ariaLabel="Overview map"
          />
          <Panel position="top-right">
            <Legend present={edgeKinds} />
          </Panel>
        </ReactFlow>
      )}
    </div>
  );
}
