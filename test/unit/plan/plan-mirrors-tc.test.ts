/**
 * Linux-bridge mirrors (tc mirred): validation, the exact steps and commands, idempotence, owned-only removal
 * (foreign filters and another spec's mirrors untouched, a shared clsact kept), and exact inverses at every prefix.
 */
import { describe, expect, it } from 'vitest';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import { planSchema } from '../../../shared/plan/operations';
import { TC_PREF_MIN, tcCookieFor } from '../../../shared/plan/operations-tc';
import { batchText } from '../../../shared/plan/render';
import { applyOps, applyPlan, canonicalState, hostState, veth, withLinuxBridge } from './sim';

type Mirror = NonNullable<NetworkSpecInput['mirrors']>[number];

function spec(mirrors: Mirror[], name = 'ws'): NetworkSpec {
  const r = parseSpec({
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name },
    switches: [{ name: 'br-lab', ports: [{ name: 'p1' }, { name: 'p2' }, { name: 'mon' }] }],
    mirrors,
  });
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

function host(): HostState {
  const s = hostState({ links: ['p1', 'p2', 'mon', 'x9'].map((n) => veth(n, { adminUp: true })) });
  return withLinuxBridge(s, 'br-lab', { alias: 'novanet:ws', ports: ['p1', 'p2', 'mon'] });
}

const COOKIE = tcCookieFor('ws');
const tap: Mirror = { name: 'tap', switch: 'br-lab', sources: ['p1'], direction: 'both', output: 'mon' };

function applyAndReplan(state: HostState, s: NetworkSpec): HostState {
  expect(validateSpec(s, state)).toEqual([]);
  const p = plan(state, s);
  expect(planSchema.safeParse(p).success).toBe(true);
  const after = applyPlan(state, p);
  expect(plan(after, s).steps.map((x) => x.description)).toEqual([]);
  return after;
}

/** For every prefix of the plan: the steps, then their inverses newest first, give back the start exactly. */
function expectExactInverses(state: HostState, s: NetworkSpec): void {
  const steps = plan(state, s).steps;
  for (let k = 0; k <= steps.length; k++) {
    const done = applyOps(
      state,
      steps.slice(0, k).map((x) => x.op),
    );
    const undone = applyOps(
      done,
      steps
        .slice(0, k)
        .reverse()
        .flatMap((x) => x.inverse),
    );
    expect(canonicalState(undone)).toEqual(canonicalState(state));
  }
}

describe('Linux-bridge mirrors: validation', () => {
  it('accepts a Linux-bridge mirror of existing ports', () => {
    expect(validateSpec(spec([tap]), host())).toEqual([]);
  });
  it('refuses VLAN selection on a Linux bridge, naming the field', () => {
    const issues = validateSpec(spec([{ ...tap, vlans: [10] }]), host());
    expect(issues).toEqual([
      { path: 'mirrors[0].vlans', message: expect.stringContaining('Open vSwitch switches only') },
    ]);
  });
  it('refuses it on a kernel without clsact, u32 or mirred, saying what is missing', () => {
    const state = host();
    state.capabilities = {
      kernel: 'k',
      probedAt: 'now',
      features: { tcMirred: { available: false, probed: true, detail: 'TC classifier not found' } } as never,
    };
    expect(validateSpec(spec([tap]), state)).toEqual([
      {
        path: 'mirrors[0].switch',
        message: expect.stringMatching(/a mirror on a Linux bridge needs tc mirred .*\(TC classifier not found\)/),
      },
    ]);
  });

  it('refuses a source or output that does not exist on the host', () => {
    const s = spec([tap]);
    s.switches[0]!.ports.push({ name: 'ghost' });
    s.mirrors[0] = { ...s.mirrors[0]!, sources: ['ghost'] };
    const state = host();
    state.links = state.links.filter((l) => l.name !== 'mon');
    const paths = validateSpec(s, state).map((i) => i.path);
    expect(paths).toContain('mirrors[0].sources[0]');
    expect(paths).toContain('mirrors[0].output');
  });
});

describe('Linux-bridge mirrors: planning', () => {
  it('adds a clsact qdisc and one mirred filter per direction, in one tc batch', () => {
    const p = plan(host(), spec([tap]));
    const tc = p.steps.filter((x) => x.op.op.startsWith('tc.'));
    expect(tc.map((x) => x.op)).toEqual([
      { op: 'tc.clsact.add', dev: 'p1' },
      { op: 'tc.mirror.add', dev: 'p1', direction: 'ingress', pref: TC_PREF_MIN, output: 'mon', cookie: COOKIE },
      { op: 'tc.mirror.add', dev: 'p1', direction: 'egress', pref: TC_PREF_MIN, output: 'mon', cookie: COOKIE },
    ]);
    expect(tc.map((x) => x.inverse)).toEqual([
      [{ op: 'tc.clsact.del', dev: 'p1' }],
      [{ op: 'tc.mirror.del', dev: 'p1', direction: 'ingress', pref: TC_PREF_MIN }],
      [{ op: 'tc.mirror.del', dev: 'p1', direction: 'egress', pref: TC_PREF_MIN }],
    ]);
    expect(batchText(tc.map((x) => x.op))).toBe(
      'qdisc add dev p1 clsact\n' +
        `filter add dev p1 ingress pref 49152 protocol all u32 match u32 0 0 action mirred egress mirror dev mon cookie ${COOKIE}\n` +
        `filter add dev p1 egress pref 49152 protocol all u32 match u32 0 0 action mirred egress mirror dev mon cookie ${COOKIE}\n`,
    );
    expect(tc[0]!.argv).toEqual(['tc', '-n', 'sim', 'qdisc', 'add', 'dev', 'p1', 'clsact']);
  });

  it('is idempotent and changes only what differs when the direction changes', () => {
    const both = applyAndReplan(host(), spec([tap]));
    const p = plan(both, spec([{ ...tap, direction: 'ingress' }]));
    expect(p.steps.map((x) => x.op)).toEqual([
      { op: 'tc.mirror.del', dev: 'p1', direction: 'egress', pref: TC_PREF_MIN },
    ]);
    expectExactInverses(both, spec([{ ...tap, direction: 'ingress' }]));
  });

  it('removes only its own filters, keeps a clsact another filter still uses, and never names foreign ones', () => {
    let s = host();
    // A foreign filter on p1's ingress at NovaNet's first priority, and another spec's mirror on p2.
    s.tc = { clsact: ['p1', 'p2'], filters: [{ dev: 'p1', direction: 'ingress', pref: TC_PREF_MIN, kind: 'u32' }] };
    s.tc.filters.push({
      dev: 'p2',
      direction: 'ingress',
      pref: TC_PREF_MIN,
      kind: 'u32',
      mirredTo: 'x9',
      cookie: tcCookieFor('other'),
    });
    s = applyAndReplan(
      s,
      spec([tap, { name: 't2', switch: 'br-lab', sources: ['p2'], direction: 'ingress', output: 'mon' }]),
    );
    expect(
      s.tc?.filters
        .filter((f) => f.cookie === COOKIE)
        .map((f) => `${f.dev} ${f.direction} ${f.pref}`)
        .sort(),
    ).toEqual(['p1 egress 49152', 'p1 ingress 49153', 'p2 ingress 49153']);
    const removal = plan(s, spec([]));
    expect(removal.steps.map((x) => x.op.op)).toEqual(['tc.mirror.del', 'tc.mirror.del', 'tc.mirror.del']);
    const after = applyPlan(s, removal);
    expect(after.tc).toEqual({
      clsact: ['p1', 'p2'],
      filters: [
        { dev: 'p1', direction: 'ingress', pref: TC_PREF_MIN, kind: 'u32' },
        {
          dev: 'p2',
          direction: 'ingress',
          pref: TC_PREF_MIN,
          kind: 'u32',
          mirredTo: 'x9',
          cookie: tcCookieFor('other'),
        },
      ],
    });
    expectExactInverses(s, spec([]));
  });

  it('removes the clsact qdisc it left empty, and puts everything back on undo', () => {
    const s = applyAndReplan(host(), spec([tap]));
    const removal = plan(s, spec([]));
    expect(removal.steps.map((x) => x.op.op)).toEqual(['tc.mirror.del', 'tc.mirror.del', 'tc.clsact.del']);
    expect(applyPlan(s, removal).tc).toEqual({ clsact: [], filters: [] });
    expectExactInverses(s, spec([]));
    expectExactInverses(host(), spec([tap]));
  });

  it('re-adds the filters of a source the plan re-creates (a VXLAN whose VNI changes), and undoes exactly', () => {
    const withVx = (vni: number) => {
      const r = parseSpec({
        apiVersion: 'novanet/v1',
        kind: 'HostNetwork',
        metadata: { name: 'ws' },
        switches: [{ name: 'br-lab', ports: [{ name: 'p1' }, { name: 'p2' }, { name: 'mon' }] }],
        overlays: [{ name: 'vx0', type: 'vxlan', vni, remote: '192.0.2.9', switch: 'br-lab' }],
        mirrors: [{ name: 'tap', switch: 'br-lab', sources: ['vx0'], direction: 'ingress', output: 'mon' }],
      });
      if (!r.spec) throw new Error(JSON.stringify(r.issues));
      return r.spec;
    };
    const s = applyAndReplan(host(), withVx(1));
    expect(s.tc?.filters.map((f) => f.dev)).toEqual(['vx0']);
    const p = plan(s, withVx(2));
    expect(p.steps.filter((x) => x.op.op.startsWith('tc.')).map((x) => x.op.op)).toEqual([
      'tc.mirror.del',
      'tc.clsact.del',
      'tc.clsact.add',
      'tc.mirror.add',
    ]);
    applyAndReplan(s, withVx(2));
    expectExactInverses(s, withVx(2));
  });

  it('moves a mirror to a new output by replacing its filters', () => {
    const s = applyAndReplan(host(), spec([tap]));
    const moved = spec([{ ...tap, output: 'p2' }]);
    const after = applyAndReplan(s, moved);
    expect(after.tc?.filters.map((f) => f.mirredTo)).toEqual(['p2', 'p2']);
    expectExactInverses(s, moved);
  });
});
