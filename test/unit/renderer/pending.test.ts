/**
 * pendingGraph/pendingMarks on the recorded lab: real plans from the planner against the lab's HostState, real
 * graphs from buildGraph, so the ids the marks name are the ids the topology draws.
 */
import { describe, expect, it } from 'vitest';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import type { Operation, Plan } from '../../../shared/plan/operations';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan as makePlan } from '../../../shared/plan/planner';
import { exportSpec } from '../../../shared/plan/export';
import { buildGraph } from '../../../shared/topology/build-graph';
import { combineMarks, pendingGraph, pendingMarks } from '../../../renderer/src/changes/pending';
import { LAB, labState } from '../support/lab-state';

const id = (name: string) => `link:${LAB}:${name}`;

function spec(input: Partial<NetworkSpecInput> & { name?: string }): NetworkSpec {
  const { name = 'ws', ...rest } = input;
  const r = parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, ...rest });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

function planFor(state: HostState, s: NetworkSpec): Plan {
  expect(validateSpec(s, state)).toEqual([]);
  return makePlan(state, s);
}

const sorted = (m: Map<string, string>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

describe('combineMarks', () => {
  it.each([
    [undefined, 'add', 'add'],
    ['add', 'change', 'add'],
    ['change', 'add', 'add'],
    ['remove', 'change', 'remove'],
    ['change', 'remove', 'remove'],
    ['remove', 'add', 'change'],
    ['add', 'remove', 'change'],
    ['change', 'change', 'change'],
  ] as const)('%s then %s is %s', (prev, next, want) => {
    expect(combineMarks(prev, next)).toBe(want);
  });
});

describe('pendingGraph', () => {
  it('marks nothing for no plan or an empty one', () => {
    const graph = buildGraph(labState());
    expect(pendingMarks(null, graph).size).toBe(0);
    expect(pendingMarks({ steps: [], target: { netns: LAB } }, graph).size).toBe(0);
  });

  it('a new Linux switch is an addition drawn as a ghost; its uplink changes and gains a ghost membership', () => {
    const state = labState();
    const graph = buildGraph(state);
    const p = planFor(state, spec({ switches: [{ name: 'br-lan', uplinks: ['enp4s0'], addresses: ['10.9.0.1/24'] }] }));
    const g = pendingGraph(p, graph);
    expect(sorted(g.marks)).toEqual({ [id('br-lan')]: 'add', [id('enp4s0')]: 'change' });
    expect(g.ghostNodes).toEqual([expect.objectContaining({ id: id('br-lan'), kind: 'bridge', label: 'br-lan' })]);
    expect(g.ghostEdges).toEqual([
      { id: `member:${id('enp4s0')}->${id('br-lan')}`, source: id('enp4s0'), target: id('br-lan'), kind: 'member' },
    ]);
  });

  it('removing an owned switch marks it removed and its members changed, with no ghosts', () => {
    const state = labState();
    const br0 = state.links.find((l) => l.name === 'br0');
    if (!br0) throw new Error('lab lacks br0');
    br0.alias = 'novanet:ws';
    const graph = buildGraph(state);
    const g = pendingGraph(planFor(state, spec({})), graph);
    expect(g.marks.get(id('br0'))).toBe('remove');
    for (const m of ['enp3s0', 'vm1-eth0', 'vm2-eth0', 'vm3-eth0', 'vx100']) expect(g.marks.get(id(m))).toBe('change');
    expect(g.ghostNodes).toEqual([]);
    expect(g.ghostEdges).toEqual([]);
  });

  it('changed settings of an existing switch mark only that switch', () => {
    const state = labState();
    const br0 = state.links.find((l) => l.name === 'br0');
    if (!br0) throw new Error('lab lacks br0');
    br0.alias = 'novanet:ws';
    const doc = exportSpec(state, 'ws');
    const sw = doc.switches?.[0];
    if (!sw) throw new Error('export lost br0');
    sw.stp = { enabled: true, priority: 4096 };
    const p = planFor(state, spec({ switches: doc.switches }));
    expect(p.steps.length).toBeGreaterThan(0);
    expect(sorted(pendingMarks(p, buildGraph(state)))).toEqual({ [id('br0')]: 'change' });
  });

  it('OVS: a new internal port is a ghost on its bridge; a retagged port changes; a dropped port is removed', () => {
    const state = labState();
    // Only ports the spec owns are ever removed.
    const vm5 = state.ovsBridges[0]?.ports.find((x) => x.name === 'vm5-eth0');
    if (vm5) vm5.externalIds['novanet-owner'] = 'lab';
    const doc = exportSpec(state, 'lab');
    const sw = doc.switches?.find((s) => s.name === 'ovsbr0');
    if (!sw?.ports || !sw.portGroups) throw new Error('export lost ovsbr0');
    sw.portGroups.push({ name: 'v30', vlan: 30 });
    sw.ports = sw.ports
      .filter((x) => x.name !== 'vm5-eth0')
      .map((x) => (x.name === 'vm4-eth0' ? { ...x, portGroup: 'v30' } : x));
    sw.ports.push({ name: 'gw2', internal: true, portGroup: 'v30' });
    const g = pendingGraph(planFor(state, spec({ name: 'lab', switches: doc.switches })), buildGraph(state));
    expect(sorted(g.marks)).toEqual({
      'ovs:ovsbr0': 'change',
      // The lab leaves this internal port down; the spec brings it up.
      'ovsport:ovsbr0:enp4s0-trunk': 'change',
      'ovsport:ovsbr0:gw2': 'add',
      'ovsport:ovsbr0:vm4-eth0': 'change',
      'ovsport:ovsbr0:vm5-eth0': 'remove',
    });
    expect(g.ghostNodes.map((n) => [n.id, n.kind])).toEqual([['ovsport:ovsbr0:gw2', 'ovs-internal']]);
    expect(g.ghostEdges.map((e) => e.id)).toEqual(['member:ovsport:ovsbr0:gw2->ovs:ovsbr0']);
  });

  it('a new OVS bridge draws its own device as the bridge node, and a NIC that becomes its port leaves its old node', () => {
    const state = labState();
    const p = planFor(
      state,
      spec({ switches: [{ name: 'ovs-new', type: 'ovs', uplinks: ['enp4s0'], addresses: ['10.8.0.1/24'] }] }),
    );
    // `ip link set ovs-new up` and the address go to the OVS bridge node, never to a stray link:... id.
    expect(p.steps.some((s) => s.op.op === 'link.set.state' && s.op.name === 'ovs-new')).toBe(true);
    const g = pendingGraph(p, buildGraph(state));
    expect(sorted(g.marks)).toEqual({
      'ovs:ovs-new': 'add',
      'ovsport:ovs-new:enp4s0': 'add',
      [id('enp4s0')]: 'change',
    });
    expect(g.ghostNodes.map((n) => n.id).sort()).toEqual(['ovs:ovs-new', 'ovsport:ovs-new:enp4s0']);
  });

  it('drift: the last committed spec planned against a host someone changed marks what would be restored', () => {
    const committed = exportSpec(labState(), 'lab');
    const drifted = labState();
    const ovs = drifted.ovsBridges[0];
    if (!ovs) throw new Error('lab lacks ovsbr0');
    ovs.ports = ovs.ports.filter((x) => x.name !== 'vm4-eth0');
    const vm4 = drifted.links.find((l) => l.name === 'vm4-eth0');
    if (vm4) delete vm4.master;
    const graph = buildGraph(drifted);
    const g = pendingGraph(planFor(drifted, spec({ name: 'lab', switches: committed.switches })), graph);
    expect(g.marks.get('ovsport:ovsbr0:vm4-eth0')).toBe('add');
    expect(g.marks.get(id('vm4-eth0'))).toBe('change');
    expect(g.marks.get('ovs:ovsbr0')).toBe('change');
  });

  it('a link deleted and created again (a replaced overlay) reads as a change, and unknown nodes are not marked', () => {
    const state = labState();
    const graph = buildGraph(state);
    const step = (index: number, op: Operation) => ({
      index,
      op,
      inverse: [],
      description: op.op,
      object: 'overlay vx100',
      argv: [],
    });
    const p = {
      target: { netns: LAB },
      steps: [
        step(0, { op: 'link.set.master', name: 'vx100', master: null }),
        step(1, { op: 'link.del', name: 'vx100' }),
        step(2, { op: 'link.add.vxlan', name: 'vx100', vni: 200, dstPort: 4789 }),
        step(3, { op: 'link.set.state', name: 'nowhere0', up: true }),
      ],
    };
    expect(sorted(pendingMarks(p, graph))).toEqual({ [id('vx100')]: 'change', [id('br0')]: 'change' });
  });
});
