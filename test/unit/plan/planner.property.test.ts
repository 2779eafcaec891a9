/**
 * Planner properties over random specs and random host states, checked on the in-memory host (sim.ts):
 *  - the plan is accepted by the helper's schema and every operation renders;
 *  - applying it and planning again gives zero steps (idempotence);
 *  - for every prefix k, applying steps 0..k-1 and then their inverses in reverse restores the start exactly;
 *  - foreign objects and other specs' objects are never named by a step and come out unchanged.
 * The starting state is itself produced by planning: another spec ("other") and an earlier version of ours
 * ("ws") are applied first, so ownership marks are the planner's own.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HostState } from '../../../shared/model/host-state';
import type { NetworkSpec, NetworkSpecInput } from '../../../shared/spec/schema';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan } from '../../../shared/plan/planner';
import { planSchema, type Operation } from '../../../shared/plan/operations';
import { batchWords, ovsWords } from '../../../shared/plan/render';
import { toolOf } from '../../../shared/plan/operations';
import { applyOps, applyPlan, canonicalState, hostState, link, ovsBridge, ovsPort, undoSteps, veth, withLinuxBridge } from './sim';

const POOL = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'];
const SWITCH_NAMES = ['sa', 'sb', 'sc', 'sd'];
const INTERNAL_NAMES = ['ia', 'ib', 'ic'];
const FOREIGN = { links: ['fbr0', 'f0', 'f1', 'fovs', 'fp0'], ovs: ['fovs'] };
const OTHER = { links: ['obr', 'o0', 'ovx', 'oovs', 'oi0'], ovs: ['oovs'] };

function mustParse(input: NetworkSpecInput): NetworkSpec {
  const r = parseSpec(input);
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

/** A host with free veths (random admin state), a foreign Linux bridge and OVS bridge, and another spec's objects. */
function startState(up: boolean[]): HostState {
  let s = hostState({
    links: [...POOL.map((n, i) => veth(n, { adminUp: up[i] ?? false })), veth('f0', { adminUp: true }), veth('f1'), veth('fp0', { master: 'fovs' }), veth('o0'), link('fovs', 'ovs-bridge')],
    ovsBridges: [ovsBridge('fovs', { ports: [ovsPort('fovs', { type: 'internal' }), ovsPort('fp0', { tag: 5 })], failMode: 'secure' })],
  });
  s = withLinuxBridge(s, 'fbr0', { ports: ['f0', 'f1'], bridge: { stp: { enabled: true, priority: 100, forwardDelay: 4, helloTime: 2, maxAge: 20 } } });
  s.links.find((l) => l.name === 'fbr0')!.addresses.push({ family: 'inet', address: '10.9.0.1', prefixLength: 24, scope: 'global' });
  const other = mustParse({
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name: 'other' },
    switches: [
      { name: 'obr', ports: [{ name: 'o0' }], addresses: ['10.8.0.1/24'], stp: { enabled: true } },
      { name: 'oovs', type: 'ovs', datapath: 'netdev', portGroups: [{ name: 'g', vlan: 7 }], ports: [{ name: 'oi0', internal: true, portGroup: 'g' }] },
    ],
    overlays: [{ name: 'ovx', type: 'vxlan', vni: 99, remote: '192.0.2.99', switch: 'obr' }],
  });
  expect(validateSpec(other, s)).toEqual([]);
  return applyPlan(s, plan(s, other));
}

const vlanId = fc.integer({ min: 1, max: 4094 });
const smallVlan = fc.constantFrom(1, 10, 20, 30, 4094);
const trunk = fc.uniqueArray(fc.oneof(smallVlan, fc.constantFrom('100-103', '30-32')), { minLength: 1, maxLength: 3 });
const groupArb = (name: string) =>
  fc.oneof(
    fc.constant({ name }),
    smallVlan.map((vlan) => ({ name, vlan })),
    trunk.map((t) => ({ name, trunk: t })),
  );
const stpArb = fc.option(
  fc.record({ enabled: fc.boolean(), priority: fc.option(fc.constantFrom(0, 4096, 32768, 61440), { nil: undefined }), forwardDelay: fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }), helloTime: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }), maxAge: fc.option(fc.integer({ min: 6, max: 40 }), { nil: undefined }) }, { requiredKeys: ['enabled'] }),
  { nil: undefined },
);
const addrArb = fc.subarray(['10.1.0.1/24', '10.2.0.1/16', 'fd00::1/64']);

interface SwitchPlan {
  name: string;
  type: 'linux' | 'ovs';
  members: number;
}

/** A spec named ws over the pool; names and members are drawn so the spec is structurally sound. */
const specArb = fc
  .record({
    switches: fc.uniqueArray(
      fc.record({ name: fc.constantFrom(...SWITCH_NAMES), type: fc.constantFrom<'linux' | 'ovs'>('linux', 'ovs'), members: fc.integer({ min: 0, max: 3 }) }),
      { selector: (s: SwitchPlan) => s.name, maxLength: 3 },
    ),
    order: fc.shuffledSubarray(POOL, { minLength: POOL.length, maxLength: POOL.length }),
    details: fc.array(
      fc.record({
        stp: stpArb,
        mtu: fc.option(fc.constantFrom(1500, 9000), { nil: undefined }),
        addresses: addrArb,
        vlanFiltering: fc.option(fc.boolean(), { nil: undefined }),
        ageingTime: fc.option(fc.constantFrom(0, 30, 300), { nil: undefined }),
        multicastSnooping: fc.option(fc.boolean(), { nil: undefined }),
        groups: fc.tuple(groupArb('g1'), groupArb('g2')),
        memberGroup: fc.array(fc.constantFrom(undefined, 'g1', 'g2'), { minLength: 3, maxLength: 3 }),
        uplinkCount: fc.integer({ min: 0, max: 2 }),
        internal: fc.subarray(INTERNAL_NAMES, { maxLength: 2 }),
        controller: fc.option(fc.record({ target: fc.constantFrom('tcp:127.0.0.1:6653', 'ptcp:6654'), protocols: fc.option(fc.subarray(['OpenFlow10', 'OpenFlow13', 'OpenFlow14'] as const, { minLength: 1 }), { nil: undefined }) }, { requiredKeys: ['target'] }), { nil: undefined }),
        failMode: fc.option(fc.constantFrom<'standalone' | 'secure'>('standalone', 'secure'), { nil: undefined }),
      }),
      { minLength: 3, maxLength: 3 },
    ),
    vlan: fc.option(fc.record({ id: vlanId, parentIdx: fc.integer({ min: 0, max: 7 }) }), { nil: undefined }),
    bond: fc.option(fc.record({ members: fc.integer({ min: 1, max: 2 }), mode: fc.constantFrom<'active-backup' | 'balance-rr'>('active-backup', 'balance-rr'), uplinkOf: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) }), { nil: undefined }),
    overlays: fc.uniqueArray(
      fc.record({ name: fc.constantFrom('vxa', 'vxb'), vni: fc.constantFrom(1, 42, 16_777_215), remote: fc.option(fc.constantFrom('192.0.2.1', '192.0.2.2'), { nil: undefined }), dstPort: fc.option(fc.constantFrom(4789, 8472), { nil: undefined }), switchIdx: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) }),
      { selector: (o) => o.name, maxLength: 2 },
    ),
    // Linux-bridge mirrors (tc mirred): the switch's first ports copied to its last member.
    mirror: fc.option(fc.record({ switchIdx: fc.integer({ min: 0, max: 2 }), sources: fc.integer({ min: 1, max: 2 }), direction: fc.constantFrom<'ingress' | 'egress' | 'both'>('ingress', 'egress', 'both') }), { nil: undefined }),
  })
  .map((r): NetworkSpecInput => {
    const free = [...r.order];
    const usedInternal = new Set<string>();
    const switches = r.switches.map((s, i) => {
      const d = r.details[i]!;
      const members = free.splice(0, s.members);
      const uplinks = members.slice(0, Math.min(d.uplinkCount, members.length));
      const portNames = members.slice(uplinks.length);
      const linuxVlans = s.type === 'linux' && d.vlanFiltering === true;
      const groups = s.type === 'ovs' || linuxVlans ? d.groups : d.groups.map((g) => ({ name: g.name }));
      const ports: { name: string; portGroup?: string; internal?: boolean }[] = portNames.map((name, j) => ({ name, ...(d.memberGroup[j] ? { portGroup: d.memberGroup[j] } : {}) }));
      if (s.type === 'ovs') {
        for (const n of d.internal) {
          if (usedInternal.has(n)) continue;
          usedInternal.add(n);
          ports.push({ name: n, internal: true, portGroup: 'g1' });
        }
      }
      const common = { name: s.name, type: s.type, uplinks, ports, portGroups: groups, addresses: d.addresses, ...(d.mtu ? { mtu: d.mtu } : {}) };
      if (s.type === 'ovs') return { ...common, datapath: 'netdev' as const, ...(d.controller ? { controller: d.controller } : {}), ...(d.failMode ? { failMode: d.failMode } : {}) };
      return {
        ...common,
        ...(d.stp ? { stp: d.stp } : {}),
        ...(d.vlanFiltering !== undefined ? { vlanFiltering: d.vlanFiltering } : {}),
        ...(d.ageingTime !== undefined ? { ageingTime: d.ageingTime } : {}),
        ...(d.multicastSnooping !== undefined ? { multicastSnooping: d.multicastSnooping } : {}),
      };
    });
    const vlans = r.vlan ? [{ name: 'vl0', parent: POOL[r.vlan.parentIdx]!, id: r.vlan.id }] : [];
    const bondMembers = r.bond ? free.splice(0, r.bond.members) : [];
    const bonds = r.bond && bondMembers.length ? [{ name: 'bd0', mode: r.bond.mode, members: bondMembers }] : [];
    const carrier = r.bond?.uplinkOf !== undefined ? switches[r.bond.uplinkOf] : undefined;
    if (bonds.length && carrier) carrier.uplinks = [...carrier.uplinks, 'bd0'];
    const overlays = r.overlays.map((o) => {
      const sw = o.switchIdx !== undefined ? switches[o.switchIdx] : undefined;
      return { name: o.name, type: 'vxlan' as const, vni: o.vni, ...(o.remote ? { remote: o.remote } : {}), ...(o.dstPort ? { dstPort: o.dstPort } : {}), ...(sw ? { switch: sw.name } : {}) };
    });
    const mirrors = mirrorOf(r.mirror, switches, overlays);
    return { apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name: 'ws' }, switches, vlans, bonds, overlays, mirrors };
  });

function mirrorOf(m: { switchIdx: number; sources: number; direction: 'ingress' | 'egress' | 'both' } | undefined, switches: NonNullable<NetworkSpecInput['switches']>, overlays: { name: string; switch?: string }[]): NonNullable<NetworkSpecInput['mirrors']> {
  const sw = m ? switches[m.switchIdx] : undefined;
  if (!m || !sw || sw.type !== 'linux') return [];
  const members = [...(sw.uplinks ?? []), ...(sw.ports ?? []).map((p) => p.name), ...overlays.filter((o) => o.switch === sw.name).map((o) => o.name)];
  if (members.length < 2) return [];
  const output = members[members.length - 1]!;
  return [{ name: 'tap', switch: sw.name, sources: members.slice(0, Math.min(m.sources, members.length - 1)), direction: m.direction, output }];
}

const scenarioArb = fc.record({ up: fc.array(fc.boolean(), { minLength: POOL.length, maxLength: POOL.length }), first: specArb, second: specArb });

/** Start (S0 + other spec), ours applied once (S1), then the spec under test. Null when a spec does not validate. */
function scenario(sc: { up: boolean[]; first: NetworkSpecInput; second: NetworkSpecInput }) {
  const s0 = startState(sc.up);
  const first = mustParse(sc.first);
  if (validateSpec(first, s0).length) return null;
  const s1 = applyPlan(s0, plan(s0, first));
  const second = mustParse(sc.second);
  if (validateSpec(second, s1).length) return null;
  return { s0, s1, first, second };
}

const touched = (op: Operation): string[] => {
  const o = op as Record<string, unknown>;
  return ['name', 'dev', 'bridge', 'master', 'parent'].map((k) => o[k]).filter((v): v is string => typeof v === 'string');
};

const RUNS = Number(process.env.NOVANET_FC_RUNS ?? 300);

describe('planner properties (fast-check, simulated host)', () => {
  it('generated scenarios mostly validate (the generator is not vacuous)', () => {
    const samples = fc.sample(scenarioArb, { numRuns: 200, seed: 1 });
    const ok = samples.map(scenario).filter(Boolean);
    expect(ok.length).toBeGreaterThan(100);
    // Mirrors are created, kept, changed or removed in a fair share of them.
    expect(ok.filter((x) => x!.second.mirrors.length + x!.first.mirrors.length > 0).length).toBeGreaterThan(10);
  });

  it('plans pass the helper schema, render, apply cleanly, and replanning the result gives zero steps', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const s = scenario(sc);
        fc.pre(s !== null);
        const { s1, second } = s!;
        const p = plan(s1, second);
        expect(planSchema.safeParse(p).success).toBe(true);
        for (const step of p.steps) {
          for (const op of [step.op, ...step.inverse]) expect(() => (toolOf(op) === 'ovs-vsctl' ? ovsWords(op) : batchWords(op))).not.toThrow();
          expect(step.argv.length).toBeGreaterThan(2);
        }
        const s2 = applyPlan(s1, p);
        const again = plan(s2, second);
        expect(again.steps.map((x) => x.description)).toEqual([]);
        expect(validateSpec(second, s2)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('every prefix of the plan is undone exactly by its inverses in reverse', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const s = scenario(sc);
        fc.pre(s !== null);
        const { s1, second } = s!;
        const p = plan(s1, second);
        const start = canonicalState(s1);
        let state = s1;
        for (let k = 0; k <= p.steps.length; k++) {
          expect(canonicalState(undoSteps(state, p.steps.slice(0, k))), `undo after ${k} of ${p.steps.length} steps`).toEqual(start);
          if (k < p.steps.length) state = applyOps(state, [p.steps[k]!.op]);
        }
      }),
      // Quadratic in the plan length: fewer runs keep the suite in seconds (NOVANET_FC_RUNS raises all of them).
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, 120_000);

  it("foreign objects and another spec's objects are never named by a step and come out unchanged", () => {
    fc.assert(
      fc.property(scenarioArb, fc.boolean(), (sc, removeAll) => {
        const s = scenario(sc);
        fc.pre(s !== null);
        const { s1 } = s!;
        const second = removeAll ? mustParse({ apiVersion: 'novanet/v1', kind: 'HostNetwork', metadata: { name: 'ws' } }) : s!.second;
        const p = plan(s1, second);
        const protectedNames = new Set([...FOREIGN.links, ...OTHER.links]);
        for (const step of p.steps) for (const op of [step.op, ...step.inverse]) for (const n of touched(op)) expect(protectedNames.has(n), `${step.description} names ${n}`).toBe(false);
        const s2 = applyPlan(s1, p);
        const pick = (st: HostState) => {
          const c = canonicalState(st);
          return {
            links: c.links.filter((l) => protectedNames.has(l.name)),
            bridges: c.bridges.filter((b) => protectedNames.has(b.name)),
            ovs: c.ovs.filter((b) => [...FOREIGN.ovs, ...OTHER.ovs].includes(b.name)),
          };
        };
        expect(pick(s2)).toEqual(pick(s1));
        if (removeAll) {
          // Nothing of ours is left: no alias, no owned OVS bridge or port.
          expect(s2.links.filter((l) => l.alias === 'novanet:ws')).toEqual([]);
          expect(s2.ovsBridges.flatMap((b) => [b, ...b.ports]).filter((x) => x.externalIds['novanet-owner'] === 'ws')).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
