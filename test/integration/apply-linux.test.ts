/**
 * Linux bridges applied for real: plan from discovery, the helper as root, discovery again. One namespace with
 * veth ports (peers in a second namespace), a foreign bridge and another spec's bridge that must stay untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../electron/services/discovery/index';
import { probeCapabilities } from '../../electron/services/capabilities';
import type { Target } from '../../shared/model/target';
import { parseSpec, validateSpec } from '../../shared/spec/validate';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { applyRequest, canonical, planSpec, replanSteps, runHelper, Sandbox, snapshot, pingFrom } from '../support/apply-harness';
import { kernelLacks, skipSuite } from '../support/requirements';

const skip = skipSuite('apply: Linux bridges (integration)', { root: true, tools: ['ip', 'bridge', 'ping'] });

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
const specOf = (name: string, switches: Sw[]): NetworkSpecInput => ({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, switches });

describe.skipIf(skip)('apply: Linux bridge with STP parameters and ports', () => {
  let sb: Sandbox;
  let ns: string;
  let peer: string;
  let target: Target;
  const brLan: Sw = { name: 'br-lan', stp: { enabled: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 }, ports: [{ name: 'p1' }, { name: 'p2' }], addresses: ['10.61.0.1/24'], mtu: 1500 };

  /** What must never change: the foreign bridge, another spec's bridge, and their members. */
  const untouched = (c: ReturnType<typeof canonical>) => ({
    links: c.links.filter((l) => ['br-foreign', 'f1', 'br-other', 'o1'].includes(l.name)),
    bridges: c.bridges.filter((b) => ['br-foreign', 'br-other'].includes(b.name)),
  });
  let guarded: ReturnType<typeof untouched>;

  beforeAll(async () => {
    sb = new Sandbox('nnal');
    [ns, peer] = (await sb.addNamespaces('a', 'b')) as [string, string];
    target = { netns: ns };
    await sb.ip(ns, [
      `link add p1 type veth peer name q1 netns ${peer}`,
      `link add p2 type veth peer name q2 netns ${peer}`,
      'link add f1 type veth peer name g1',
      'link add o1 type veth peer name r1',
      // A foreign bridge (no alias): NovaNet must never touch it.
      'link add br-foreign type bridge stp_state 1 priority 100',
      'link set f1 master br-foreign',
      'link set br-foreign up',
      'addr add 10.62.0.1/24 dev br-foreign',
    ]);
    await sb.ip(peer, ['link set q1 up', 'link set q2 up', 'addr add 10.61.0.11/24 dev q1']);
    // Another spec's bridge, applied through the same path.
    const other = await planSpec(target, specOf('other', [{ name: 'br-other', ports: [{ name: 'o1' }], addresses: ['10.63.0.1/24'] }]));
    expect((await runHelper(applyRequest(other.plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    guarded = untouched(await snapshot(target));
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it('creates the bridge: discovery shows STP 4/2/20 and priority 4096, both ports enslaved and up, the address, the owner alias', async () => {
    const { plan, before } = await planSpec(target, specOf('ws', [brLan]));
    expect(plan.steps.map((s) => s.op.op)).toEqual(['link.add.bridge', 'link.set.alias', 'link.set.state', 'link.set.master', 'link.set.state', 'link.set.master', 'link.set.state', 'addr.add']);
    const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir });
    expect(r.code, r.stderr + JSON.stringify(r.events)).toBe(HELPER_EXIT.committed);
    // One `ip -batch` for the whole plan.
    expect(r.events.filter((e) => e.type === 'command')).toHaveLength(1);
    expect(r.events.map((e) => e.type)).toEqual(expect.arrayContaining(['started', 'batch', 'applied', 'committed']));
    expect(sb.journals()).toEqual([]);

    const after = await discover(target, { resolvePeers: false });
    const br = after.bridges.find((b) => b.name === 'br-lan');
    expect(br?.stp).toEqual({ enabled: true, priority: 4096, forwardDelay: 4, helloTime: 2, maxAge: 20 });
    expect(br?.ports.map((p) => p.name).sort()).toEqual(['p1', 'p2']);
    const link = (n: string) => after.links.find((l) => l.name === n);
    expect(link('br-lan')).toMatchObject({ kind: 'bridge', alias: 'novanet:ws', adminUp: true, mtu: 1500 });
    expect(link('br-lan')?.addresses.map((a) => `${a.address}/${a.prefixLength}`)).toContain('10.61.0.1/24');
    for (const p of ['p1', 'p2']) expect(link(p)).toMatchObject({ master: 'br-lan', adminUp: true });
    expect(untouched(canonical(after))).toEqual(guarded);
    expect(untouched(canonical(before))).toEqual(guarded);
  });

  it('re-planning the applied spec gives zero steps', async () => {
    const { spec } = await planSpec(target, specOf('ws', [brLan]));
    expect((await replanSteps(target, spec)).map((s) => s.description)).toEqual([]);
  });

  it('changing the STP priority is exactly one bridge.set step; applied, discovery shows it and re-planning is empty', async () => {
    const changed = { ...brLan, stp: { ...brLan.stp!, priority: 8192 } };
    const { plan, spec } = await planSpec(target, specOf('ws', [changed]));
    expect(plan.steps.map((s) => [s.op, s.inverse])).toEqual([[{ op: 'bridge.set', name: 'br-lan', priority: 8192 }, [{ op: 'bridge.set', name: 'br-lan', priority: 4096 }]]]);
    expect((await runHelper(applyRequest(plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    expect((await discover(target, { resolvePeers: false })).bridges.find((b) => b.name === 'br-lan')?.stp.priority).toBe(8192);
    expect(await replanSteps(target, spec)).toEqual([]);
  });

  it('bridge VLAN filtering: refused before anything runs, naming the missing kernel feature (or applied where the kernel has it)', async (ctx) => {
    const caps = await probeCapabilities();
    const { spec } = parseSpec(specOf('ws', [{ ...brLan, vlanFiltering: true, portGroups: [{ name: 'servers', vlan: 10 }], ports: [{ name: 'p1', portGroup: 'servers' }, { name: 'p2' }] }]));
    const state = { ...(await discover(target, { resolvePeers: false })), capabilities: caps };
    const issues = validateSpec(spec!, state);
    if (caps.features.bridgeVlanFiltering?.available) {
      expect(issues).toEqual([]);
      ctx.skip(kernelLacks('nothing here: bridge VLAN filtering is available; the refusal path is covered by validate.test.ts'));
      return;
    }
    expect(issues).toEqual([{ path: 'switches[0].vlanFiltering', message: expect.stringMatching(/^vlanFiltering needs Linux bridge VLAN filtering, which this kernel lacks/) }]);
    console.log(`missing kernel feature reported: ${issues[0]?.message}`);
  });

  it('the bridge forwards: the peer namespace reaches the bridge address through p1 (after STP listening and learning, 2 x 4 s)', async () => {
    let ok = false;
    for (let i = 0; i < 20 && !ok; i++) ok = await pingFrom(peer, '10.61.0.1', 1, 1);
    expect(ok).toBe(true);
  });

  it('removing the switch from the spec deletes only br-lan; ports are released; foreign and other-spec objects untouched', async () => {
    const before = await snapshot(target);
    const { plan, spec } = await planSpec(target, specOf('ws', []));
    const named = plan.steps.flatMap((s) => [s.op, ...s.inverse]).flatMap((o) => Object.entries(o).filter(([k]) => ['name', 'dev', 'master'].includes(k)).map(([, v]) => v));
    for (const n of ['br-foreign', 'f1', 'br-other', 'o1']) expect(named).not.toContain(n);
    expect((await runHelper(applyRequest(plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    const after = await snapshot(target);
    expect(after.links.some((l) => l.name === 'br-lan')).toBe(false);
    for (const p of ['p1', 'p2']) expect(after.links.find((l) => l.name === p)?.master).toBeNull();
    expect(untouched(after)).toEqual(guarded);
    expect(untouched(before)).toEqual(guarded);
    expect(await replanSteps(target, spec)).toEqual([]);
  });

  it("removing the other spec deletes only its own bridge", async () => {
    const { plan } = await planSpec(target, specOf('other', []));
    expect(plan.steps.map((s) => s.description)).toEqual(['Take o1 out of br-other', 'Remove address 10.63.0.1/24 from br-other', 'Delete bridge br-other']);
    expect((await runHelper(applyRequest(plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    const after = await snapshot(target);
    expect(after.links.some((l) => l.name === 'br-other')).toBe(false);
    expect(after.bridges.find((b) => b.name === 'br-foreign')).toEqual(guarded.bridges.find((b) => b.name === 'br-foreign'));
  });
});
