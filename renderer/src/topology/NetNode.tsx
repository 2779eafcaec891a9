import { memo } from 'react';
import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { nodeKindLabels } from '../../../shared/topology/graph';
import { kindIcons, unknownKindIcon } from './kind-style';
import type { NetFlowNode } from './flow-types';

const stateText = { up: 'up', down: 'down', unknown: 'state unknown' } as const;

/**
 * Below this zoom a node's text is under 5 px tall and cannot be read, so nodes are drawn as plain coloured boxes:
 * 3 DOM elements instead of about 15, which is what keeps a zoomed-out 1000-node graph fast to draw and pan.
 */
export const FAR_ZOOM = 0.38;
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;

/**
 * One object on the canvas. Memoised: React Flow re-renders its wrapper on every drag frame, but this body only
 * when the object, its selection or its level of detail changes.
 */
function NetNodeView({ data, selected }: NodeProps<NetFlowNode>) {
  const far = useStore(isFar);
  const n = data.node;
  const cls = `net-node kind-${n.kind} state-${n.state}${selected ? ' is-selected' : ''}`;
  if (far) {
    return (
      <div className={`${cls} net-node--far`}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
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
