/**
 * "Bridge my NIC" in the planner, run on the simulator: a NIC with an address, a MAC and the default route becomes
 * the uplink of a new bridge that has them all; every step is one `ip` line in one batch, replanning is empty,
 * the inverses restore the NIC exactly, and validation refuses a switch that would strand a default route.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import type { NetworkSpecInput } from '../../../shared/spec/schema';
import { plan as makePlan } from '../../../shared/plan/planner';
import { toolOf } from '../../../shared/plan/operations';
import { exportSpec } from '../../../shared/plan/export';
import { applyPlan, canonicalState, hostState, undoSteps, veth, withLinuxBridge } from './sim';

const MAC = '52:54:00:12:34:56';
const before = () => {
  const s = hostState({
    links: [
      veth('eth0', {
        adminUp: true,
        mac: MAC,
        addresses: [{ family: 'inet', address: '192.168.7.10', prefixLength: 24, scope: 'global' }],
      }),
    ],
  });
  s.defaultRoutes = [{ gateway: '192.168.7.1', dev: 'eth0', metric: 100 }];
  return s;
};

function spec(sw: Record<string, unknown>) {
  const input = {
    apiVersion: 'novanet/v1',
    kind: 'HostNetwork',
    metadata: { name: 'ws' },
    switches: [{ name: 'br0', ...sw }],
  } as NetworkSpecInput;
  const r = parseSpec(input);
  if (!r.spec) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}
const bridged = () => spec({ uplinks: ['eth0'], addresses: ['192.168.7.10/24'], mac: MAC, gateway: '192.168.7.1' });

describe('bridge my NIC', () => {
  it('moves the address, MAC and default route to the bridge in one ip batch, route after address', () => {
    const s = bridged();
    expect(validateSpec(s, before())).toEqual([]);
    const p = makePlan(before(), s);
    expect(p.steps.map((x) => x.description)).toEqual([
      'Create Linux bridge br0',
      'Mark br0 as owned by ws',
      'Bring br0 up',
      `Give br0 the MAC address ${MAC}`,
      'Add eth0 to br0',
      'Remove the default route via 192.168.7.1 from eth0',
      'Move address 192.168.7.10/24 from eth0 to br0',
      'Add address 192.168.7.10/24 to br0',
      'Route the default route via 192.168.7.1 through br0',
    ]);
    expect(new Set(p.steps.map((x) => toolOf(x.op)))).toEqual(new Set(['ip']));
    expect(p.steps.at(-1)!.argv).toEqual([
      'ip',
      '-n',
      'sim',
      'route',
      'add',
      'default',
      'via',
      '192.168.7.1',
      'dev',
      'br0',
      'metric',
      '100',
    ]);
    expect(p.steps[3]!.argv).toEqual(['ip', '-n', 'sim', 'link', 'set', 'dev', 'br0', 'address', MAC]);

    const after = applyPlan(before(), p);
    const br = after.links.find((l) => l.name === 'br0')!;
    expect(br.mac).toBe(MAC);
    expect(canonicalState(after).links.find((l) => l.name === 'br0')!.addresses).toEqual(['192.168.7.10/24']);
    expect(canonicalState(after).links.find((l) => l.name === 'eth0')).toMatchObject({ master: 'br0', addresses: [] });
    expect(after.defaultRoutes).toEqual([{ gateway: '192.168.7.1', dev: 'br0', metric: 100 }]);
    expect(makePlan(after, s).steps).toEqual([]);

    // Exported, the bridged NIC keeps its MAC and gateway, and the export plans nothing.
    const exported = exportSpec(after, 'ws');
    expect(exported.switches?.[0]).toMatchObject({
      name: 'br0',
      addresses: ['192.168.7.10/24'],
      mac: MAC,
      gateway: '192.168.7.1',
    });
    const back = parseSpec(exported);
    expect(back.issues).toEqual([]);
    expect(makePlan(after, back.spec!).steps).toEqual([]);
  });

  it('rolls back exactly from every step: address first, then the NIC route', () => {
    const p = makePlan(before(), bridged());
    for (let k = 0; k <= p.steps.length; k++) {
      const partial = applyPlan(before(), { ...p, steps: p.steps.slice(0, k) });
      const undone = undoSteps(partial, p.steps.slice(0, k));
      expect(canonicalState(undone), `undo after ${k} steps`).toEqual(canonicalState(before()));
    }
  });

  it('refuses to strand a default route, a gateway outside the subnets, and the fields on OVS', () => {
    const issues = (sw: Record<string, unknown>) => validateSpec(spec(sw), before());
    expect(issues({ uplinks: ['eth0'], addresses: ['192.168.7.10/24'] })).toEqual([
      {
        path: 'switches[0].uplinks[0]',
        message:
          'eth0 carries the default route via 192.168.7.1, which stops working once eth0 is a port: set gateway: 192.168.7.1 (and its address) on br0 to move it there',
      },
    ]);
    expect(issues({ uplinks: ['eth0'], addresses: ['10.1.0.1/24'], gateway: '192.168.7.1' })).toContainEqual({
      path: 'switches[0].gateway',
      message: "192.168.7.1 is in none of the switch's subnets: add the address that reaches it to addresses",
    });
    expect(issues({ type: 'ovs', mac: MAC })).toContainEqual({
      path: 'switches[0].mac',
      message: 'applies to Linux bridges only (type: linux)',
    });
    expect(
      parseSpec({
        apiVersion: 'novanet/v1',
        kind: 'HostNetwork',
        metadata: { name: 'ws' },
        switches: [{ name: 'br0', mac: '01:00:5e:00:00:01' }],
      }).issues,
    ).toEqual([{ path: 'switches[0].mac', message: 'is a multicast address; a bridge needs a unicast MAC' }]);
  });
});

describe('bridge my NIC, over random NICs', () => {
  /** A NIC with 0-2 addresses of 10.20.<n>.0/24, maybe the default route (with or without a metric), maybe
   * already bridged by an earlier version of the spec (then the bridge exists, owned, with the NIC as port). */
  type Scenario = { nets: number[]; route: boolean; metric: number | undefined; mac: boolean; existing: boolean };
  const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
    nets: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 2 }),
    route: fc.boolean(),
    metric: fc.option(fc.constantFrom(0, 100, 600), { nil: undefined }),
    mac: fc.boolean(),
    existing: fc.boolean(),
  });

  function scenario(sc: Scenario) {
    const addresses = sc.nets.map((n) => ({
      family: 'inet' as const,
      address: `10.20.${n}.5`,
      prefixLength: 24,
      scope: 'global',
    }));
    let s = hostState({ links: [veth('eth0', { adminUp: true, mac: MAC, addresses })] });
    if (sc.existing) {
      s = withLinuxBridge(s, 'br0', { alias: 'novanet:ws' });
      s.links.find((l) => l.name === 'br0')!.mac = '02:00:00:00:00:01';
    }
    const gateway = `10.20.${sc.nets[0]}.1`;
    if (sc.route)
      s.defaultRoutes = [{ gateway, dev: 'eth0', ...(sc.metric !== undefined ? { metric: sc.metric } : {}) }];
    const sw = {
      uplinks: ['eth0'],
      addresses: sc.nets.map((n) => `10.20.${n}.5/24`),
      ...(sc.mac ? { mac: MAC } : {}),
      ...(sc.route ? { gateway } : {}),
    };
    return { state: s, spec: spec(sw) };
  }

  it('validates, applies, replans to nothing, and every prefix undoes to exactly the start', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const { state, spec: s } = scenario(sc);
        expect(validateSpec(s, state)).toEqual([]);
        const p = makePlan(state, s);
        expect(new Set(p.steps.map((x) => toolOf(x.op)))).toEqual(new Set(['ip']));
        const after = applyPlan(state, p);
        expect(makePlan(after, s).steps).toEqual([]);
        expect(after.defaultRoutes ?? []).toEqual(
          sc.route
            ? [
                {
                  gateway: s.switches[0]!.gateway,
                  dev: 'br0',
                  ...(sc.metric !== undefined ? { metric: sc.metric } : {}),
                },
              ]
            : [],
        );
        if (sc.mac) expect(after.links.find((l) => l.name === 'br0')!.mac).toBe(MAC);
        for (let k = 0; k <= p.steps.length; k++) {
          const partial = applyPlan(state, { ...p, steps: p.steps.slice(0, k) });
          const undone = undoSteps(partial, p.steps.slice(0, k));
          expect(canonicalState(undone)).toEqual(canonicalState(state));
          // The projection leaves MACs out (re-created links get new ones); a bridge kept across the undo keeps its own.
          const macOf = (x: typeof state) => x.links.find((l) => l.name === 'br0')?.mac;
          if (sc.existing) expect(macOf(undone)).toBe(macOf(state));
        }
      }),
      { numRuns: 200 },
    );
  });
});
