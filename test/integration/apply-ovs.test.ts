/**
 * Open vSwitch applied for real, in a namespace with its own OVS instance (userspace datapath): access (tag) and
 * trunk ports, internal ports, controller and OpenFlow versions, checked with ovs-vsctl; VLAN isolation proven with
 * traffic between namespaces; a foreign OVS bridge and another spec's bridge left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/model/target';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { applyRequest, canonical, OVS_TOOLS, pingFrom, planSpec, replanSteps, runHelper, Sandbox, snapshot } from '../support/apply-harness';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('apply: Open vSwitch (integration)', { root: true, tools: ['ip', 'ping', ...OVS_TOOLS], files: [{ path: '/usr/share/openvswitch/vswitch.ovsschema', pkg: 'openvswitch-switch' }] });

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
const specOf = (name: string, switches: Sw[]): NetworkSpecInput => ({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, switches });

describe.skipIf(skip)('apply: OVS switches with access/trunk/internal ports and a controller', () => {
  let sb: Sandbox;
  let ns: string;
  let h: [string, string, string, string];
  let target: Target;

  /** VLAN 10: two access ports and an internal port; VLAN 20: one access port; a trunk carrying 10 and 20. */
  const ovsVl: Sw = {
    name: 'ovs-vl',
    type: 'ovs',
    datapath: 'netdev',
    portGroups: [
      { name: 'blue', vlan: 10 },
      { name: 'red', vlan: 20 },
      { name: 'trunk', trunk: [10, 20] },
    ],
    ports: [
      { name: 'a10', portGroup: 'blue' },
      { name: 'b10', portGroup: 'blue' },
      { name: 'c20', portGroup: 'red' },
      { name: 'tr0', portGroup: 'trunk' },
      { name: 'gw10', portGroup: 'blue', internal: true },
    ],
  };
  const ovsCtl: Sw = { name: 'ovs-ctl', type: 'ovs', datapath: 'netdev', failMode: 'secure', controller: { target: 'tcp:127.0.0.1:6653', protocols: ['OpenFlow13', 'OpenFlow14'] }, ports: [{ name: 'mgmt0', internal: true }] };
  const spec = specOf('ws', [ovsVl, ovsCtl]);

  const guardedOf = (c: ReturnType<typeof canonical>) => ({ ovs: c.ovs.filter((b) => ['ovs-ext', 'ovs-other'].includes(b.name)), links: c.links.filter((l) => ['ovs-ext', 'fp0', 'ovs-other', 'op0'].includes(l.name)) });
  let guarded: ReturnType<typeof guardedOf>;

  beforeAll(async () => {
    sb = new Sandbox('nnao');
    const names = await sb.addNamespaces('sw', 'h1', 'h2', 'h3', 'h4');
    ns = names[0]!;
    h = names.slice(1) as typeof h;
    // Veth ports whose far ends live in host namespaces; h4 gets the trunk end with VLAN sub-interfaces... which
    // this kernel lacks, so the trunk is checked in OVS only.
    await sb.ip(ns, [`link add a10 type veth peer name eth0 netns ${h[0]}`, `link add b10 type veth peer name eth0 netns ${h[1]}`, `link add c20 type veth peer name eth0 netns ${h[2]}`, `link add tr0 type veth peer name eth0 netns ${h[3]}`, 'link add fp0 type veth peer name fq0', 'link add op0 type veth peer name oq0']);
    await Promise.all(h.map((x, i) => sb.ip(x, ['link set eth0 up', `addr add 10.70.0.${i + 1}/24 dev eth0`])));
    const ovs = await sb.startOvs(ns);
    target = { netns: ns, ovsDb: ovs.ovsDb };
    // A foreign OVS bridge (no owner) with a tagged port.
    await sb.ovsVsctl('add-br', 'ovs-ext', '--', 'set', 'bridge', 'ovs-ext', 'datapath_type=netdev', '--', 'add-port', 'ovs-ext', 'fp0', 'tag=99');
    const other = await planSpec(target, specOf('other', [{ name: 'ovs-other', type: 'ovs', datapath: 'netdev', ports: [{ name: 'op0' }] }]));
    expect((await runHelper(applyRequest(other.plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    guarded = guardedOf(await snapshot(target));
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  const vsctl = async (...args: string[]) => (await sb.ovsVsctl(...args)).trim();

  it('applies in one ovs-vsctl transaction plus the kernel side; re-planning is empty', async () => {
    const { plan, spec: parsed } = await planSpec(target, spec);
    const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir });
    expect(r.code, r.stderr + JSON.stringify(r.events)).toBe(HELPER_EXIT.committed);
    const commands = r.events.filter((e) => e.type === 'command') as { argv: string[] }[];
    expect(commands.map((c) => c.argv[0])).toEqual(['/usr/bin/ovs-vsctl', '/usr/sbin/ip']);
    expect(commands[0]?.argv).toContain('--timeout=30');
    expect(await replanSteps(target, parsed)).toEqual([]);
    expect(guardedOf(await snapshot(target))).toEqual(guarded);
  });

  it('ovs-vsctl shows tags, trunks, internal ports, owners, datapath, fail mode, controller and protocols', async () => {
    expect(await vsctl('get', 'port', 'a10', 'tag')).toBe('10');
    expect(await vsctl('get', 'port', 'b10', 'tag')).toBe('10');
    expect(await vsctl('get', 'port', 'c20', 'tag')).toBe('20');
    expect(await vsctl('get', 'port', 'gw10', 'tag')).toBe('10');
    expect(await vsctl('get', 'port', 'tr0', 'trunks')).toBe('[10, 20]');
    expect(await vsctl('get', 'port', 'tr0', 'tag')).toBe('[]');
    expect(await vsctl('get', 'interface', 'gw10', 'type')).toBe('internal');
    expect(await vsctl('get', 'interface', 'mgmt0', 'type')).toBe('internal');
    expect(await vsctl('get', 'port', 'a10', 'external_ids:novanet-owner')).toBe('ws');
    expect(await vsctl('get', 'bridge', 'ovs-vl', 'external_ids:novanet-owner')).toBe('ws');
    expect(await vsctl('get', 'bridge', 'ovs-vl', 'datapath_type')).toBe('netdev');
    expect(await vsctl('get-fail-mode', 'ovs-ctl')).toBe('secure');
    expect(await vsctl('get-controller', 'ovs-ctl')).toBe('tcp:127.0.0.1:6653');
    expect(await vsctl('get', 'bridge', 'ovs-ctl', 'protocols')).toBe('[OpenFlow13, OpenFlow14]');
    expect((await vsctl('list-ports', 'ovs-vl')).split('\n').sort()).toEqual(['a10', 'b10', 'c20', 'gw10', 'tr0']);
    // The foreign bridge kept its port and tag, and has no owner.
    expect(await vsctl('get', 'port', 'fp0', 'tag')).toBe('99');
    expect(await vsctl('--if-exists', 'get', 'bridge', 'ovs-ext', 'external_ids:novanet-owner')).toBe('');
  });

  it('VLAN isolation with traffic through the userspace datapath: VLAN 10 ports reach each other, the VLAN 20 port does not', async () => {
    // Same subnet everywhere, so only the VLAN separates them. Learning needs a moment after the ports appear.
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++) ok = await pingFrom(h[0], '10.70.0.2', 1, 1);
    expect(ok, 'h1 (VLAN 10) -> h2 (VLAN 10)').toBe(true);
    // The negative checks run side by side: each waits out its own timeout.
    const [back, red, blueToRed, trunk] = await Promise.all([
      pingFrom(h[1], '10.70.0.1', 2, 1),
      pingFrom(h[2], '10.70.0.1', 2, 1),
      pingFrom(h[0], '10.70.0.3', 2, 1),
      // The trunk end receives tagged frames only; untagged traffic from it goes nowhere.
      pingFrom(h[3], '10.70.0.1', 2, 1),
    ]);
    expect(back, 'h2 -> h1').toBe(true);
    expect(red, 'h3 (VLAN 20) -> h1 (VLAN 10)').toBe(false);
    expect(blueToRed, 'h1 (VLAN 10) -> h3 (VLAN 20)').toBe(false);
    expect(trunk, 'h4 (trunk, untagged) -> h1').toBe(false);
  });

  it('moving the VLAN 20 port into VLAN 10 is one ovs.port.set; it then reaches VLAN 10', async () => {
    const moved = specOf('ws', [{ ...ovsVl, ports: ovsVl.ports!.map((p) => (p.name === 'c20' ? { ...p, portGroup: 'blue' } : p)) }, ovsCtl]);
    const { plan, spec: parsed } = await planSpec(target, moved);
    expect(plan.steps.map((s) => [s.op, s.inverse])).toEqual([[{ op: 'ovs.port.set', name: 'c20', tag: 10, trunks: null }, [{ op: 'ovs.port.set', name: 'c20', tag: 20, trunks: null }]]]);
    expect((await runHelper(applyRequest(plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    expect(await vsctl('get', 'port', 'c20', 'tag')).toBe('10');
    let ok = false;
    for (let i = 0; i < 5 && !ok; i++) ok = await pingFrom(h[2], '10.70.0.1', 1, 1);
    expect(ok).toBe(true);
    expect(await replanSteps(target, parsed)).toEqual([]);
  });

  it('removing our switches leaves the foreign bridge and the other spec intact', async () => {
    const { plan, spec: parsed } = await planSpec(target, specOf('ws', []));
    expect(plan.steps.filter((s) => s.op.op === 'ovs.br.del').map((s) => (s.op as { name: string }).name).sort()).toEqual(['ovs-ctl', 'ovs-vl']);
    expect((await runHelper(applyRequest(plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    expect((await vsctl('list-br')).split('\n').sort()).toEqual(['ovs-ext', 'ovs-other']);
    expect(guardedOf(await snapshot(target))).toEqual(guarded);
    expect(await replanSteps(target, parsed)).toEqual([]);
  });
});
