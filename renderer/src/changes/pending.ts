/**
 * Plan -> how each graph node is affected, so the topology can style pending additions, changes and removals
 * before an apply. The same function serves drift: hand it the plan of the last committed spec against the host
 * and the marks say what the host would need to look like that spec again.
 *
 * Pure and DOM-free (unit-tested in node). Node ids follow shared/topology/build-graph.ts: Linux links
 * `link:<netns>:<name>`, OVS bridges `ovs:<name>`, OVS ports `ovsport:<bridge>:<port>`; a kernel device that
 * another node stands for (an OVS port, a VM's tap) is found through that node's `linkId`.
 */
import type { Operation, Plan } from '../../../shared/plan/operations';
import type { GraphEdge, GraphNode, NodeKind, TopologyGraph } from '../../../shared/topology/graph';

export type PendingMark = 'add' | 'change' | 'remove';

export interface PendingGraph {
  /** Every affected node. 'add' may name a node the graph does not have yet (see `ghostNodes`). */
  marks: Map<string, PendingMark>;
  /** Nodes the plan creates that the graph lacks, ready to be drawn as placeholders. */
  ghostNodes: GraphNode[];
  /** Memberships the plan creates (port -> switch) that the graph lacks. */
  ghostEdges: GraphEdge[];
}

type PlanLike = Pick<Plan, 'steps' | 'target'>;

const linkNodeId = (netns: string | undefined, name: string) => `link:${netns ?? ''}:${name}`;
const ovsId = (name: string) => `ovs:${name}`;
const ovsPortId = (bridge: string, port: string) => `ovsport:${bridge}:${port}`;

/**
 * Marks combine in plan order. A removal and a creation of the same node is a replacement, which people read as
 * a change; otherwise creation or removal says more than a change to the same node.
 */
export function combineMarks(prev: PendingMark | undefined, next: PendingMark): PendingMark {
  if (!prev || prev === next) return next;
  if (prev === 'change') return next;
  if (next === 'change') return prev;
  return 'change';
}

const addedKind: Partial<Record<Operation['op'], NodeKind>> = {
  'link.add.bridge': 'bridge',
  'link.add.vxlan': 'vxlan',
  'link.add.geneve': 'geneve',
  'link.add.vlan': 'vlan',
  'ovs.br.add': 'ovs-bridge',
};

export function pendingGraph(plan: PlanLike | null | undefined, graph: TopologyGraph): PendingGraph {
  const marks = new Map<string, PendingMark>();
  const ghosts = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  if (!plan || plan.steps.length === 0) return { marks, ghostNodes: [], ghostEdges: [] };

  const ns = plan.target.netns;
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  const byLinkId = new Map<string, string>();
  for (const n of graph.nodes) if (n.linkId && !byLinkId.has(n.linkId)) byLinkId.set(n.linkId, n.id);
  const masterOf = new Map<string, string>();
  for (const e of graph.edges) if (e.kind === 'member') masterOf.set(e.source, e.target);

  // OVS objects the plan creates: their kernel devices are drawn as the OVS node, not as a plain link.
  const created = new Map<string, string>();
  for (const { op } of plan.steps) {
    if (op.op === 'ovs.br.add') created.set(op.name, ovsId(op.name));
    if (op.op === 'ovs.port.add') created.set(op.name, ovsPortId(op.bridge, op.name));
  }
  /** The node a kernel device is drawn as now (before the plan), if any. */
  const current = (name: string): string | undefined => {
    const id = linkNodeId(ns, name);
    return byLinkId.get(id) ?? (nodeIds.has(id) ? id : undefined);
  };
  const resolve = (name: string): string => created.get(name) ?? current(name) ?? linkNodeId(ns, name);
  const ovsPortNode = (name: string): string | undefined =>
    created.get(name) ?? graph.nodes.find((n) => n.id.startsWith('ovsport:') && n.id.endsWith(`:${name}`))?.id;

  /** Discovery names a VM NIC by the MAC as libvirt writes it; the plan's may differ in case. */
  const vnicNode = (domain: string, mac: string): string | undefined => {
    const want = `vnic:${domain}:${mac}`.toLowerCase();
    return graph.nodes.find((n) => n.kind === 'vnic' && n.id.toLowerCase() === want)?.id;
  };
  const mark = (id: string | undefined, m: PendingMark) => {
    if (id) marks.set(id, combineMarks(marks.get(id), m));
  };
  const ghost = (id: string, kind: NodeKind, label: string) => {
    if (!nodeIds.has(id) && !ghosts.has(id))
      ghosts.set(id, { id, kind, label, state: 'unknown', attributes: [['Pending', 'created by the next apply']] });
  };
  const edge = (source: string, target: string) => {
    const id = `member:${source}->${target}`;
    if (!graph.edges.some((e) => e.id === id)) edges.set(id, { id, source, target, kind: 'member' });
  };

  for (const { op } of plan.steps) {
    const kind = addedKind[op.op];
    switch (op.op) {
      case 'link.add.bridge':
      case 'link.add.vxlan':
      case 'link.add.geneve':
      case 'link.add.vlan':
      case 'ovs.br.add': {
        const id = op.op === 'ovs.br.add' ? ovsId(op.name) : linkNodeId(ns, op.name);
        mark(id, 'add');
        if (kind) ghost(id, kind, op.name);
        break;
      }
      case 'link.del':
        mark(resolve(op.name), 'remove');
        break;
      case 'ovs.br.del':
        mark(ovsId(op.name), 'remove');
        break;
      case 'link.set.mtu':
      case 'link.set.state':
      case 'link.set.alias':
      case 'link.set.address':
      case 'bridge.set':
        mark(resolve(op.name), 'change');
        break;
      case 'addr.add':
      case 'addr.del':
      case 'route.add.default':
      case 'route.del.default':
      case 'bridge.vlan.add':
      case 'bridge.vlan.del':
        mark(resolve(op.dev), 'change');
        break;
      case 'link.set.master': {
        const member = resolve(op.name);
        mark(member, 'change');
        const old = masterOf.get(member);
        if (old) mark(old, 'change');
        if (op.master) {
          const master = resolve(op.master);
          mark(master, 'change');
          edge(member, master);
        }
        break;
      }
      case 'ovs.br.set':
        mark(ovsId(op.name), 'change');
        break;
      case 'ovs.port.add': {
        const id = ovsPortId(op.bridge, op.name);
        mark(id, 'add');
        ghost(id, op.internal ? 'ovs-internal' : 'ovs-port', op.name);
        edge(id, ovsId(op.bridge));
        mark(ovsId(op.bridge), 'change');
        // An existing interface becoming a port leaves its old place in the graph.
        const before = current(op.name);
        if (before && before !== id) mark(before, 'change');
        break;
      }
      case 'ovs.port.del':
        mark(ovsPortId(op.bridge, op.name), 'remove');
        mark(ovsId(op.bridge), 'change');
        break;
      case 'ovs.port.set':
        mark(ovsPortNode(op.name), 'change');
        break;
      // A VM NIC moved (a drop on a network or port group), attached or detached.
      case 'virsh.dom.update':
        mark(vnicNode(op.domain, op.nic.mac), 'change');
        break;
      case 'virsh.dom.detach':
        mark(vnicNode(op.domain, op.mac), 'remove');
        break;
      case 'virsh.dom.attach':
        mark(`vm:${op.domain}`, 'change');
        break;
    }
  }
  // Changes and removals only mean something for nodes that are drawn; additions may be ghosts.
  for (const [id, m] of marks) if (m !== 'add' && !nodeIds.has(id)) marks.delete(id);
  return { marks, ghostNodes: [...ghosts.values()], ghostEdges: [...edges.values()] };
}

/** The map the graph styles nodes with: graph node id -> 'add' | 'change' | 'remove'. */
export function pendingMarks(plan: PlanLike | null | undefined, graph: TopologyGraph): Map<string, PendingMark> {
  return pendingGraph(plan, graph).marks;
}
