/**
 * The wizard's pure part on the simulator's host: candidates, what moves, the switch it writes; the written spec
 * validates against the host and plans the move the planner tests prove.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, validateSpec } from '../../../shared/spec/validate';
import { plan as makePlan } from '../../../shared/plan/planner';
import type { SpecDoc } from '../../../renderer/src/changes/spec-doc';
import {
  addBridgedNic,
  bridgeNameProblem,
  nicCandidates,
  nicMove,
  suggestBridgeName,
} from '../../../renderer/src/bridge-nic/bridge-nic-edit';
import { applyPlan, hostState, veth, withLinuxBridge } from '../plan/sim';
import { buildGraph } from '../../../shared/topology/build-graph';
import { pendingMarks } from '../../../renderer/src/changes/pending';

const MAC = '52:54:00:ab:cd:ef';
function host() {
  const s = withLinuxBridge(
    hostState({
      links: [
        veth('enp3s0', {
          adminUp: true,
          mac: '52:54:00:AB:CD:EF',
          addresses: [
            { family: 'inet', address: '192.168.1.20', prefixLength: 24, scope: 'global' },
            { family: 'inet6', address: 'fe80::1', prefixLength: 64, scope: 'link' },
          ],
        }),
        veth('enp4s0', { adminUp: true }),
      ],
    }),
    'br-old',
    { ports: ['vm1'] },
  );
  s.defaultRoutes = [{ gateway: '192.168.1.1', dev: 'enp3s0' }];
  return s;
}
const doc = (): SpecDoc => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: 'ws' },
  switches: [{ name: 'br-x', uplinks: ['enp4s0'] }],
});

describe('bridge my NIC wizard logic', () => {
  it('offers free interfaces first and says why the others cannot be bridged', () => {
    expect(nicCandidates(host(), doc())).toEqual([
      { name: 'enp3s0' },
      { name: 'enp4s0', blocked: 'already on br-x in this spec' },
      { name: 'vm1', blocked: 'already a port of br-old' },
    ]);
  });

  it('shows what moves: global addresses, the MAC, the default route', () => {
    expect(nicMove(host(), 'enp3s0')).toEqual({
      nic: 'enp3s0',
      mac: MAC,
      addresses: ['192.168.1.20/24'],
      route: { gateway: '192.168.1.1', dev: 'enp3s0' },
    });
    expect(nicMove(host(), 'enp4s0')).toEqual({ nic: 'enp4s0', addresses: [] });
  });

  it('names the bridge within 15 characters and refuses taken or invalid names', () => {
    expect(suggestBridgeName('enp3s0', [])).toBe('br-enp3s0');
    expect(suggestBridgeName('enx001122334455', ['br-enx001122334'])).toBe('br-enx001122331');
    expect(bridgeNameProblem('br-x', host(), doc())).toBe('the spec already has a switch named br-x');
    expect(bridgeNameProblem('br-old', host(), doc())).toBe('an interface named br-old exists already');
    expect(bridgeNameProblem('a b', host(), doc())).toMatch(/may contain only/);
    expect(bridgeNameProblem('br0', host(), doc())).toBeUndefined();
  });

  it('writes a switch that validates and plans the move of address, MAC and route', () => {
    const next = addBridgedNic({ ...doc(), switches: [] }, nicMove(host(), 'enp3s0'), 'br0');
    expect(next.switches).toEqual([
      {
        name: 'br0',
        type: 'linux',
        uplinks: ['enp3s0'],
        addresses: ['192.168.1.20/24'],
        mac: MAC,
        gateway: '192.168.1.1',
        portGroups: [],
        ports: [],
      },
    ]);
    const spec = parseSpec(next).spec!;
    expect(validateSpec(spec, host())).toEqual([]);
    const ops = makePlan(host(), spec).steps.map((s) => s.op.op);
    expect(ops).toEqual(
      expect.arrayContaining(['link.set.address', 'route.del.default', 'addr.del', 'addr.add', 'route.add.default']),
    );
  });

  it('marks the NIC as changing and the bridge as new in the graph before apply', () => {
    const h = { ...host(), target: {} };
    const spec = parseSpec(addBridgedNic({ ...doc(), switches: [] }, nicMove(h, 'enp3s0'), 'br0')).spec!;
    const marks = pendingMarks(makePlan(h, spec), buildGraph(h));
    expect(marks.get('link::enp3s0')).toBe('change');
    expect(marks.get('link::br0')).toBe('add');
    // Once bridged, a new MAC alone is a change of the bridge.
    const bridged = applyPlan(h, makePlan(h, spec));
    const remac = parseSpec({ ...addBridgedNic({ ...doc(), switches: [] }, nicMove(h, 'enp3s0'), 'br0') }).spec!;
    remac.switches[0]!.mac = '52:54:00:00:00:99';
    const p = makePlan(bridged, remac);
    expect(p.steps.map((x) => x.op.op)).toEqual(['link.set.address']);
    expect(pendingMarks(p, buildGraph(bridged)).get('link::br0')).toBe('change');
  });
});
