/**
 * Drop -> spec edit on the recorded lab: real graph nodes from buildGraph, and every edit checked by the real schema
 * and host validation, so a drop the canvas accepts is a spec the Changes drawer can plan.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../shared/topology/build-graph';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan as makePlan } from '../../../shared/plan/planner';
import type { SpecDoc } from '../../../renderer/src/changes/spec-doc';
import {
  checkDrop,
  currentPlace,
  destinationsFor,
  dragSourceOf,
  placeIn,
  type DragSource,
} from '../../../renderer/src/topology/drop-edit';
import { LAB, labState } from '../support/lab-state';
import { pendingMarks } from '../../../renderer/src/changes/pending';
import { stepSchema, type Plan } from '../../../shared/plan/operations';

/** The lab plus two interfaces no switch holds yet (the lab enslaves all of its own). */
function withFreeLinks() {
  const s = labState();
  const proto = s.links.find((l) => l.name === 'vm1-eth0')!;
  for (const [i, name] of ['free0', 'free1'].entries()) {
    const { master: _m, ...rest } = structuredClone(proto);
    s.links.push({ ...rest, name, id: `link:${LAB}:${name}`, ifindex: 900 + i });
  }
  return s;
}
const state = withFreeLinks();
const graph = buildGraph(state);
const node = (id: string) => {
  const n = graph.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
const link = (name: string) => node(`link:${LAB}:${name}`);
const VNIC = 'vnic:nntest-vm:52:54:00:aa:bb:01';

/** A spec with a Linux switch (two groups) the lab's enp4s0 may be dropped on, and br0 left foreign. */
function doc(extra: Partial<SpecDoc> = {}): SpecDoc {
  return {
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name: 'ws' },
    switches: [
      {
        name: 'br-new',
        type: 'linux',
        uplinks: ['enp4s0'],
        portGroups: [{ name: 'servers' }, { name: 'lab' }],
        ports: [],
      },
      { name: 'br-two', type: 'linux', portGroups: [{ name: 'dmz' }], ports: [{ name: 'free1', portGroup: 'dmz' }] },
    ],
    ...extra,
  };
}

function valid(d: SpecDoc) {
  const r = parseSpec(d);
  expect(r.issues).toEqual([]);
  return r.spec!;
}

/** Host issues about where a NIC attaches (whether NovaNet may touch the VM at all is the VM section's rule). */
const attachmentIssues = (d: SpecDoc) =>
  validateSpec(valid(d), state).filter((i) => /\.(network|switch|portGroup)$/.test(i.path));

describe('dragSourceOf', () => {
  it('drags interfaces of the target and VM NICs, never switches, namespaces or remote peers', () => {
    expect(dragSourceOf(link('free0'))).toEqual({ kind: 'interface', name: 'free0' });
    expect(dragSourceOf(link('vm1-eth0'))).toEqual({ kind: 'interface', name: 'vm1-eth0', master: 'br0' });
    expect(dragSourceOf(node('ovsport:ovsbr0:vm4-eth0'))).toEqual({
      kind: 'interface',
      name: 'vm4-eth0',
      master: 'ovsbr0',
    });
    expect(dragSourceOf(node(VNIC))).toEqual({
      kind: 'vnic',
      vm: 'nntest-vm',
      mac: '52:54:00:aa:bb:01',
      label: '52:54:00:aa:bb:01',
      model: 'virtio',
    });
    for (const id of [
      `link:${LAB}:br0`,
      'ovs:ovsbr0',
      `link:${LAB}:lo`,
      'ns:nnlab-vm1',
      'link:nnlab-vm1:eth0',
      'vm:nntest-vm',
    ])
      expect(dragSourceOf(node(id)), id).toBeUndefined();
  });
});

describe('checkDrop', () => {
  const iface = dragSourceOf(link('free0'))!;
  const vnic = dragSourceOf(node(VNIC))!;

  it('offers every port group of a spec switch, and the switch without a group', () => {
    const r = checkDrop(doc(), iface, { ...link('br0'), label: 'br-new' });
    expect(r).toEqual({
      ok: true,
      choices: [
        { kind: 'switch', switch: 'br-new', portGroup: 'servers' },
        { kind: 'switch', switch: 'br-new', portGroup: 'lab' },
        { kind: 'switch', switch: 'br-new' },
      ],
    });
  });

  it('refuses a switch the spec does not own, naming the spec', () => {
    const r = checkDrop(doc(), iface, link('br0'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/br0 is not a switch of spec ws/);
    expect(checkDrop(doc(), iface, node('ovs:ovsbr0'))).toMatchObject({ ok: false });
  });

  it('refuses to take a port from a switch the spec does not own', () => {
    const taken = dragSourceOf(link('vm1-eth0'))!;
    expect(checkDrop(doc(), taken, { ...link('br0'), label: 'br-new' })).toEqual({
      ok: false,
      reason:
        'vm1-eth0 is a port of br0, which spec ws does not own: NovaNet does not take ports from foreign switches',
    });
    expect(destinationsFor(doc(), taken, graph)).toEqual([]);
  });

  it('refuses what cannot take ports, and interfaces on networks', () => {
    expect(checkDrop(doc(), iface, link('vx100'))).toEqual({
      ok: false,
      reason: 'VXLAN vx100 takes no ports: drop on a switch, a port group or a network',
    });
    expect(checkDrop(doc(), iface, node('net:default'))).toMatchObject({ ok: false, reason: /VM NICs only/ });
    expect(checkDrop(doc(), iface, node('vm:nntest-vm'))).toMatchObject({ ok: false });
  });

  it("refuses a switch's own uplink and the place the object already has", () => {
    const up = dragSourceOf(link('enp4s0'))!;
    expect(checkDrop(doc(), up, { ...link('br0'), label: 'br-new' })).toMatchObject({
      ok: false,
      reason: /uplink of br-new/,
    });
    const placed = placeIn(doc(), iface, { kind: 'switch', switch: 'br-two', portGroup: 'dmz' });
    const r = checkDrop(placed, iface, { ...link('br0'), label: 'br-two' });
    expect(r).toEqual({ ok: true, choices: [{ kind: 'switch', switch: 'br-two' }] });
  });

  it('moves a VM NIC to a network, and refuses the network it is already on per the spec', () => {
    expect(checkDrop(doc(), vnic, node('net:default'))).toEqual({
      ok: true,
      choices: [{ kind: 'network', network: 'default' }],
    });
    const moved = placeIn(doc(), vnic, { kind: 'network', network: 'default' });
    expect(checkDrop(moved, vnic, node('net:default'))).toMatchObject({ ok: false, reason: /already on default/ });
  });
});

describe('placeIn', () => {
  it('adds the interface as a port in the chosen group; the result validates and plans a master change', () => {
    const iface: DragSource = { kind: 'interface', name: 'free0' };
    const next = placeIn(doc(), iface, { kind: 'switch', switch: 'br-new', portGroup: 'servers' });
    expect(next.switches![0]!.ports).toEqual([{ name: 'free0', portGroup: 'servers' }]);
    expect(currentPlace(next, iface)).toEqual({ kind: 'switch', switch: 'br-new', portGroup: 'servers' });
    const spec = valid(next);
    expect(validateSpec(spec, state)).toEqual([]);
    const ops = makePlan(state, spec).steps.map((s) => s.op);
    expect(ops).toContainEqual({ op: 'link.set.master', name: 'free0', master: 'br-new' });
  });

  it('takes the interface out of every other switch and uplink list of the spec', () => {
    const moved = placeIn(
      doc(),
      { kind: 'interface', name: 'free1' },
      { kind: 'switch', switch: 'br-new', portGroup: 'lab' },
    );
    expect(moved.switches![1]!.ports).toEqual([]);
    expect(moved.switches![0]!.ports).toEqual([{ name: 'free1', portGroup: 'lab' }]);
    const up = placeIn(doc(), { kind: 'interface', name: 'enp4s0' }, { kind: 'switch', switch: 'br-two' });
    expect(up.switches![0]!.uplinks).toEqual([]);
    expect(up.switches![1]!.ports).toEqual([{ name: 'free1', portGroup: 'dmz' }, { name: 'enp4s0' }]);
    expect(validateSpec(valid(up), state)).toEqual([]);
  });

  it('re-groups a port in place, keeping its other settings; no group drops the key', () => {
    const d = doc();
    d.switches![0] = { ...d.switches![0]!, type: 'ovs', ports: [{ name: 'gw', internal: true, portGroup: 'lab' }] };
    const next = placeIn(d, { kind: 'interface', name: 'gw' }, { kind: 'switch', switch: 'br-new' });
    expect(next.switches![0]!.ports).toEqual([{ name: 'gw', internal: true }]);
    expect(d.switches![0]!.ports).toEqual([{ name: 'gw', internal: true, portGroup: 'lab' }]);
  });

  it('writes a VM NIC entry by MAC with its model; a move replaces the attachment, not the entry', () => {
    const vnic = dragSourceOf(node(VNIC))!;
    const onNet = placeIn(doc(), vnic, { kind: 'network', network: 'default' });
    expect(onNet.vms).toEqual([
      { name: 'nntest-vm', nics: [{ mac: '52:54:00:aa:bb:01', network: 'default', model: 'virtio' }] },
    ]);
    expect(attachmentIssues(onNet)).toEqual([]);
    const onSwitch = placeIn(onNet, vnic, { kind: 'switch', switch: 'br-new', portGroup: 'servers' });
    expect(onSwitch.vms).toEqual([
      {
        name: 'nntest-vm',
        nics: [{ mac: '52:54:00:aa:bb:01', switch: 'br-new', portGroup: 'servers', model: 'virtio' }],
      },
    ]);
    expect(attachmentIssues(onSwitch)).toEqual([]);
  });

  it('refuses to put an interface on a network', () => {
    expect(() => placeIn(doc(), { kind: 'interface', name: 'mv0' }, { kind: 'network', network: 'default' })).toThrow(
      /goes on a switch/,
    );
  });
});

describe('destinationsFor', () => {
  it("lists the spec's switches and groups for an interface, skipping the switch it is the uplink of", () => {
    expect(destinationsFor(doc(), { kind: 'interface', name: 'enp4s0' }, graph)).toEqual([
      { kind: 'switch', switch: 'br-two', portGroup: 'dmz' },
      { kind: 'switch', switch: 'br-two' },
    ]);
  });

  it("adds the host's libvirt networks for a VM NIC", () => {
    const list = destinationsFor(doc(), dragSourceOf(node(VNIC))!, graph);
    expect(list.filter((d) => d.kind === 'network')).toEqual([
      { kind: 'network', network: 'default' },
      { kind: 'network', network: 'nntest-net' },
    ]);
  });
});

describe('pending marks of a moved VM NIC', () => {
  it('marks the NIC the plan updates as changing, whatever the case of its MAC, and a detached one as removed', () => {
    // The steps the libvirt planner emits for a NIC moved to another network, checked against the step schema.
    const step = (index: number, op: unknown) =>
      stepSchema.parse({ index, op, inverse: [], description: 'test', object: 'vm nntest-vm', argv: ['virsh'] });
    const plan: Pick<Plan, 'steps' | 'target'> = {
      target: state.target,
      steps: [
        step(0, {
          op: 'virsh.dom.update',
          domain: 'nntest-vm',
          nic: { mac: '52:54:00:AA:BB:01', model: 'virtio', source: { network: 'default' } },
          live: true,
        }),
        step(1, { op: 'virsh.dom.detach', domain: 'nntest-vm', type: 'network', mac: '52:54:00:aa:bb:02', live: true }),
      ],
    };
    const marks = pendingMarks(plan, graph);
    expect(marks.get(VNIC)).toBe('change');
    expect(marks.get('vnic:nntest-vm:52:54:00:aa:bb:02')).toBe('remove');
  });
});
