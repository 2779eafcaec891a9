/** Port-group VLANs on VLAN-filtering Linux bridges: `bridge vlan` per port, diffed against what the port has. */
import type { HostState } from '../model/host-state';
import { expandTrunk, type NetworkSpec, type PortGroupSpec } from '../spec/schema';
import type { Operation } from './operations';
import { PHASE, type StepList } from './step-list';

interface PortVlan {
  vid: number;
  pvid: boolean;
  untagged: boolean;
}

/** The VLANs a port in this group carries. A group with neither vlan nor trunk is the default VLAN 1. */
export function groupVlans(g: PortGroupSpec | undefined): PortVlan[] {
  if (!g || (g.vlan === undefined && !g.trunk)) return [{ vid: 1, pvid: true, untagged: true }];
  if (g.vlan !== undefined) return [{ vid: g.vlan, pvid: true, untagged: true }];
  const tagged = expandTrunk(g.trunk ?? []).filter((v) => v !== g.nativeVlan).map((vid) => ({ vid, pvid: false, untagged: false }));
  return g.nativeVlan !== undefined ? [{ vid: g.nativeVlan, pvid: true, untagged: true }, ...tagged] : tagged;
}

const DEFAULT: PortVlan[] = [{ vid: 1, pvid: true, untagged: true }];

/**
 * Operations that give `port` back the VLANs it has now on the VLAN-filtering bridge `master`, to run after it is
 * enslaved again (which gives it the default VLAN 1 only). Empty when it has just the default.
 */
export function vlansBack(state: HostState, port: string, master: string): Operation[] {
  const br = state.bridges.find((b) => b.name === master);
  const vlans = br?.vlanFiltering ? br.ports.find((p) => p.name === port)?.vlans : undefined;
  if (!vlans || (vlans.length === 1 && sameVlan(vlans[0]!, DEFAULT[0]!))) return [];
  // Adding the PVID first takes the flag off VLAN 1, so deleting VLAN 1 afterwards leaves the PVID where it was.
  const ordered = [...vlans].sort((a, b) => Number(b.pvid) - Number(a.pvid));
  return [
    ...ordered.map((v): Operation => ({ op: 'bridge.vlan.add', dev: port, vid: v.vid, pvid: v.pvid, untagged: v.untagged })),
    ...(vlans.some((v) => v.vid === 1) ? [] : [{ op: 'bridge.vlan.del' as const, dev: port, vid: 1 }]),
  ];
}

const sameVlan = (a: PortVlan, b: PortVlan) => a.vid === b.vid && a.pvid === b.pvid && a.untagged === b.untagged;

/** `rejoined`: ports this plan re-creates or takes out and puts back, which start again from the default VLAN. */
export function planLinuxBridgeVlans(out: StepList, spec: NetworkSpec, state: HostState, rejoined: ReadonlySet<string> = new Set()): void {
  for (const sw of spec.switches) {
    if (sw.type !== 'linux' || !sw.vlanFiltering) continue;
    const br = state.bridges.find((b) => b.name === sw.name);
    // Uplinks carry every VLAN the switch's port groups use, tagged, plus the default VLAN untagged: as a
    // vSphere uplink does. A port listed with a group of its own is planned by that group.
    const used = [...new Set(sw.portGroups.flatMap((g) => groupVlans(g).map((v) => v.vid)))].filter((v) => v !== 1).sort((a, b) => a - b);
    const uplinkVlans = [{ vid: 1, pvid: true, untagged: true }, ...used.map((vid) => ({ vid, pvid: false, untagged: false }))];
    const members = [
      ...sw.uplinks.map((name) => ({ name, portGroup: 'uplink', want: uplinkVlans })),
      ...sw.ports.filter((p) => p.portGroup).map((p) => ({ name: p.name, portGroup: p.portGroup as string, want: groupVlans(sw.portGroups.find((g) => g.name === p.portGroup)) })),
    ];
    for (const port of members) {
      const want = port.want;
      // A port that joins now, or a bridge that starts filtering now, starts from the kernel's default VLAN 1.
      const observed = br?.vlanFiltering && !rejoined.has(port.name) ? br.ports.find((p) => p.name === port.name)?.vlans ?? DEFAULT : DEFAULT;
      const obj = `switch ${sw.name}`;
      for (const w of want) {
        const o = observed.find((x) => x.vid === w.vid);
        if (o && o.pvid === w.pvid && o.untagged === w.untagged) continue;
        const flags = `${w.pvid ? ' PVID' : ''}${w.untagged ? ' untagged' : ' tagged'}`;
        // A port has one PVID: setting it here takes the flag off the VLAN that had it, so the inverse gives it back.
        const oldPvid = w.pvid ? observed.find((x) => x.pvid && x.vid !== w.vid) : undefined;
        out.add(
          PHASE.bridgeVlans,
          obj,
          `Put ${port.name} in VLAN ${w.vid}${flags} (${port.portGroup})`,
          { op: 'bridge.vlan.add', dev: port.name, vid: w.vid, pvid: w.pvid, untagged: w.untagged },
          [
            o ? { op: 'bridge.vlan.add', dev: port.name, vid: o.vid, pvid: o.pvid, untagged: o.untagged } : { op: 'bridge.vlan.del', dev: port.name, vid: w.vid },
            ...(oldPvid ? [{ op: 'bridge.vlan.add' as const, dev: port.name, vid: oldPvid.vid, pvid: true, untagged: oldPvid.untagged }] : []),
          ],
        );
      }
      for (const o of observed) {
        if (want.some((w) => w.vid === o.vid)) continue;
        out.add(PHASE.bridgeVlans + 1, obj, `Take ${port.name} out of VLAN ${o.vid}`, { op: 'bridge.vlan.del', dev: port.name, vid: o.vid }, [
          { op: 'bridge.vlan.add', dev: port.name, vid: o.vid, pvid: o.pvid, untagged: o.untagged },
        ]);
      }
    }
  }
}
