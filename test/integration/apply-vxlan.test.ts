/**
 * A VXLAN overlay between two namespaces, each side a spec of its own (a Linux bridge with an address and a
 * VXLAN over a veth underlay), applied by the real helper; pings cross the overlay. Changing the VNI on one side
 * re-creates its tunnel (and cuts the overlay), and the same change on the other side restores it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Target } from '../../shared/model/target';
import type { NetworkSpecInput } from '../../shared/spec/schema';
import { HELPER_EXIT } from '../../shared/plan/helper-protocol';
import { discover } from '../../electron/services/discovery/index';
import { applyRequest, pingFrom, planSpec, replanSteps, runHelper, Sandbox } from '../support/apply-harness';
import { kernelLacks, skipSuite } from '../support/requirements';

const skip = skipSuite('apply: VXLAN overlay (integration)', { root: true, tools: ['ip', 'ping'] });

const side = (me: string, peer: string, addr: string, vni = 10001): NetworkSpecInput => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name: 'overlay' },
  switches: [{ name: 'br-t1', addresses: [addr] }],
  overlays: [{ name: 'vx-t1', type: 'vxlan', vni, local: me, remote: peer, dstPort: 4789, dev: 'under0', switch: 'br-t1' }],
});

describe.skipIf(skip)('apply: VXLAN overlay between two namespaces', () => {
  let sb: Sandbox;
  let a: string;
  let b: string;
  let ta: Target;
  let tb: Target;
  const A = () => side('192.0.2.1', '192.0.2.2', '10.80.0.1/24');
  const B = () => side('192.0.2.2', '192.0.2.1', '10.80.0.2/24');

  beforeAll(async () => {
    sb = new Sandbox('nnav');
    [a, b] = (await sb.addNamespaces('a', 'b')) as [string, string];
    ta = { netns: a };
    tb = { netns: b };
    // The underlay: one veth between the namespaces.
    await sb.ip(a, [`link add under0 type veth peer name under0 netns ${b}`, 'addr add 192.0.2.1/24 dev under0', 'link set under0 up']);
    await sb.ip(b, ['addr add 192.0.2.2/24 dev under0', 'link set under0 up']);
  });
  afterAll(async () => {
    await sb?.destroy();
  });

  it('applies both sides; discovery shows the tunnel in the bridge; re-planning is empty on both', async (ctx) => {
    const pa = await planSpec(ta, A());
    if (pa.before.capabilities?.features.vxlan?.available === false) return ctx.skip(kernelLacks('VXLAN'));
    const pb = await planSpec(tb, B());
    expect(pa.plan.steps.map((s) => s.argv.slice(3).join(' '))).toContain('link add vx-t1 type vxlan id 10001 local 192.0.2.1 remote 192.0.2.2 dstport 4789 dev under0');
    for (const p of [pa, pb]) {
      const r = await runHelper(applyRequest(p.plan), { stateDir: sb.stateDir });
      expect(r.code, r.stderr + JSON.stringify(r.events)).toBe(HELPER_EXIT.committed);
    }
    const sa = await discover(ta, { resolvePeers: false });
    expect(sa.links.find((l) => l.name === 'vx-t1')).toMatchObject({ kind: 'vxlan', master: 'br-t1', alias: 'novanet:overlay', adminUp: true, parent: 'under0', vxlan: { vni: 10001, local: '192.0.2.1', remote: '192.0.2.2', dstPort: 4789 } });
    expect(await replanSteps(ta, pa.spec)).toEqual([]);
    expect(await replanSteps(tb, pb.spec)).toEqual([]);
  });

  it('carries pings across the overlay, both ways', async () => {
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++) ok = await pingFrom(a, '10.80.0.2', 1, 1);
    expect(ok, 'A -> B over vx-t1').toBe(true);
    expect(await pingFrom(b, '10.80.0.1', 3, 1), 'B -> A over vx-t1').toBe(true);
  });

  it('a VNI change on one side re-creates its tunnel and cuts the overlay; the same change on the other side restores it', async () => {
    const pa = await planSpec(ta, side('192.0.2.1', '192.0.2.2', '10.80.0.1/24', 10002));
    expect(pa.plan.steps.map((s) => s.op.op)).toEqual(['link.set.master', 'link.del', 'link.add.vxlan', 'link.set.alias', 'link.set.state', 'link.set.master']);
    expect((await runHelper(applyRequest(pa.plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    expect(await replanSteps(ta, pa.spec)).toEqual([]);
    expect(await pingFrom(a, '10.80.0.2', 2, 1), 'VNI 10002 vs 10001').toBe(false);
    const pb = await planSpec(tb, side('192.0.2.2', '192.0.2.1', '10.80.0.2/24', 10002));
    expect((await runHelper(applyRequest(pb.plan), { stateDir: sb.stateDir })).code).toBe(HELPER_EXIT.committed);
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++) ok = await pingFrom(a, '10.80.0.2', 1, 1);
    expect(ok).toBe(true);
  });
});
