/**
 * Failure and rollback with the real helper as root, on a namespace with its own OVS instance:
 *  - fault injection at every step k of a mixed plan (ip batches and ovs-vsctl transactions, removals, changes and
 *    creations): exit 1 and the discovered state exactly as before, for every k; past the end, the spec;
 *  - SIGKILL mid-apply and during the trial, then {"verb":"recover"} restores the state before;
 *  - the trial: no confirmation in time (exit 4), "confirm" (committed), a "rollback" line, the caller going away,
 *    and a connectivity probe that stops answering (rolled back at once);
 *  - foreign objects and another spec's objects are part of every comparison, so they are proven untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/model/target';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import type { Plan } from '../../shared/plan/operations';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { batchesOf } from '../../helpers/lib/execute';
import { applyRequest, OVS_TOOLS, planSpec, replanSteps, runHelper, Sandbox, snapshot, startHelper } from '../support/apply-harness';
import { skipSuite } from '../support/requirements';

const skip = skipSuite('apply: faults, crashes and the trial (integration)', { root: true, tools: ['ip', 'ping', ...OVS_TOOLS], files: [{ path: '/usr/share/openvswitch/vswitch.ovsschema', pkg: 'openvswitch-switch' }] });

type Sw = NonNullable<NetworkSpecInput['switches']>[number];
const spec = (name: string, switches: Sw[], overlays: NetworkSpecInput['overlays'] = []): NetworkSpecInput => ({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name }, switches, overlays });

/** The version of "ws" already on the host before each fault run. */
const V1 = spec(
  'ws',
  [
    { name: 'br-old', stp: { enabled: true, forwardDelay: 5 }, ports: [{ name: 'p1' }], addresses: ['10.90.1.1/24'] },
    { name: 'br-keep', stp: { enabled: true, priority: 4096 }, ports: [{ name: 'p2' }] },
    { name: 'ovs-old', type: 'ovs', datapath: 'netdev', portGroups: [{ name: 'g', vlan: 10 }], ports: [{ name: 'p3', portGroup: 'g' }, { name: 'ig0', internal: true }], addresses: ['10.90.3.1/24'] },
    { name: 'ovs-keep', type: 'ovs', datapath: 'netdev', portGroups: [{ name: 'g', vlan: 10 }], ports: [{ name: 'p4', portGroup: 'g' }] },
  ],
  [{ name: 'vx-old', type: 'vxlan', vni: 7, remote: '192.0.2.7', switch: 'br-keep' }],
);

/** The version under test: removes, changes and creates on both backends. */
const V2 = spec(
  'ws',
  [
    { name: 'br-keep', stp: { enabled: true, priority: 8192 }, ports: [{ name: 'p2' }, { name: 'p5' }], addresses: ['10.90.2.1/24'] },
    { name: 'br-new', stp: { enabled: true, forwardDelay: 4, helloTime: 2, maxAge: 20 }, ports: [{ name: 'p1' }, { name: 'p6' }] },
    { name: 'ovs-keep', type: 'ovs', datapath: 'netdev', portGroups: [{ name: 'g', vlan: 20 }, { name: 't', trunk: [10, 20] }], ports: [{ name: 'p4', portGroup: 'g' }, { name: 'p7', portGroup: 't' }] },
    { name: 'ovs-new', type: 'ovs', datapath: 'netdev', failMode: 'secure', controller: { target: 'tcp:127.0.0.1:6653', protocols: ['OpenFlow13'] }, portGroups: [{ name: 'g', vlan: 30 }], ports: [{ name: 'p8', portGroup: 'g' }, { name: 'ig1', internal: true }], addresses: ['10.90.8.1/24'] },
  ],
  [{ name: 'vx-new', type: 'vxlan', vni: 42, remote: '192.0.2.42', switch: 'ovs-new' }],
);

describe.skipIf(skip)('apply: fault injection, crash recovery and the trial', () => {
  let sb: Sandbox;
  let ns: string;
  let peer: string;
  let target: Target;

  /** Applies `input` (committed at once) and returns the snapshot after. */
  async function converge(input: NetworkSpecInput) {
    const { plan, spec: parsed } = await planSpec(target, input);
    const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir });
    expect(r.code, r.stderr + JSON.stringify(r.events)).toBe(HELPER_EXIT.committed);
    expect(await replanSteps(target, parsed)).toEqual([]);
    return snapshot(target);
  }

  beforeAll(async () => {
    sb = new Sandbox('nnaf');
    [ns, peer] = (await sb.addNamespaces('sw', 'peer')) as [string, string];
    await sb.ip(ns, [
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `link add p${i} type veth peer name q${i}`),
      'link add f1 type veth peer name g1',
      'link add fp0 type veth peer name fq0',
      'link add o1 type veth peer name r1',
      'link add br-foreign type bridge',
      'link set f1 master br-foreign',
      'link set br-foreign up',
      // The probe path: pr0 here, pr1 in the peer namespace.
      `link add pr0 type veth peer name pr1 netns ${peer}`,
      'addr add 10.91.0.1/24 dev pr0',
      'link set pr0 up',
    ]);
    await sb.ip(peer, ['addr add 10.91.0.2/24 dev pr1', 'link set pr1 up']);
    const ovs = await sb.startOvs(ns);
    target = { netns: ns, ovsDb: ovs.ovsDb };
    await sb.ovsVsctl('add-br', 'ovs-ext', '--', 'set', 'bridge', 'ovs-ext', 'datapath_type=netdev', '--', 'add-port', 'ovs-ext', 'fp0', 'tag=5');
    await converge(spec('other', [{ name: 'br-other', ports: [{ name: 'o1' }], addresses: ['10.92.0.1/24'] }]));
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it(
    'a fault at every step k leaves the target exactly as before; past the end it equals the spec',
    async () => {
      const before = await converge(V1);
      const { plan } = await planSpec(target, V2);
      const n = plan.steps.length;
      const batches = batchesOf(plan.steps).map((b) => `${b.tool}:${b.steps.length}`);
      console.log(`fault injection over a plan of ${n} steps in ${batches.length} batches (${batches.join(', ')})`);
      expect(n).toBeGreaterThanOrEqual(15);
      expect(new Set(plan.steps.map((s) => s.op.op.split('.')[0]))).toEqual(new Set(['link', 'addr', 'bridge', 'ovs']));
      for (let k = 0; k < n; k++) {
        const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir, faultAt: k });
        const tag = `fault at step ${k} (${plan.steps[k]!.description})`;
        expect(r.code, `${tag}: ${r.stderr} ${JSON.stringify(r.events.filter((e) => e.type !== 'step'))}`).toBe(HELPER_EXIT.failedRolledBack);
        expect(r.events.find((e) => e.type === 'step' && e.status === 'failed'), `${tag}: ${r.stderr} ${JSON.stringify(r.events.filter((e) => e.type !== 'step'))}`).toMatchObject({ index: k });
        expect(r.events.find((e) => e.type === 'rolledback'), `${tag}: ${r.stderr} ${JSON.stringify(r.events.filter((e) => e.type !== 'step'))}`).toMatchObject({ clean: true });
        expect(await snapshot(target), tag).toEqual(before);
        expect(sb.journals(), tag).toEqual([]);
      }
      for (const k of [n, n + 5]) {
        const r = await runHelper(applyRequest(plan), { stateDir: sb.stateDir, faultAt: k });
        expect(r.code, `fault at ${k} >= ${n} steps`).toBe(HELPER_EXIT.committed);
        // planSpec validates V2 against the state it produced, then re-planning must be empty.
        const { spec: parsed } = await planSpec(target, V2);
        expect(await replanSteps(target, parsed)).toEqual([]);
        // Back to V1 for the next round (a real multi-step revert through the same path). A revert is a new
        // plan, not an undo: interfaces it takes out of switches stay up, so those are put down by hand.
        const reverted = await converge(V1);
        expect(reverted.links.filter((l) => l.up !== before.links.find((x) => x.name === l.name)?.up).map((l) => l.name)).toEqual(['p5', 'p6', 'p7', 'p8']);
        await sb.ip(ns, ['link set p5 down', 'link set p6 down', 'link set p7 down', 'link set p8 down']);
        expect(await snapshot(target)).toEqual(before);
      }
    },
    300_000,
  );

  /** A small plan for the crash and trial tests: one Linux bridge with two ports, one OVS port change. */
  const SMALL = spec('ws', [...(V1.switches ?? []).filter((s) => s.name !== 'br-keep'), { name: 'br-keep', stp: { enabled: true, priority: 12288 }, ports: [{ name: 'p2' }, { name: 'p5' }] }], V1.overlays);
  let base: Awaited<ReturnType<typeof snapshot>>;
  let small: Plan;

  it('SIGKILL right after the first batch started, then {"verb":"recover"}: the state before', async () => {
    base = await converge(V1);
    small = (await planSpec(target, SMALL)).plan;
    const big = (await planSpec(target, V2)).plan;
    for (const p of [small, big]) {
      const h = await startHelper(applyRequest(p, 30), { stateDir: sb.stateDir });
      await h.waitFor((e) => e.type === 'batch');
      h.child.kill('SIGKILL');
      const end = await h.done;
      expect(end.signal).toBe('SIGKILL');
      expect(sb.journals()).toHaveLength(1);
      const rec = await runHelper({ verb: 'recover' }, { stateDir: sb.stateDir });
      expect(rec.code).toBe(HELPER_EXIT.committed);
      expect(rec.events.at(-1)).toEqual({ type: 'recovered', journals: 1 });
      expect(await snapshot(target)).toEqual(base);
      expect(sb.journals()).toEqual([]);
    }
  }, 120_000);

  it('SIGKILL during the trial (everything applied), then recover: the state before', async () => {
    const h = await startHelper(applyRequest(small, 30), { stateDir: sb.stateDir });
    await h.waitFor((e) => e.type === 'trial');
    expect(await snapshot(target)).not.toEqual(base);
    h.child.kill('SIGKILL');
    expect((await h.done).signal).toBe('SIGKILL');
    // The next start of the helper, whatever its verb, first finishes the interrupted rollback.
    const rec = await runHelper({ verb: 'recover' }, { stateDir: sb.stateDir });
    expect(rec.events.at(-1)).toEqual({ type: 'recovered', journals: 1 });
    expect(await snapshot(target)).toEqual(base);
  }, 60_000);

  it('no confirmation within the trial (2 s): exit 4, rolled back, the state before', async () => {
    const t0 = Date.now();
    const h = await startHelper(applyRequest(small, 2), { stateDir: sb.stateDir });
    await h.waitFor((e) => e.type === 'trial');
    const r = await h.done;
    const took = Date.now() - t0;
    expect(r.code).toBe(HELPER_EXIT.rolledBack);
    expect(r.events.find((e) => e.type === 'rolledback')).toMatchObject({ reason: 'not confirmed in time', clean: true });
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(10_000);
    expect(await snapshot(target)).toEqual(base);
  }, 60_000);

  it('"confirm" during the trial commits: exit 0, the spec applied, no journal left', async () => {
    const h = await startHelper(applyRequest(small, 30), { stateDir: sb.stateDir });
    await h.waitFor((e) => e.type === 'trial');
    h.send('confirm');
    const r = await h.done;
    expect(r.code).toBe(HELPER_EXIT.committed);
    expect(r.events.at(-1)).toEqual({ type: 'committed' });
    const { spec: parsed } = await planSpec(target, SMALL);
    expect(await replanSteps(target, parsed)).toEqual([]);
    expect(sb.journals()).toEqual([]);
    // Revert (a new plan; p5 it released stays up, so it is put down by hand).
    await converge(V1);
    await sb.ip(ns, ['link set p5 down']);
    expect(await snapshot(target)).toEqual(base);
  }, 60_000);

  it('"rollback <reason>" and the caller going away both roll back at once (exit 4)', async () => {
    const h1 = await startHelper(applyRequest(small, 30), { stateDir: sb.stateDir });
    await h1.waitFor((e) => e.type === 'trial');
    h1.send('rollback user pressed Revert');
    const r1 = await h1.done;
    expect(r1.code).toBe(HELPER_EXIT.rolledBack);
    expect(r1.events.find((e) => e.type === 'rolledback')).toMatchObject({ reason: 'rolled back on request: user pressed Revert', clean: true });
    expect(await snapshot(target)).toEqual(base);

    const h2 = await startHelper(applyRequest(small, 30), { stateDir: sb.stateDir });
    await h2.waitFor((e) => e.type === 'trial');
    h2.closeStdin();
    const r2 = await h2.done;
    expect(r2.code).toBe(HELPER_EXIT.rolledBack);
    expect(r2.events.find((e) => e.type === 'rolledback')).toMatchObject({ reason: 'the caller went away before confirming' });
    expect(await snapshot(target)).toEqual(base);
  }, 60_000);

  it('a probe that answered before and stops answering during the trial rolls back at once; a probe dead from the start is ignored', async () => {
    const probes = [
      { kind: 'ping' as const, address: '10.91.0.2', label: 'peer' },
      { kind: 'ping' as const, address: '10.91.0.99', label: 'nobody' },
    ];
    const h = await startHelper(applyRequest(small, 60, probes), { stateDir: sb.stateDir });
    await h.waitFor((e) => e.type === 'trial', 30_000);
    expect(h.events.filter((e) => e.type === 'probe')).toEqual([
      { type: 'probe', label: 'peer', ok: true, phase: 'before' },
      { type: 'probe', label: 'nobody', ok: false, phase: 'before' },
    ]);
    const cut = Date.now();
    await sb.ip(peer, ['link set pr1 down']);
    const r = await h.done;
    const after = Date.now() - cut;
    await sb.ip(peer, ['link set pr1 up']);
    expect(r.code).toBe(HELPER_EXIT.rolledBack);
    expect(r.events.find((e) => e.type === 'probe' && e.phase === 'trial')).toEqual({ type: 'probe', label: 'peer', ok: false, phase: 'trial' });
    expect(r.events.find((e) => e.type === 'rolledback')).toMatchObject({ reason: 'connectivity probe failed: peer', clean: true });
    // "At once": one probe round (1 s wait + 1 s ping timeout), far from the 60 s trial.
    expect(after).toBeLessThan(8000);
    console.log(`probe failure detected and rolled back ${after} ms after the peer link went down`);
    expect(await snapshot(target)).toEqual(base);
  }, 90_000);
});
