/**
 * Port groups have one name: the stats series of a group (`pg:OWNER:NAME`) is the graph node id capture resolves,
 * for OVS tags and trunks, VLAN-filtering Linux bridges and libvirt port groups. A group of several ports is
 * captured on the output of a mirror that copies all of them both ways: OVS, or NovaNet's tc mirred filters.
 */
import { describe, expect, it } from 'vitest';
import { buildAttribution } from '../../../electron/services/stats/attribution';
import { resolveNode } from '../../../electron/services/capture/resolve';
import { linkId, type HostState } from '../../../shared/model/host-state';
import { bridgePortGroupName, ovsPortGroupName, vlanGroupName } from '../../../shared/model/port-groups';
import { tcCookieFor, TC_PREF_MIN } from '../../../shared/plan/operations-tc';
import { labState, LAB } from '../support/lab-state';
import { hostState, linuxBridge, ovsBridge, ovsPort, veth, withLinuxBridge } from '../plan/sim';

function host(): HostState {
  let s = hostState({
    links: ['p1', 'p2', 'p3', 'p4', 'mon', 'q1', 'q2', 'q3'].map((n) => veth(n, { adminUp: true })),
    ovsBridges: [
      ovsBridge('ovs0', {
        ports: [
          ovsPort('ovs0', { type: 'internal' }),
          ovsPort('q1', { tag: 30 }),
          ovsPort('q2', { tag: 30 }),
          ovsPort('q3', { trunks: [10, 20] }),
        ],
      }),
    ],
  });
  s = withLinuxBridge(s, 'br0', { ports: ['p1', 'p2', 'p3', 'p4', 'mon'], bridge: { vlanFiltering: true } });
  const br = s.bridges.find((b) => b.name === 'br0')!;
  const vlan = (vid: number, pvid = true, untagged = true) => ({ vid, pvid, untagged });
  const ports: Record<string, ReturnType<typeof vlan>[]> = {
    p1: [vlan(10)],
    p2: [vlan(10)],
    p3: [vlan(5), vlan(20, false, false), vlan(30, false, false)],
    p4: [vlan(1)],
    mon: [vlan(1)],
  };
  for (const p of br.ports) p.vlans = ports[p.name] ?? [];
  return s;
}

describe('port group names', () => {
  it('are the names `novanet export` writes: vlanN, trunk-A-B, trunk-A-B-nN; a spec-named OVS port keeps its name', () => {
    expect(vlanGroupName({ vlan: 10 })).toBe('vlan10');
    expect(vlanGroupName({ trunk: [20, 30], nativeVlan: 5 })).toBe('trunk-20-30-n5');
    expect(ovsPortGroupName(ovsPort('x', { tag: 7 }))).toBe('vlan7');
    expect(ovsPortGroupName(ovsPort('x', { trunks: [1, 2] }))).toBe('trunk-1-2');
    expect(ovsPortGroupName(ovsPort('x', { tag: 7, externalIds: { 'novanet-port-group': 'dmz' } }))).toBe('dmz');
    expect(ovsPortGroupName(ovsPort('x'))).toBeUndefined();
    const br = linuxBridge('b', { vlanFiltering: true });
    expect(
      bridgePortGroupName(br, { name: 'x', state: 'forwarding', vlans: [{ vid: 1, pvid: true, untagged: true }] }),
    ).toBeUndefined();
    expect(
      bridgePortGroupName(
        { vlanFiltering: false },
        { name: 'x', state: 'forwarding', vlans: [{ vid: 10, pvid: true, untagged: true }] },
      ),
    ).toBeUndefined();
  });

  it('every port-group series is a node id capture resolves, to one of the series members or a mirror', () => {
    for (const state of [host(), labState()]) {
      const groups = buildAttribution(state, []).series.filter((s) => s.kind === 'portgroup');
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) {
        expect(g.nodeId).toBe(g.key);
        if (g.members.length === 1) expect(resolveNode(state, g.nodeId!).interface).toBe(g.members[0]);
        else
          expect(() => resolveNode(state, g.nodeId!)).toThrow(
            `has ${g.members.length} ports; capturing on all of them needs a mirror`,
          );
      }
    }
    const keys = buildAttribution(host(), [])
      .series.filter((s) => s.kind === 'portgroup')
      .map((s) => `${s.key} ${s.members.join(',')}`);
    expect(keys.sort()).toEqual([
      'pg:br0:trunk-20-30-n5 p3',
      'pg:br0:vlan10 p1,p2',
      'pg:ovs0:trunk-10-20 q3',
      'pg:ovs0:vlan30 q1,q2',
    ]);
  });

  it('a libvirt port group is named under its network in both', () => {
    const lab = labState();
    const nic = lab.domains.flatMap((d) => d.nics).find((n) => n.portGroup && n.type === 'network');
    if (!nic?.source || !nic.portGroup) throw new Error('the lab has a NIC in a port group');
    lab.links.push(veth('vnet0', { adminUp: true, master: 'br0', id: linkId(LAB, 'vnet0') }));
    nic.target = 'vnet0';
    const series = buildAttribution(lab, []).byKey.get(`pg:${nic.source}:${nic.portGroup}`);
    expect(series?.members).toEqual(['vnet0']);
    expect(resolveNode(lab, series!.nodeId!).interface).toBe('vnet0');
  });
});

describe('capturing on a port group of several ports', () => {
  it('uses the output of a Linux-bridge mirror (tc mirred) that copies every port both ways', () => {
    const s = host();
    const filter = (dev: string, direction: 'ingress' | 'egress') => ({
      dev,
      direction,
      pref: TC_PREF_MIN,
      kind: 'u32',
      mirredTo: 'mon',
      cookie: tcCookieFor('ws'),
    });
    s.tc = {
      clsact: ['p1', 'p2'],
      filters: [filter('p1', 'ingress'), filter('p1', 'egress'), filter('p2', 'ingress')],
    };
    expect(() => resolveNode(s, 'pg:br0:vlan10')).toThrow(/needs a mirror/);
    s.tc.filters.push(filter('p2', 'egress'));
    expect(resolveNode(s, 'pg:br0:vlan10')).toEqual({
      interface: 'mon',
      label: 'port group vlan10 on br0 (mirror to mon)',
    });
    // A foreign filter that happens to mirror is not NovaNet's mirror.
    s.tc.filters = s.tc.filters.map((f) => ({ ...f, cookie: undefined }));
    expect(() => resolveNode(s, 'pg:br0:vlan10')).toThrow(/needs a mirror/);
  });

  it('uses the output of an OVS mirror selecting every port both ways', () => {
    const s = host();
    const ovs = s.ovsBridges[0]!;
    ovs.ports.push(ovsPort('mon'));
    ovs.mirrors.push({
      uuid: 'm',
      name: 'm',
      selectAll: false,
      selectSrcPorts: ['q1', 'q2'],
      selectDstPorts: ['q1'],
      selectVlans: [],
      outputPort: 'mon',
      externalIds: {},
    });
    expect(() => resolveNode(s, 'pg:ovs0:vlan30')).toThrow(/needs a mirror/);
    ovs.mirrors[0]!.selectDstPorts.push('q2');
    expect(resolveNode(s, 'pg:ovs0:vlan30')).toMatchObject({ interface: 'mon' });
  });
});
