/**
 * Discovery against real tools: a lab built in throwaway namespaces (with its own OVS instance), compared with
 * what the tools themselves print; failures of single sources reported, never thrown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { discover } from '../../electron/services/discovery/index';
import { labDown, labUp, type LabInfo } from '../../electron/services/lab';
import { buildGraph } from '../../shared/topology/build-graph';
import { watchTarget } from '../../electron/services/watch';
import { NotFoundError } from '../../shared/ipc/errors';
import { skipSuite } from '../support/requirements';

const LAB = `nnit${process.pid % 100000}`;
const skip = skipSuite('discovery (integration)', {
  root: true,
  tools: ['ip', 'bridge', 'ovs-vsctl', 'ovsdb-server', 'ovs-vswitchd', 'ovsdb-client'],
});

const ipJson = (...args: string[]) => JSON.parse(execFileSync('ip', args, { encoding: 'utf8' })) as { ifname: string; ifindex: number; address?: string; mtu: number; master?: string }[];

describe.skipIf(skip)('discovery of a lab namespace', () => {
  let lab: LabInfo;
  beforeAll(async () => {
    lab = await labUp(LAB);
  });
  afterAll(async () => {
    await labDown(LAB);
  });

  it('reports every link the kernel lists, with the same index, MAC, MTU and master', async () => {
    const state = await discover(lab.target);
    expect(state.sources.ip.status).toBe('ok');
    const kernel = ipJson('-n', LAB, '-j', 'link', 'show');
    expect(state.links.map((l) => l.name).sort()).toEqual(kernel.map((k) => k.ifname).sort());
    for (const k of kernel) {
      const l = state.links.find((x) => x.name === k.ifname);
      expect(l?.ifindex).toBe(k.ifindex);
      expect(l?.mac).toBe(k.address);
      expect(l?.mtu).toBe(k.mtu);
      if (k.master) expect(l?.master).toBe(k.master);
    }
  });

  it('classifies the lab: veth uplinks with peers across namespaces, bridge, vxlan, macvlan', async () => {
    const state = await discover(lab.target);
    const by = (n: string) => state.links.find((l) => l.name === n);
    expect(by('enp3s0')).toMatchObject({ kind: 'veth', master: 'br0', peer: { netns: `${LAB}-up`, name: 'up0' } });
    expect(by('vm2-eth0')).toMatchObject({ kind: 'veth', master: 'br0', peer: { netns: `${LAB}-vm2`, name: 'eth0' } });
    expect(by('vx100')).toMatchObject({ kind: 'vxlan', parent: 'enp4s0', vxlan: { vni: 100, remote: '192.0.2.20', dstPort: 4789 } });
    expect(by('mv0')).toMatchObject({ kind: 'macvlan', parent: 'enp4s0' });
    expect(by('br0')?.addresses.map((a) => a.address)).toContain('10.77.0.1');
    const br0 = state.bridges.find((b) => b.name === 'br0');
    expect(br0?.stp).toMatchObject({ enabled: true, forwardDelay: 4, helloTime: 2, maxAge: 20 });
    const bridgePorts = (JSON.parse(execFileSync('bridge', ['-n', LAB, '-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string; master: string }[])
      .filter((p) => p.master === 'br0')
      .map((p) => p.ifname)
      .sort();
    expect(br0?.ports.map((p) => p.name).sort()).toEqual(bridgePorts);
  });

  it('reads the OVS instance running inside the namespace through its own socket', async () => {
    const state = await discover(lab.target);
    expect(state.sources.ovs.status).toBe('ok');
    const ovs = state.ovsBridges.find((b) => b.name === 'ovsbr0');
    expect(ovs?.datapathType).toBe('netdev');
    const vsctlPorts = execFileSync('ovs-vsctl', [`--db=${lab.target.ovsDb}`, 'list-ports', 'ovsbr0'], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(ovs?.ports.filter((p) => p.name !== 'ovsbr0').map((p) => p.name).sort()).toEqual(vsctlPorts);
    expect(ovs?.ports.find((p) => p.name === 'vm4-eth0')?.tag).toBe(10);
    expect(ovs?.ports.find((p) => p.name === 'enp4s0-trunk')?.trunks).toEqual([10, 20]);
    expect(state.links.find((l) => l.name === 'ovs-gw')?.kind).toBe('ovs-internal');
    const graph = buildGraph(state);
    expect(graph.nodes.find((n) => n.id === 'ovsport:ovsbr0:vm4-eth0')).toMatchObject({ kind: 'ovs-port', sublabel: 'VLAN 10' });
    expect(graph.edges.some((e) => e.kind === 'member' && e.source === 'ovsport:ovsbr0:vm4-eth0' && e.target === 'ovs:ovsbr0')).toBe(true);
  });

  it('reports a dead OVS socket and a missing libvirt per source while the rest still renders', async () => {
    const state = await discover({ netns: LAB, ovsDb: 'unix:/run/novanet/does-not-exist.sock', libvirtUri: 'test+unix:///nonexistent' });
    expect(state.sources.ovs.status).toBe('error');
    expect(state.sources.ovs.message).toMatch(/does not answer|failed/);
    expect(state.sources.libvirt.status).toBe('error');
    expect(state.sources.ip.status).toBe('ok');
    expect(state.links.length).toBeGreaterThan(5);
  });

  it('fails with NotFoundError for a namespace that does not exist', async () => {
    await expect(discover({ netns: 'novanet-no-such-ns' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pushes a debounced change when a link appears', async () => {
    const changes: string[][] = [];
    const w = watchTarget(lab.target, (r) => changes.push(r), 100);
    await new Promise((r) => setTimeout(r, 700));
    changes.length = 0;
    const t0 = Date.now();
    execFileSync('ip', ['-n', LAB, 'link', 'add', 'nn-new0', 'type', 'veth', 'peer', 'name', 'nn-new1']);
    while (changes.length === 0 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
    w.stop();
    expect(changes.flat()).toContain('links');
    expect(Date.now() - t0).toBeLessThan(2000);
    const state = await discover(lab.target);
    expect(state.links.find((l) => l.name === 'nn-new0')).toMatchObject({ kind: 'veth', peer: { name: 'nn-new1' } });
  });
});
