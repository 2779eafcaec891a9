/**
 * DHCP, NAT and forwarding in the plan: the operations the helper accepts (structured fields only, re-validated),
 * their preview argv, and the planner on simulated hosts: minimal steps, re-planning an applied spec is empty,
 * every inverse restores what was there, forwarding is turned on only for NAT and put back when the last NAT goes,
 * another spec's servers and table are left alone.
 */
import { describe, expect, it } from 'vitest';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import { exportSpec } from '../../../shared/plan/export';
import { operationSchema, toolOf, type Operation, type Plan } from '../../../shared/plan/operations';
import { displayArgv } from '../../../shared/plan/render';
import { dnsmasqFiles } from '../../../shared/plan/operations-vmnet';
import { hostState, veth, withLinuxBridge } from './sim';
import { applyAll, canonicalVmnet, emptyVmnet } from './sim-vmnet';
import { lanDhcp, lanOut } from '../vmnet/support';

const TARGET = { netns: 'sim' };
type Dhcp = NonNullable<NetworkSpecInput['dhcp']>[number];
type Nat = NonNullable<NetworkSpecInput['nat']>[number];

const lanNat = (over: Partial<Nat> = {}): Nat => ({ ...lanOut, ...over });

function spec(parts: { dhcp?: Dhcp[]; nat?: Nat[] }, name = 'ws'): NetworkSpec {
  const switches = [{ name: 'br-lan', addresses: ['10.10.0.1/24'], uplinks: ['enp4s0'] }];
  const r = parseSpec({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, switches, ...parts });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** NICs, and the spec's bridge already in place, so the plans below are about DHCP and NAT only. */
function host(forwarding = false): HostState {
  let s = hostState({ target: TARGET, links: [veth('enp3s0', { adminUp: true }), veth('enp4s0', { adminUp: true })] });
  s = withLinuxBridge(s, 'br-lan', { alias: 'novanet:ws', ports: ['enp4s0'] });
  const br = s.links.find((l) => l.name === 'br-lan');
  br?.addresses.push({ family: 'inet', address: '10.10.0.1', prefixLength: 24, scope: 'global' });
  s.vmnet = emptyVmnet({ enabled: forwarding });
  return s;
}

const ops = (p: Plan) => p.steps.map((s) => s.op);
const descriptions = (p: Plan) => p.steps.map((s) => s.description);

/** Plans, applies on the simulated host, checks re-planning is empty and undoing restores the start. */
function applyChecked(state: HostState, s: NetworkSpec): HostState {
  expect(validateSpec(s, state)).toEqual([]);
  const p = plan(state, s);
  const after = applyAll(state, ops(p));
  expect(descriptions(plan(after, s))).toEqual([]);
  const undone = applyAll(
    after,
    [...p.steps].reverse().flatMap((x) => x.inverse),
  );
  expect(canonicalVmnet(undone)).toEqual(canonicalVmnet(state));
  return after;
}

describe('vmnet operations', () => {
  const start: Operation = { op: 'dhcp.start', owner: 'ws', dhcp: spec({ dhcp: [lanDhcp()] }).dhcp[0]! };
  const load: Operation = {
    op: 'nft.table.load',
    owner: 'ws',
    nat: { masquerade: [{ name: 'out', sources: ['10.10.0.0/24'], outInterface: 'enp3s0' }], forwards: [] },
  };

  it('pass the helper schema and map to their tools and preview commands', () => {
    for (const op of [
      start,
      load,
      { op: 'dhcp.stop', owner: 'ws', name: 'lan-dhcp' },
      { op: 'nft.table.delete' },
      { op: 'sysctl.forward', enabled: true, restoreTo: false },
    ]) {
      expect(operationSchema.parse(op)).toEqual(op);
    }
    expect(toolOf(start)).toBe('dnsmasq');
    expect(toolOf(load)).toBe('nft');
    expect(toolOf({ op: 'sysctl.forward', enabled: true, restoreTo: null })).toBe('sysctl');
    expect(displayArgv(start, TARGET)).toEqual([
      'ip',
      'netns',
      'exec',
      'sim',
      'dnsmasq',
      '-C',
      '/run/novanet/vmnet/netns-sim/dnsmasq/ws/lan-dhcp.conf',
    ]);
    expect(displayArgv(load, {})).toEqual(['nft', '-f', '-']);
    expect(displayArgv({ op: 'dhcp.stop', owner: 'ws', name: 'lan-dhcp' }, TARGET)).toEqual([
      'kill',
      '-TERM',
      '<the PID in /run/novanet/vmnet/netns-sim/dnsmasq/ws/lan-dhcp.pid>',
    ]);
    expect(displayArgv({ op: 'sysctl.forward', enabled: false, restoreTo: null }, TARGET)).toEqual([
      'ip',
      'netns',
      'exec',
      'sim',
      'sysctl',
      '-w',
      'net.ipv4.ip_forward=0',
    ]);
    expect(dnsmasqFiles(undefined, 'ws', 'x')).toEqual({
      conf: '/run/novanet/vmnet/host/dnsmasq/ws/x.conf',
      pidFile: '/run/novanet/vmnet/host/dnsmasq/ws/x.pid',
      leaseFile: '/run/novanet/vmnet/host/dnsmasq/ws/x.leases',
    });
  });

  it('refuse what could carry text into a config or a rule', () => {
    const bad = (op: unknown) => expect(operationSchema.safeParse(op).success).toBe(false);
    const d = (start as Extract<Operation, { op: 'dhcp.start' }>).dhcp;
    bad({ ...start, dhcp: { ...d, hosts: [{ mac: '02:00:00:00:00:42', name: 'a,b', ip: '10.10.0.42' }] } });
    bad({ ...start, dhcp: { ...d, interface: 'br lan' } });
    bad({ ...start, dhcp: { ...d, name: 'x\ninterface=eth0' } });
    bad({ ...start, owner: '../etc' });
    bad({ op: 'dhcp.stop', owner: 'ws', name: '../../x' });
    bad({
      ...load,
      nat: { masquerade: [{ name: 'out" accept', sources: ['10.10.0.0/24'], outInterface: 'enp3s0' }], forwards: [] },
    });
    bad({
      ...load,
      nat: {
        masquerade: [],
        forwards: [{ name: 'f', protocol: 'tcp', port: 0, to: '10.0.0.1:80', inInterface: 'enp3s0' }],
      },
    });
    bad({ ...load, nat: { masquerade: [], forwards: [], script: 'flush ruleset' } });
    bad({ op: 'nft.table.delete', table: 'ip filter' });
    bad({ op: 'sysctl.forward', enabled: 1, restoreTo: null });
  });
});

describe('planDhcp', () => {
  it('starts a new server after everything else, undone by stopping it; re-planning is empty', () => {
    const p = plan(host(), spec({ dhcp: [lanDhcp()] }));
    expect(p.steps).toHaveLength(1);
    expect(p.steps[0]).toMatchObject({
      description: 'Start DHCP server lan-dhcp on br-lan',
      object: 'dhcp lan-dhcp',
      inverse: [{ op: 'dhcp.stop', owner: 'ws', name: 'lan-dhcp' }],
    });
    applyChecked(host(), spec({ dhcp: [lanDhcp()] }));
  });

  it('starts dnsmasq after the bridge and its address when both are new', () => {
    const bare = hostState({
      target: TARGET,
      links: [veth('enp3s0', { adminUp: true }), veth('enp4s0', { adminUp: true })],
    });
    bare.vmnet = emptyVmnet();
    const p = plan(bare, spec({ dhcp: [lanDhcp()] }));
    const kinds = ops(p).map((o) => o.op);
    expect(kinds.indexOf('dhcp.start')).toBe(kinds.length - 1);
    expect(kinds.indexOf('addr.add')).toBeLessThan(kinds.indexOf('dhcp.start'));
    applyChecked(bare, spec({ dhcp: [lanDhcp()] }));
  });

  it('restarts a changed server with the new config, undone by a restart with the old one', () => {
    const before = applyAll(host(), ops(plan(host(), spec({ dhcp: [lanDhcp()] }))));
    const changed = spec({ dhcp: [lanDhcp({ ranges: [{ start: '10.10.0.160', end: '10.10.0.170' }] })] });
    const p = plan(before, changed);
    expect(descriptions(p)).toEqual(['Restart DHCP server lan-dhcp on br-lan with its new settings']);
    expect(p.steps[0]!.inverse).toEqual([{ op: 'dhcp.start', owner: 'ws', dhcp: spec({ dhcp: [lanDhcp()] }).dhcp[0] }]);
    applyChecked(before, changed);
  });

  it('stops a server gone from the spec (undone by starting it again), and starts one that died', () => {
    const before = applyAll(host(), ops(plan(host(), spec({ dhcp: [lanDhcp()] }))));
    const p = plan(before, spec({}));
    expect(descriptions(p)).toEqual(['Stop DHCP server lan-dhcp on br-lan']);
    expect(p.steps[0]!.inverse[0]).toMatchObject({ op: 'dhcp.start', owner: 'ws' });
    applyChecked(before, spec({}));
    const dead = structuredClone(before);
    dead.vmnet!.dnsmasq[0]!.running = false;
    expect(descriptions(plan(dead, spec({ dhcp: [lanDhcp()] })))).toEqual(['Start DHCP server lan-dhcp on br-lan']);
  });

  it("never names another spec's server", () => {
    const theirs = applyAll(host(), [
      { op: 'dhcp.start', owner: 'other', dhcp: spec({ dhcp: [lanDhcp({ name: 'their-dhcp' })] }).dhcp[0]! },
    ]);
    expect(plan(theirs, spec({})).steps).toEqual([]);
    expect(ops(plan(theirs, spec({ dhcp: [lanDhcp()] })))).toEqual([
      { op: 'dhcp.start', owner: 'ws', dhcp: spec({ dhcp: [lanDhcp()] }).dhcp[0] },
    ]);
  });
});

describe('planNat', () => {
  it('loads the table and turns forwarding on (undone: table deleted, forwarding off); re-planning is empty', () => {
    const p = plan(host(), spec({ nat: [lanNat()] }));
    expect(descriptions(p)).toEqual([
      'Load NAT table inet novanet: masquerade 10.10.0.0/24 out of enp3s0; forward tcp/8080 on enp3s0 to 10.10.0.42:80',
      'Turn on IPv4 forwarding (net.ipv4.ip_forward=1) for NAT',
    ]);
    expect(p.steps.map((s) => s.inverse)).toEqual([
      [{ op: 'nft.table.delete' }],
      [{ op: 'sysctl.forward', enabled: false, restoreTo: null }],
    ]);
    expect(ops(p)[0]).toEqual({
      op: 'nft.table.load',
      owner: 'ws',
      nat: {
        masquerade: [{ name: 'lan-out', sources: ['10.10.0.0/24'], outInterface: 'enp3s0' }],
        forwards: [{ name: 'lan-out', protocol: 'tcp', port: 8080, to: '10.10.0.42:80', inInterface: 'enp3s0' }],
      },
    });
    applyChecked(host(), spec({ nat: [lanNat()] }));
  });

  it('reloads a changed table alone, undone by loading the old one', () => {
    const before = applyAll(host(), ops(plan(host(), spec({ nat: [lanNat()] }))));
    const changed = spec({ nat: [lanNat({ portForwards: [] })] });
    const p = plan(before, changed);
    expect(ops(p).map((o) => o.op)).toEqual(['nft.table.load']);
    expect(p.steps[0]!.inverse).toEqual([
      {
        op: 'nft.table.load',
        owner: 'ws',
        nat: { masquerade: before.vmnet!.nft!.masquerade, forwards: before.vmnet!.nft!.forwards },
      },
    ]);
    applyChecked(before, changed);
  });

  it('removing the last NAT deletes the table and puts forwarding back as the helper noted it', () => {
    const before = applyAll(host(), ops(plan(host(), spec({ nat: [lanNat()] }))));
    expect(before.vmnet!.forwarding).toEqual({ enabled: true, restoreTo: false });
    const p = plan(before, spec({}));
    expect(descriptions(p)).toEqual([
      'Remove NAT table inet novanet',
      'Put IPv4 forwarding back off, as it was before NAT',
    ]);
    const after = applyChecked(before, spec({}));
    expect(after.vmnet!.forwarding).toEqual({ enabled: false });
    expect(after.vmnet!.nft!.exists).toBe(false);
  });

  it('leaves forwarding alone when it was already on, before and after', () => {
    const p = plan(host(true), spec({ nat: [lanNat()] }));
    expect(ops(p).map((o) => o.op)).toEqual(['nft.table.load']);
    const after = applyChecked(host(true), spec({ nat: [lanNat()] }));
    expect(ops(plan(after, spec({}))).map((o) => o.op)).toEqual(['nft.table.delete']);
  });

  it("a spec without NAT leaves another spec's table and forwarding alone", () => {
    const theirs = applyAll(host(), ops(plan(host(), spec({ nat: [lanNat()] }, 'other'))));
    expect(plan(theirs, spec({})).steps).toEqual([]);
  });

  it('a table with rules NovaNet did not write is reloaded; an unreadable table is loaded and forwarding left alone', () => {
    const before = applyAll(host(), ops(plan(host(), spec({ nat: [lanNat()] }))));
    before.vmnet!.nft!.drift = ['unrecognised rule in chain forward: counter'];
    expect(ops(plan(before, spec({ nat: [lanNat()] }))).map((o) => o.op)).toEqual(['nft.table.load']);
    const blind = host();
    blind.vmnet = { ...blind.vmnet!, nft: null, forwarding: null };
    expect(ops(plan(blind, spec({ nat: [lanNat()] }))).map((o) => o.op)).toEqual(['nft.table.load']);
  });
});

describe('export', () => {
  it("writes a spec's DHCP servers and NAT back as its sections; planning the export changes nothing", () => {
    const s = spec({
      dhcp: [lanDhcp()],
      nat: [
        lanNat(),
        lanNat({ name: 'fwd-only', sources: [], portForwards: [{ protocol: 'udp', port: 53, to: '10.10.0.42:53' }] }),
      ],
    });
    const after = applyAll(host(), ops(plan(host(), s)));
    const exported = exportSpec(after, 'ws');
    expect(exported.dhcp).toEqual(s.dhcp);
    expect(exported.nat).toEqual(s.nat);
    const again = parseSpec(exported);
    expect(again.issues).toEqual([]);
    expect(descriptions(plan(after, again.spec!))).toEqual([]);
    expect(exportSpec(after, 'other')).toMatchObject({ dhcp: [], nat: [] });
  });
});
