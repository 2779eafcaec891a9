import { memo, useMemo } from 'react';
import { ViewportPortal } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH } from './layout/elk-graph';
import type { NetFlowEdge, NetFlowNode } from './flow-types';

/**
 * All edges as a few SVG paths, one per line style and area, for zoom levels where a node is a small coloured box.
 * One path with 1000 segments paints several times faster than 1000 edge elements, and panning a zoomed-out
 * 1000-node graph is mostly painting edges. Same curves and per-kind styles as the real edges.
 */
const AREA = 1500;

function FarEdgesView({ nodes, edges }: { nodes: readonly NetFlowNode[]; edges: readonly NetFlowEdge[] }) {
  const paths = useMemo(() => {
    const pos = new Map<string, NetFlowNode>();
    for (const n of nodes) if (!n.hidden) pos.set(n.id, n);
    const byStyle = new Map<string, string[]>();
    for (const e of edges) {
      const s = pos.get(e.source);
      const t = pos.get(e.target);
      if (e.hidden || !s || !t) continue;
      const sx = s.position.x + NODE_WIDTH;
      const sy = s.position.y + NODE_HEIGHT / 2;
      const tx = t.position.x;
      const ty = t.position.y + NODE_HEIGHT / 2;
      const c = Math.max(Math.abs(tx - sx) / 2, 24);
      const d = `M${sx} ${sy}C${sx + c} ${sy} ${tx - c} ${ty} ${tx} ${ty}`;
      // Grouped by area too: the rasteriser walks a whole path for every tile it touches, so one path per style
      // spanning the whole graph would be slower than separate edges.
      const key = `${e.className ?? 'net-edge'}|${Math.floor(sx / AREA)},${Math.floor(sy / AREA)}`;
      const list = byStyle.get(key);
      if (list) list.push(d);
      else byStyle.set(key, [d]);
    }
    return [...byStyle];
  }, [nodes, edges]);

  return (
    <ViewportPortal>
      <svg className="far-edges" aria-hidden>
        {paths.map(([cls, ds]) => (
          <g key={cls} className={cls.slice(0, cls.indexOf('|'))}>
            <path className="react-flow__edge-path" d={ds.join('')} />
          </g>
        ))}
      </svg>
    </ViewportPortal>
  );
}

export const FarEdges = memo(FarEdgesView);
