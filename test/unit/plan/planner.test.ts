/**
 * The planner on hand-made host states: the exact steps (operation, inverse, argv) for a new Linux switch, OVS
 * switch, VLAN and overlay; minimal diffs; deletes of owned objects only; and re-planning a large applied spec
 * within the 100 ms budget. Applying is simulated by sim.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import type { Operation, Plan } from '../../../shared/plan/operations';
import { applyOps, applyPlan, canonicalState, hostState, link, ovsBridge, ovsPort, undoSteps, veth, withLinuxBridge } from './sim';

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
function spec(parts: Partial<Pick<NetworkSpecInput, 'switches' | 'vlans' | 'overlays' | 'bonds'>>, name = 'ws'): NetworkSpec {
  const r = parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, ...parts });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

const TARGET = { netns: 'sim', ovsDb: 'unix:/run/sim/db.sock' };

/** NICs (up), VM taps (down), a foreign Linux bridge with a port, a foreign OVS bridge with a port. */
function host(): HostState {
  let s = hostState({
    target: TARGET,
    links: [veth('enp3s0', { adminUp: true }), veth('enp4s0', { adminUp: true }), ...[1, 2, 3, 4].map((i) => veth(`vm${i}-eth0`)), veth('f0', { adminUp: true }), veth('fp0', { master: 'ovs-ext' }), link('ovs-ext', 'ovs-bridge', { adminUp: true })],
    ovsBridges: [ovsBridge('ovs-ext', { ports: [ovsPort('fp0', { tag: 5 }), ovsPort('ovs-ext', { type: 'internal' })] })],
  });
  s = withLinuxBridge(s, 'br-foreign', { ports: ['f0'] });
  return s;
}

const ops = (p: Plan) => p.steps.map((s) => s.op);
const check = (s: NetworkSpec, state: HostState) => expect(validateSpec(s, state)).toEqual([]);

/** Plans, applies on the simulated host, and checks that re-planning gives nothing. Returns the new state. */
function applyAndReplan(state: HostState, s: NetworkSpec): HostState {
  check(s, state);
  const after = applyPlan(state, plan(state, s));
  expect(plan(after, s).steps.map((x) => x.description)).toEqual([]);
  return after;
}

const brLan: Sw = {
  name: 'br-lan',
  uplinks: ['enp3s0'],
  ports: [{ name: 'vm1-eth0' }],
  addresses: ['10.10.0.1/24'],
  mtu: 9000,
  stp: { enabled: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 },
};
const ovsDmz: Sw = {
  name: 'ovs-dmz',
  type: 'ovs',
  uplinks: ['enp4s0'],
  failMode: 'secure',
  controller: { target: 'tcp:127.0.0.1:6653', protocols: ['OpenFlow13'] },
  portGroups: [
    { name: 'dmz', vlan: 30 },
    { name: 'trunk', trunk: [10, 20, '30-32'] },
  ],
  ports: [
    { name: 'dmz-gw', portGroup: 'dmz', internal: true },
    { name: 'vm2-eth0', portGroup: 'dmz' },
    { name: 'vm3-eth0', portGroup: 'trunk' },
  ],
  addresses: ['10.30.0.1/24'],
};

describe('a new Linux switch', () => {
  const s = spec({ switches: [brLan] });
  const p = plan(host(), s);

  it('creates the bridge with its STP settings, marks it, brings it up, enslaves members, adds the address', () => {
    expect(p.steps.map((x) => [x.op, x.inverse])).toEqual([
      [{ op: 'link.add.bridge', name: 'br-lan', mtu: 9000, stpState: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 }, [{ op: 'link.del', name: 'br-lan' }]],
      [{ op: 'link.set.alias', name: 'br-lan', alias: 'novanet:ws' }, []],
      [{ op: 'link.set.state', name: 'br-lan', up: true }, [{ op: 'link.set.state', name: 'br-lan', up: false }]],
      [{ op: 'link.set.master', name: 'enp3s0', master: 'br-lan' }, [{ op: 'link.set.master', name: 'enp3s0', master: null }]],
      [{ op: 'link.set.master', name: 'vm1-eth0', master: 'br-lan' }, [{ op: 'link.set.master', name: 'vm1-eth0', master: null }]],
      [{ op: 'link.set.state', name: 'vm1-eth0', up: true }, [{ op: 'link.set.state', name: 'vm1-eth0', up: false }]],
      [{ op: 'addr.add', dev: 'br-lan', cidr: '10.10.0.1/24' }, [{ op: 'addr.del', dev: 'br-lan', cidr: '10.10.0.1/24' }]],
    ]);
    expect(p.steps.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(p).toMatchObject({ apiVersion: 'novanet/v1', spec: 'ws', target: TARGET, warnings: [] });
  });

  it('each step carries the exact argv (kernel centiseconds for STP timers) and one line for people', () => {
    expect(p.steps[0]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'add', 'br-lan', 'mtu', '9000', 'type', 'bridge', 'stp_state', '1', 'priority', '4096', 'forward_delay', '400', 'hello_time', '200', 'max_age', '2000']);
    expect(p.steps[1]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'set', 'dev', 'br-lan', 'alias', 'novanet:ws']);
    expect(p.steps[3]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'set', 'dev', 'enp3s0', 'master', 'br-lan']);
    expect(p.steps[6]?.argv).toEqual(['ip', '-n', 'sim', 'addr', 'add', '10.10.0.1/24', 'dev', 'br-lan']);
    expect(p.steps.map((x) => x.description)).toEqual(['Create Linux bridge br-lan with STP', 'Mark br-lan as owned by ws', 'Bring br-lan up', 'Add enp3s0 to br-lan', 'Add vm1-eth0 to br-lan', 'Bring vm1-eth0 up', 'Add address 10.10.0.1/24 to br-lan']);
    expect(new Set(p.steps.map((x) => x.object))).toEqual(new Set(['switch br-lan']));
  });

  it('applied, it re-plans to nothing', () => {
    applyAndReplan(host(), s);
  });
});

describe('a new OVS switch', () => {
  const s = spec({ switches: [ovsDmz] });

  it('one transaction worth of OVS operations, then the kernel side (internal port and bridge up, address)', () => {
    const p = plan(host(), s);
    expect(ops(p)).toEqual([
      { op: 'ovs.br.add', name: 'ovs-dmz', datapath: 'netdev', owner: 'ws', failMode: 'secure' },
      { op: 'ovs.br.set', name: 'ovs-dmz', controller: 'tcp:127.0.0.1:6653', protocols: ['OpenFlow13'] },
      { op: 'ovs.port.add', bridge: 'ovs-dmz', name: 'enp4s0', owner: 'ws' },
      { op: 'ovs.port.add', bridge: 'ovs-dmz', name: 'dmz-gw', owner: 'ws', tag: 30, internal: true },
      { op: 'ovs.port.add', bridge: 'ovs-dmz', name: 'vm2-eth0', owner: 'ws', tag: 30 },
      { op: 'ovs.port.add', bridge: 'ovs-dmz', name: 'vm3-eth0', owner: 'ws', trunks: [10, 20, 30, 31, 32] },
      { op: 'link.set.state', name: 'dmz-gw', up: true },
      { op: 'link.set.state', name: 'vm2-eth0', up: true },
      { op: 'link.set.state', name: 'vm3-eth0', up: true },
      { op: 'link.set.state', name: 'ovs-dmz', up: true },
      { op: 'addr.add', dev: 'ovs-dmz', cidr: '10.30.0.1/24' },
    ]);
    expect(p.steps[0]?.inverse).toEqual([{ op: 'ovs.br.del', name: 'ovs-dmz' }]);
    expect(p.steps[3]?.inverse).toEqual([{ op: 'ovs.port.del', bridge: 'ovs-dmz', name: 'dmz-gw' }]);
    expect(p.steps[0]?.argv).toEqual(['ovs-vsctl', '--db=unix:/run/sim/db.sock', 'add-br', 'ovs-dmz', '--', 'set', 'bridge', 'ovs-dmz', 'datapath_type=netdev', 'external_ids:novanet-owner=ws', 'fail_mode=secure']);
    expect(p.steps[1]?.argv).toEqual(['ovs-vsctl', '--db=unix:/run/sim/db.sock', 'set', 'bridge', 'ovs-dmz', 'protocols=OpenFlow13', '--', 'set-controller', 'ovs-dmz', 'tcp:127.0.0.1:6653']);
    expect(p.steps[5]?.argv).toEqual(['ovs-vsctl', '--db=unix:/run/sim/db.sock', 'add-port', 'ovs-dmz', 'vm3-eth0', 'trunks=10,20,30,31,32', '--', 'set', 'port', 'vm3-eth0', 'external_ids:novanet-owner=ws']);
  });

  it('datapath: auto is the kernel datapath where the kernel has it; netdev and system are taken as written', () => {
    expect(plan(host(), s, { ovsKernelDatapath: true }).steps[0]?.op).toMatchObject({ op: 'ovs.br.add', datapath: 'system' });
    expect(plan(host(), spec({ switches: [{ ...ovsDmz, datapath: 'netdev' }] }), { ovsKernelDatapath: true }).steps[0]?.op).toMatchObject({ datapath: 'netdev' });
    expect(plan(host(), spec({ switches: [{ ...ovsDmz, datapath: 'system' }] })).steps[0]?.op).toMatchObject({ datapath: 'system' });
  });

  it('applied, it re-plans to nothing', () => {
    applyAndReplan(host(), s);
  });
});

describe('a new VLAN and a new overlay', () => {
  it('VLAN: create on its parent, mark, bring up', () => {
    const p = plan(host(), spec({ vlans: [{ name: 'vlan100', parent: 'enp3s0', id: 100 }] }));
    expect(ops(p)).toEqual([
      { op: 'link.add.vlan', name: 'vlan100', parent: 'enp3s0', id: 100 },
      { op: 'link.set.alias', name: 'vlan100', alias: 'novanet:ws' },
      { op: 'link.set.state', name: 'vlan100', up: true },
    ]);
    expect(p.steps[0]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'add', 'link', 'enp3s0', 'name', 'vlan100', 'type', 'vlan', 'id', '100']);
    applyAndReplan(host(), spec({ vlans: [{ name: 'vlan100', parent: 'enp3s0', id: 100 }] }));
  });

  it('VXLAN attached to a Linux switch: create (default port 4789), mark, up, attach after the switch exists', () => {
    const s = spec({ switches: [{ name: 'br-t1' }], overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 10001, local: '192.0.2.10', remote: '192.0.2.20', switch: 'br-t1' }] });
    const p = plan(host(), s);
    const vx = p.steps.filter((x) => x.object === 'overlay vx-t1');
    expect(vx.map((x) => x.op)).toEqual([
      { op: 'link.add.vxlan', name: 'vx-t1', vni: 10001, dstPort: 4789, local: '192.0.2.10', remote: '192.0.2.20' },
      { op: 'link.set.alias', name: 'vx-t1', alias: 'novanet:ws' },
      { op: 'link.set.state', name: 'vx-t1', up: true },
      { op: 'link.set.master', name: 'vx-t1', master: 'br-t1' },
    ]);
    expect(vx[0]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'add', 'vx-t1', 'type', 'vxlan', 'id', '10001', 'local', '192.0.2.10', 'remote', '192.0.2.20', 'dstport', '4789']);
    const createBridge = p.steps.findIndex((x) => x.op.op === 'link.add.bridge');
    expect(createBridge).toBeLessThan(p.steps.indexOf(vx[3]!));
    applyAndReplan(host(), s);
  });

  it('VXLAN attached to an OVS switch becomes an OVS port', () => {
    const s = spec({ switches: [{ name: 'ovs-t', type: 'ovs' }], overlays: [{ name: 'vx-t2', type: 'vxlan', vni: 7, remote: '192.0.2.20', switch: 'ovs-t' }] });
    const p = plan(host(), s);
    expect(ops(p)).toContainEqual({ op: 'ovs.port.add', bridge: 'ovs-t', name: 'vx-t2', owner: 'ws' });
    expect(ops(p).some((o) => o.op === 'link.set.master' && o.name === 'vx-t2')).toBe(false);
    applyAndReplan(host(), s);
  });

  it('changing the VNI of an owned overlay re-creates it (delete, create, mark, up, attach)', () => {
    const v1 = spec({ switches: [{ name: 'br-t1' }], overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 1, remote: '192.0.2.20', switch: 'br-t1' }] });
    const applied = applyAndReplan(host(), v1);
    const v2 = spec({ switches: [{ name: 'br-t1' }], overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 2, remote: '192.0.2.20', switch: 'br-t1' }] });
    const p = plan(applied, v2);
    // Released first; the release's inverse re-enslaves it after the re-creation has run (undo goes in reverse).
    expect(p.steps.map((x) => [x.op, x.inverse])).toEqual([
      [{ op: 'link.set.master', name: 'vx-t1', master: null }, [{ op: 'link.set.master', name: 'vx-t1', master: 'br-t1' }]],
      [
        { op: 'link.del', name: 'vx-t1' },
        [
          { op: 'link.add.vxlan', name: 'vx-t1', vni: 1, remote: '192.0.2.20', dstPort: 4789 },
          { op: 'link.set.mtu', name: 'vx-t1', mtu: 1500 },
          { op: 'link.set.alias', name: 'vx-t1', alias: 'novanet:ws' },
          { op: 'link.set.state', name: 'vx-t1', up: true },
        ],
      ],
      [{ op: 'link.add.vxlan', name: 'vx-t1', vni: 2, remote: '192.0.2.20', dstPort: 4789 }, [{ op: 'link.del', name: 'vx-t1' }]],
      [{ op: 'link.set.alias', name: 'vx-t1', alias: 'novanet:ws' }, []],
      [{ op: 'link.set.state', name: 'vx-t1', up: true }, [{ op: 'link.set.state', name: 'vx-t1', up: false }]],
      [{ op: 'link.set.master', name: 'vx-t1', master: 'br-t1' }, [{ op: 'link.set.master', name: 'vx-t1', master: null }]],
    ]);
    applyAndReplan(applied, v2);
  });
});

describe('minimal diffs', () => {
  const applied = () => applyAndReplan(host(), spec({ switches: [brLan, ovsDmz] }));

  it('changing the STP priority gives exactly one bridge.set, with the old value as its inverse', () => {
    const p = plan(applied(), spec({ switches: [{ ...brLan, stp: { ...brLan.stp!, priority: 8192 } }, ovsDmz] }));
    expect(p.steps.map((x) => [x.op, x.inverse])).toEqual([[{ op: 'bridge.set', name: 'br-lan', priority: 8192 }, [{ op: 'bridge.set', name: 'br-lan', priority: 4096 }]]]);
    expect(p.steps[0]?.argv).toEqual(['ip', '-n', 'sim', 'link', 'set', 'dev', 'br-lan', 'type', 'bridge', 'priority', '8192']);
  });

  it('MTU, one address swapped, one port moved to another group, the controller dropped: one step each', () => {
    const p = plan(
      applied(),
      spec({
        switches: [
          { ...brLan, mtu: 1500, addresses: ['10.10.0.2/24'] },
          { ...ovsDmz, controller: undefined, ports: [ovsDmz.ports![0]!, { name: 'vm2-eth0', portGroup: 'trunk' }, ovsDmz.ports![2]!] },
        ],
      }),
    );
    expect(p.steps.map((x) => [x.op, x.inverse])).toEqual(
      expect.arrayContaining([
        [{ op: 'link.set.mtu', name: 'br-lan', mtu: 1500 }, [{ op: 'link.set.mtu', name: 'br-lan', mtu: 9000 }]],
        [{ op: 'addr.add', dev: 'br-lan', cidr: '10.10.0.2/24' }, [{ op: 'addr.del', dev: 'br-lan', cidr: '10.10.0.2/24' }]],
        [{ op: 'addr.del', dev: 'br-lan', cidr: '10.10.0.1/24' }, [{ op: 'addr.add', dev: 'br-lan', cidr: '10.10.0.1/24' }]],
        [{ op: 'ovs.port.set', name: 'vm2-eth0', tag: null, trunks: [10, 20, 30, 31, 32] }, [{ op: 'ovs.port.set', name: 'vm2-eth0', tag: 30, trunks: null }]],
        [{ op: 'ovs.br.set', name: 'ovs-dmz', controller: null }, [{ op: 'ovs.br.set', name: 'ovs-dmz', controller: 'tcp:127.0.0.1:6653' }]],
      ]),
    );
    expect(p.steps).toHaveLength(5);
  });

  it('a member left out of the spec is taken out of the bridge, and put back by the inverse', () => {
    const p = plan(applied(), spec({ switches: [{ ...brLan, ports: [] }, ovsDmz] }));
    expect(p.steps.map((x) => [x.op, x.inverse])).toEqual([[{ op: 'link.set.master', name: 'vm1-eth0', master: null }, [{ op: 'link.set.master', name: 'vm1-eth0', master: 'br-lan' }]]]);
  });

  it('settings the spec does not mention are left as they are', () => {
    let s = applied();
    s = applyOps(s, [{ op: 'bridge.set', name: 'br-lan', ageingTime: 30, multicastSnooping: false }]);
    expect(plan(s, spec({ switches: [brLan, ovsDmz] })).steps).toEqual([]);
  });
});

describe('deletes only what the spec owns', () => {
  /** Our spec applied, another spec's objects, and the foreign ones from host(). */
  function crowded(): HostState {
    let s = host();
    s.links.push(veth('o1'), veth('o2'));
    s = applyPlan(s, plan(s, spec({ switches: [{ name: 'br-other', ports: [{ name: 'o1' }], addresses: ['10.99.0.1/24'] }, { name: 'ovs-other', type: 'ovs', ports: [{ name: 'o2' }, { name: 'oi', internal: true }] }] }, 'other')));
    return applyAndReplan(s, spec({ switches: [brLan, ovsDmz], vlans: [{ name: 'vlan100', parent: 'enp3s0', id: 100 }], overlays: [{ name: 'vx-t1', type: 'vxlan', vni: 5, switch: 'br-lan' }] }));
  }
  const FOREIGN_OR_OTHER = ['br-foreign', 'f0', 'ovs-ext', 'fp0', 'br-other', 'o1', 'ovs-other', 'o2', 'oi'];
  const names = (op: Operation) => Object.entries(op).filter(([k, v]) => ['name', 'dev', 'bridge', 'master'].includes(k) && typeof v === 'string').map(([, v]) => v as string);

  it('an empty spec removes exactly our objects, members first, and never names a foreign or other-spec object', () => {
    const before = crowded();
    const p = plan(before, spec({}));
    for (const st of p.steps) for (const op of [st.op, ...st.inverse]) for (const n of names(op)) expect(FOREIGN_OR_OTHER, st.description).not.toContain(n);
    const dels = ops(p).filter((o) => o.op === 'link.del' || o.op === 'ovs.br.del').map((o) => (o as { name: string }).name);
    expect(dels.sort()).toEqual(['br-lan', 'ovs-dmz', 'vlan100', 'vx-t1']);
    const release = p.steps.findIndex((x) => x.op.op === 'link.set.master' && x.op.name === 'enp3s0');
    const delBr = p.steps.findIndex((x) => x.op.op === 'link.del' && x.op.name === 'br-lan');
    expect(release).toBeGreaterThanOrEqual(0);
    expect(release).toBeLessThan(delBr);
    const after = applyPlan(before, p);
    const keep = (st: HostState) => {
      const c = canonicalState(st);
      return { links: c.links.filter((l) => FOREIGN_OR_OTHER.includes(l.name)), bridges: c.bridges.filter((b) => FOREIGN_OR_OTHER.includes(b.name)), ovs: c.ovs.filter((b) => FOREIGN_OR_OTHER.includes(b.name)) };
    };
    expect(keep(after)).toEqual(keep(before));
    expect(after.links.filter((l) => l.alias === 'novanet:ws')).toEqual([]);
    expect(plan(after, spec({})).steps).toEqual([]);
  });

  it('the removal undoes exactly, step by step', () => {
    const before = crowded();
    const p = plan(before, spec({}));
    let st = before;
    for (let k = 0; k <= p.steps.length; k++) {
      expect(canonicalState(undoSteps(st, p.steps.slice(0, k))), `after ${k}`).toEqual(canonicalState(before));
      if (k < p.steps.length) st = applyOps(st, [p.steps[k]!.op]);
    }
  });

  it('the deleted bridge comes back with its settings: the inverse re-creates it as observed', () => {
    const p = plan(crowded(), spec({}));
    const del = p.steps.find((x) => x.op.op === 'link.del' && x.op.name === 'br-lan')!;
    expect(del.inverse[0]).toMatchObject({ op: 'link.add.bridge', name: 'br-lan', mtu: 9000, stpState: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 });
    expect(del.inverse.slice(1)).toEqual([
      { op: 'link.set.alias', name: 'br-lan', alias: 'novanet:ws' },
      { op: 'link.set.state', name: 'br-lan', up: true },
    ]);
  });

  it('an empty spec on a host with nothing of ours plans nothing', () => {
    expect(plan(host(), spec({})).steps).toEqual([]);
    expect(plan(host(), spec({}, 'other')).steps).toEqual([]);
  });

  it("another spec's bridge of the same name is not ours to change (validation refuses; ownership is per spec)", () => {
    const s = crowded();
    expect(validateSpec(spec({ switches: [{ name: 'br-other' }] }), s)).toEqual([{ path: 'switches[0].name', message: 'br-other already exists on the host and belongs to spec other' }]);
    // Removing "other" touches only other's objects.
    const p = plan(s, spec({}, 'other'));
    for (const st of p.steps) for (const n of names(st.op)) expect(['br-other', 'o1', 'ovs-other', 'o2', 'oi']).toContain(n);
  });
});

describe('bugs found by the property tests (each would break a rollback or idempotence)', () => {
  it('re-creating a deleted non-filtering bridge does not ask for vlan_filtering 0 (EOPNOTSUPP on kernels without the feature)', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'br-x', stp: { enabled: true } }] }));
    const del = plan(applied, spec({})).steps.find((x) => x.op.op === 'link.del')!;
    expect(del.inverse[0]).toMatchObject({ op: 'link.add.bridge', name: 'br-x' });
    expect(del.inverse[0]).not.toHaveProperty('vlanFiltering', false);
  });

  it('re-creating a deleted overlay that was an OVS port does not `ip link set master` it to the OVS bridge', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'ovs-t', type: 'ovs' }], overlays: [{ name: 'vx-t2', type: 'vxlan', vni: 7, switch: 'ovs-t' }] }));
    const p = plan(applied, spec({}));
    for (const st of p.steps) for (const op of st.inverse) expect(op.op === 'link.set.master' && op.master === 'ovs-t', JSON.stringify(op)).toBe(false);
    expect(canonicalState(undoSteps(applyPlan(applied, p), p.steps))).toEqual(canonicalState(applied));
  });

  it('an internal port moved to another OVS switch is brought up again (the device is re-created down)', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'ovs-a', type: 'ovs', ports: [{ name: 'gw', internal: true }] }] }));
    expect(applied.links.find((l) => l.name === 'gw')?.adminUp).toBe(true);
    applyAndReplan(applied, spec({ switches: [{ name: 'ovs-a', type: 'ovs' }, { name: 'ovs-b', type: 'ovs', ports: [{ name: 'gw', internal: true }] }] }));
  });

  it('an existing interface added to an OVS switch is brought up, as on a Linux switch', () => {
    const s = spec({ switches: [{ name: 'ovs-a', type: 'ovs', uplinks: ['enp4s0'], ports: [{ name: 'vm1-eth0' }] }] });
    const p = plan(host(), s);
    expect(p.steps.find((x) => x.op.op === 'link.set.state' && x.op.name === 'vm1-eth0')).toMatchObject({ inverse: [{ op: 'link.set.state', name: 'vm1-eth0', up: false }] });
    expect(p.steps.some((x) => x.op.op === 'link.set.state' && x.op.name === 'enp4s0')).toBe(false);
    const after = applyAndReplan(host(), s);
    expect(after.links.find((l) => l.name === 'vm1-eth0')?.adminUp).toBe(true);
  });

  it('a port moved out of a bridge that the same plan deletes: the inverse of re-enslaving is "nomaster" (the old master is gone then)', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'br-old', ports: [{ name: 'vm1-eth0' }] }] }));
    const s = spec({ switches: [{ name: 'br-new', ports: [{ name: 'vm1-eth0' }] }] });
    const p = plan(applied, s);
    let st = applied;
    for (let k = 0; k <= p.steps.length; k++) {
      expect(canonicalState(undoSteps(st, p.steps.slice(0, k))), `after ${k}: ${p.steps[k - 1]?.description}`).toEqual(canonicalState(applied));
      if (k < p.steps.length) st = applyOps(st, [p.steps[k]!.op]);
    }
  });

  it('a switch that changes type from ovs to linux is re-created as a Linux bridge', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'sw0', type: 'ovs', ports: [{ name: 'vm1-eth0' }] }] }));
    const after = applyAndReplan(applied, spec({ switches: [{ name: 'sw0', type: 'linux', ports: [{ name: 'vm1-eth0' }], stp: { enabled: true } }] }));
    expect(after.bridges.find((b) => b.name === 'sw0')?.stp.enabled).toBe(true);
    expect(after.ovsBridges.some((b) => b.name === 'sw0')).toBe(false);
  });

  it('removing an OVS switch with an address: the rollback puts the address back and the device up', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'ovs-a', type: 'ovs', addresses: ['10.5.0.1/24'], ports: [{ name: 'gw', internal: true }] }] }));
    const p = plan(applied, spec({}));
    expect(canonicalState(undoSteps(applyPlan(applied, p), p.steps))).toEqual(canonicalState(applied));
  });

  it('a bond that is a switch uplink and is re-created (mode changed) is put back into the switch', () => {
    const applied = applyAndReplan(host(), spec({ bonds: [{ name: 'bd0', mode: 'balance-rr', members: ['vm1-eth0'] }], switches: [{ name: 'br-b', uplinks: ['bd0'] }] }));
    const after = applyAndReplan(applied, spec({ bonds: [{ name: 'bd0', mode: 'active-backup', members: ['vm1-eth0'] }], switches: [{ name: 'br-b', uplinks: ['bd0'] }] }));
    expect(after.links.find((l) => l.name === 'bd0')).toMatchObject({ master: 'br-b', attributes: { 'bond.mode': 'active-backup' } });
  });

  it('moving a port to another VLAN on a filtering bridge: undoing the new PVID gives the old VLAN its PVID back', () => {
    const v10 = spec({ switches: [{ name: 'br-v', vlanFiltering: true, portGroups: [{ name: 'a', vlan: 10 }, { name: 'b', vlan: 20 }], ports: [{ name: 'vm1-eth0', portGroup: 'a' }] }] });
    const applied = applyAndReplan(host(), v10);
    const v20 = spec({ switches: [{ name: 'br-v', vlanFiltering: true, portGroups: [{ name: 'a', vlan: 10 }, { name: 'b', vlan: 20 }], ports: [{ name: 'vm1-eth0', portGroup: 'b' }] }] });
    const p = plan(applied, v20);
    expect(p.steps[0]?.op).toEqual({ op: 'bridge.vlan.add', dev: 'vm1-eth0', vid: 20, pvid: true, untagged: true });
    expect(p.steps[0]?.inverse).toEqual([
      { op: 'bridge.vlan.del', dev: 'vm1-eth0', vid: 20 },
      { op: 'bridge.vlan.add', dev: 'vm1-eth0', vid: 10, pvid: true, untagged: true },
    ]);
    expect(canonicalState(undoSteps(applyOps(applied, [p.steps[0]!.op]), p.steps.slice(0, 1)))).toEqual(canonicalState(applied));
    applyAndReplan(applied, v20);
  });

  // Not fixed: bonds arrived while these tests were written (a3f7fcb); this kernel has no bonding to check it on.
  it('removing a bond: the rollback takes its (up) members down before re-enslaving them, as the kernel requires', () => {
    const applied = applyAndReplan(host(), spec({ bonds: [{ name: 'bd0', members: ['vm1-eth0'] }] }));
    const p = plan(applied, spec({}));
    expect(canonicalState(undoSteps(applyPlan(applied, p), p.steps))).toEqual(canonicalState(applied));
  });

  it('a port released from a VLAN-filtering bridge gets its VLANs back on rollback, not just VLAN 1', () => {
    const applied = applyAndReplan(host(), spec({ switches: [{ name: 'br-v', vlanFiltering: true, portGroups: [{ name: 'g', vlan: 30 }], ports: [{ name: 'vm1-eth0', portGroup: 'g' }] }] }));
    const p = plan(applied, spec({}));
    expect(canonicalState(undoSteps(applyPlan(applied, p), p.steps))).toEqual(canonicalState(applied));
  });
});

describe('scale: re-planning an applied spec of 200 Linux bridges (2 veth ports each) and 50 OVS bridges (4 ports each)', () => {
  it('plans nothing, quickly (the 100 ms target is benchmarked)', () => {
    const links = [];
    for (let i = 0; i < 200; i++) links.push(veth(`lb${i}a`, { adminUp: true }), veth(`lb${i}b`, { adminUp: true }), veth(`lp${i}a`), veth(`lp${i}b`));
    for (let i = 0; i < 50; i++) for (let j = 0; j < 4; j++) links.push(veth(`op${i}p${j}`, { adminUp: true }), veth(`oq${i}p${j}`));
    const start = hostState({ target: TARGET, links });
    const s = spec({
      switches: [
        ...Array.from({ length: 200 }, (_, i): Sw => ({ name: `nnb${i}`, stp: { enabled: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 }, ports: [{ name: `lb${i}a` }, { name: `lb${i}b` }] })),
        ...Array.from({ length: 50 }, (_, i): Sw => ({ name: `nno${i}`, type: 'ovs', datapath: 'netdev', portGroups: [{ name: 'a', vlan: 10 }, { name: 't', trunk: [10, 20] }], ports: [0, 1, 2, 3].map((j) => ({ name: `op${i}p${j}`, portGroup: j < 2 ? 'a' : 't' })) })),
      ],
    });
    const first = plan(start, s);
    expect(first.steps.length).toBeGreaterThan(1000);
    const applied = applyPlan(start, first);
    plan(applied, s); // warm-up (JIT)
    const times: number[] = [];
    let steps = -1;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      steps = plan(applied, s).steps.length;
      times.push(performance.now() - t0);
    }
    const median = [...times].sort((a, b) => a - b)[2]!;
    console.log(`replan of 200 Linux + 50 OVS bridges (${applied.links.length} links, ${first.steps.length} steps when new): median ${median.toFixed(1)} ms (runs ${times.map((t) => t.toFixed(1)).join(', ')} ms)`);
    expect(steps).toBe(0);
    // The target (< 100 ms) is measured by test/bench/apply.bench.ts on a quiet machine; here, with suites
    // running beside it on 2 cores, only a regression by an order of magnitude fails.
    expect(median).toBeLessThan(1000);
  });
});
