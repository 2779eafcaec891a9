/**
 * Dropping a node of the topology onto another: what may be dragged, what may take it, and the spec edit a drop
 * makes. Pure and DOM-free (unit-tested in node): the canvas only asks `checkDrop` while dragging and hands the
 * chosen destination to `placeIn`, which edits the draft. Nothing here changes the host; the edit becomes a
 * pending change that the Changes drawer plans and applies like any other.
 */
import { nodeKindLabels, type GraphNode, type NodeKind, type TopologyGraph } from '../../../shared/topology/graph';
import { nicModels } from '../../../shared/spec/vm-networks';
import type { PortDoc, SpecDoc, SwitchDoc } from '../changes/spec-doc';
import { moveNic, type NicTarget } from '../networks/nic-edit';

/** An interface of the target namespace, or a VM's NIC (found by its MAC). */
export type DragSource =
  | { kind: 'interface'; name: string; /** The switch it is a port of on the host now. */ master?: string }
  | { kind: 'vnic'; vm: string; mac: string; label: string; model?: string };

/** Where a dragged object goes: a switch of the spec (optionally one of its port groups) or a libvirt network. */
export type Destination = { kind: 'switch'; switch: string; portGroup?: string } | { kind: 'network'; network: string };

export type DropCheck = { ok: true; choices: Destination[] } | { ok: false; reason: string };

/** Kernel devices that can be a switch port: not switches themselves, not the loopback, not a VM's own NIC. */
const PORT_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>([
  'nic',
  'veth',
  'tap',
  'dummy',
  'macvlan',
  'vxlan',
  'geneve',
  'bond',
  'vlan',
  'ovs-port',
  'other',
]);

const attr = (n: GraphNode, key: string): string | undefined => {
  const v = n.attributes.find(([k]) => k === key)?.[1];
  return v === undefined ? undefined : String(v);
};

/** What dragging this node would move, or undefined when it cannot be placed anywhere. */
export function dragSourceOf(node: GraphNode): DragSource | undefined {
  if (node.kind === 'vnic') {
    const mac = attr(node, 'MAC');
    const vm = attr(node, 'Domain');
    if (!mac || !vm) return undefined;
    const model = attr(node, 'Model');
    return {
      kind: 'vnic',
      vm,
      mac: mac.toLowerCase(),
      label: node.label,
      ...(model && (nicModels as readonly string[]).includes(model) ? { model } : {}),
    };
  }
  // A peer drawn in another namespace is outside the target: a spec cannot reach it.
  if (!PORT_KINDS.has(node.kind) || node.netns) return undefined;
  const master = attr(node, 'OVS bridge') ?? attr(node, 'Master');
  return { kind: 'interface', name: node.label, ...(master ? { master } : {}) };
}

export function sourceText(s: DragSource): string {
  return s.kind === 'interface' ? s.name : `${s.vm}'s NIC ${s.label}`;
}

export function destinationText(d: Destination): string {
  if (d.kind === 'network') return `network ${d.network}`;
  return d.portGroup ? `port group ${d.portGroup} of ${d.switch}` : `${d.switch} (no port group)`;
}

const switchesOf = (doc: SpecDoc | undefined): SwitchDoc[] => doc?.switches ?? [];
const groupsOf = (sw: SwitchDoc): string[] => (sw.portGroups ?? []).map((g) => g.name);

/** Where the spec puts the source now, if it says anything about it. */
export function currentPlace(doc: SpecDoc | undefined, source: DragSource): Destination | undefined {
  if (source.kind === 'interface') {
    for (const sw of switchesOf(doc)) {
      const port = (sw.ports ?? []).find((p) => p.name === source.name);
      if (port) return { kind: 'switch', switch: sw.name, ...(port.portGroup ? { portGroup: port.portGroup } : {}) };
    }
    return undefined;
  }
  const nic = (doc?.vms ?? []).find((v) => v.name === source.vm)?.nics?.find((n) => n.mac.toLowerCase() === source.mac);
  if (!nic) return undefined;
  if (nic.network) return { kind: 'network', network: nic.network };
  return nic.switch
    ? { kind: 'switch', switch: nic.switch, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) }
    : undefined;
}

const sameDestination = (a: Destination | undefined, b: Destination): boolean =>
  !!a &&
  (a.kind === 'network'
    ? b.kind === 'network' && a.network === b.network
    : b.kind === 'switch' && a.switch === b.switch && a.portGroup === b.portGroup);

/** The switch's own choices: each port group, and the switch without a group. */
function switchChoices(sw: SwitchDoc): Destination[] {
  return [
    ...groupsOf(sw).map((g): Destination => ({ kind: 'switch', switch: sw.name, portGroup: g })),
    { kind: 'switch', switch: sw.name },
  ];
}

/**
 * Whether `source` may be dropped on `target`, and where it could go there (several choices mean a menu: a
 * switch with port groups). A refusal names the reason, which the canvas shows; it changes nothing.
 */
export function checkDrop(doc: SpecDoc | undefined, source: DragSource, target: GraphNode): DropCheck {
  const spec = doc?.metadata?.name ?? 'the spec';
  const what = sourceText(source);
  if (target.kind === 'network') {
    if (source.kind === 'interface')
      return { ok: false, reason: `A libvirt network takes VM NICs only; drop ${what} on a switch or port group` };
    return pickable(doc, source, [{ kind: 'network', network: target.label }], target.label);
  }
  if (target.kind !== 'bridge' && target.kind !== 'ovs-bridge') {
    const kind = nodeKindLabels[target.kind] ?? target.kind;
    return { ok: false, reason: `${kind} ${target.label} takes no ports: drop on a switch, a port group or a network` };
  }
  if (target.netns) return { ok: false, reason: `${target.label} is in namespace ${target.netns}, outside the target` };
  const sw = switchesOf(doc).find((s) => s.name === target.label);
  if (!sw)
    return {
      ok: false,
      reason: `${target.label} is not a switch of spec ${spec}: NovaNet changes only its own switches (add it in the Switches view)`,
    };
  if (source.kind === 'interface') {
    if (source.name === sw.name) return { ok: false, reason: `${sw.name} cannot be a port of itself` };
    if ((sw.uplinks ?? []).includes(source.name))
      return { ok: false, reason: `${source.name} is the uplink of ${sw.name}; it carries every port group already` };
    const foreign = foreignMaster(doc, source);
    if (foreign) return { ok: false, reason: foreign };
  }
  return pickable(doc, source, switchChoices(sw), sw.name);
}

/** Why the interface may not leave its current switch: one the spec does not own is not NovaNet's to change. */
export function foreignMaster(
  doc: SpecDoc | undefined,
  source: Extract<DragSource, { kind: 'interface' }>,
): string | undefined {
  const m = source.master;
  if (!m || switchesOf(doc).some((s) => s.name === m)) return undefined;
  const spec = doc?.metadata?.name ?? 'the spec';
  return `${source.name} is a port of ${m}, which spec ${spec} does not own: NovaNet does not take ports from foreign switches`;
}

function pickable(doc: SpecDoc | undefined, source: DragSource, all: Destination[], where: string): DropCheck {
  const now = currentPlace(doc, source);
  const choices = all.filter((d) => !sameDestination(now, d));
  if (choices.length === 0) return { ok: false, reason: `${sourceText(source)} is already on ${where}` };
  return { ok: true, choices };
}

/** Every place the keyboard alternative ("Place in port group…") offers: the spec's switches and the networks. */
export function destinationsFor(doc: SpecDoc | undefined, source: DragSource, graph: TopologyGraph): Destination[] {
  const out: Destination[] = [];
  if (source.kind === 'interface' && foreignMaster(doc, source)) return [];
  for (const sw of switchesOf(doc)) {
    if (source.kind === 'interface' && (sw.name === source.name || (sw.uplinks ?? []).includes(source.name))) continue;
    out.push(...switchChoices(sw));
  }
  if (source.kind === 'vnic') {
    const nets = new Set([
      ...(doc?.networks ?? []).map((n) => n.name),
      ...graph.nodes.filter((n) => n.kind === 'network').map((n) => n.label),
    ]);
    for (const network of [...nets].sort()) out.push({ kind: 'network', network });
  }
  const now = currentPlace(doc, source);
  return out.filter((d) => !sameDestination(now, d));
}

/** The draft with `source` placed at `dest`, and taken out of every other place the spec had for it. */
export function placeIn(doc: SpecDoc, source: DragSource, dest: Destination): SpecDoc {
  return source.kind === 'interface' ? placeInterface(doc, source.name, dest) : placeVnic(doc, source, dest);
}

function placeInterface(doc: SpecDoc, name: string, dest: Destination): SpecDoc {
  if (dest.kind !== 'switch')
    throw new Error(`${name}: an interface goes on a switch, not on ${destinationText(dest)}`);
  const switches = switchesOf(doc).map((sw): SwitchDoc => {
    const uplinks = sw.uplinks ?? [];
    const ports = sw.ports ?? [];
    if (sw.name !== dest.switch) {
      // A port or uplink elsewhere in this spec would put the interface in two switches.
      if (!uplinks.includes(name) && !ports.some((p) => p.name === name)) return sw;
      return { ...sw, uplinks: uplinks.filter((u) => u !== name), ports: ports.filter((p) => p.name !== name) };
    }
    const placed = (p: PortDoc): PortDoc => {
      const { portGroup: _old, ...rest } = p;
      return dest.portGroup ? { ...rest, portGroup: dest.portGroup } : rest;
    };
    const has = ports.some((p) => p.name === name);
    return { ...sw, ports: has ? ports.map((p) => (p.name === name ? placed(p) : p)) : [...ports, placed({ name })] };
  });
  return { ...doc, switches };
}

function placeVnic(doc: SpecDoc, source: Extract<DragSource, { kind: 'vnic' }>, dest: Destination): SpecDoc {
  const target: NicTarget =
    dest.kind === 'network'
      ? { network: dest.network }
      : { switch: dest.switch, ...(dest.portGroup ? { portGroup: dest.portGroup } : {}) };
  // The model stays what the VM has: a new entry without one would mean virtio, a silent model change.
  return moveNic(doc, source.vm, source.mac, source.model, target);
}
