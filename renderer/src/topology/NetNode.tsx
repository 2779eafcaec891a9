import { memo } from 'react';
import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { nodeKindLabels } from '../../../shared/topology/graph';
import { kindIcons, unknownKindIcon } from './kind-style';
import type { NetFlowNode } from './flow-types';

const stateText = { up: 'up', down: 'down', unknown: 'state unknown' } as const;

/**
 * Levels of detail by zoom. Below MID_ZOOM a node's normal text is under 6 px tall and cannot be read, so only
 * its name is drawn, large; below FAR_ZOOM even that is unreadable and the node is a plain coloured box. Far nodes
 * are 3 DOM elements instead of about 15, which keeps a zoomed-out 1000-node graph fast to draw and pan.
 */
export const FAR_ZOOM = 0.2;
export const MID_ZOOM = 0.45;
const detailOf = (s: ReactFlowState): 0 | 1 | 2 => (s.transform[2] < FAR_ZOOM ? 0 : s.transform[2] < MID_ZOOM ? 1 : 2);

/**
 * One object on the canvas. Memoised: React Flow re-renders its wrapper on every drag frame, but this body only
 * when the object, its selection or its level of detail changes.
 */
function NetNodeView({ data, selected }: NodeProps<NetFlowNode>) {
  const detail = useStore(detailOf);
  const n = data.node;
  const cls = `net-node kind-${n.kind} state-${n.state}${selected ? ' is-selected' : ''}`;
  if (detail < 2) {
    return (
      <div className={`${cls} net-node--far`}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
        {detail === 1 && <span className="net-node__far-label">{n.label}</span>}
        <Handle type="source" position={Position.Right} isConnectable={false} />
      </div>
    );
  }
  const Icon = kindIcons[n.kind] ?? unknownKindIcon;
  const kindLabel = nodeKindLabels[n.kind] ?? n.kind;
  return (
    <div
      className={cls}
      title={`${kindLabel} ${n.label}${n.netns ? ` (namespace ${n.netns})` : ''}: ${stateText[n.state] ?? n.state}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="net-node__icon" aria-hidden>
        <Icon size={16} strokeWidth={2} />
      </span>
      <span className="net-node__text">
        <span className="net-node__label">{n.label}</span>
        <span className="net-node__sub">
          {n.netns && <span className="net-node__ns">{n.netns}</span>}
          {/* A peer in another namespace may carry that namespace as its second line; the badge already says it. */}
          <span className="net-node__subtext">{n.sublabel && n.sublabel !== n.netns ? n.sublabel : kindLabel}</span>
        </span>
      </span>
      <span className={`net-node__dot dot-${n.state}`} aria-hidden />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const NetNode = memo(NetNodeView);
