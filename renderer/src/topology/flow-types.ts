import type { Edge, Node } from '@xyflow/react';
import type { EdgeKind, GraphNode } from '../../../shared/topology/graph';

export type NetNodeData = { node: GraphNode };
export type NetFlowNode = Node<NetNodeData, 'net'>;
export type NetEdgeData = { kind: EdgeKind };
export type NetFlowEdge = Edge<NetEdgeData>;
