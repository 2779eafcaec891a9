/**
 * One name for a port group as the host shows it, used by the stats series (`pg:SWITCH:NAME`), by capture's node
 * ids for port groups (the same string) and by `novanet export` when it writes the group into a spec: `vlan10`,
 * `trunk-10-20`, `trunk-10-20-n5` (native VLAN 5). An OVS port's `external_ids:novanet-port-group` names the
 * spec's own group and wins; a libvirt port group keeps libvirt's name, under its network.
 */
import type { LinuxBridge, OvsPort } from './host-state';

export const PORT_GROUP_KEY = 'novanet-port-group';

export function vlanGroupName(g: { vlan?: number; trunk?: readonly number[]; nativeVlan?: number }): string {
  if (g.vlan !== undefined) return `vlan${g.vlan}`;
  return `trunk-${(g.trunk ?? []).join('-')}${g.nativeVlan !== undefined ? `-n${g.nativeVlan}` : ''}`;
}

export function ovsPortGroupName(p: Pick<OvsPort, 'tag' | 'trunks' | 'externalIds'>): string | undefined {
  const named = p.externalIds[PORT_GROUP_KEY];
  if (named) return named;
  if (p.tag !== undefined) return vlanGroupName({ vlan: p.tag });
  return p.trunks.length ? vlanGroupName({ trunk: p.trunks }) : undefined;
}

/** A VLAN-filtering bridge's port; a port with only the default VLAN 1 is in no group. */
export function bridgePortGroupName(
  br: Pick<LinuxBridge, 'vlanFiltering'>,
  p: LinuxBridge['ports'][number],
): string | undefined {
  if (!br.vlanFiltering || p.vlans.length === 0 || (p.vlans.length === 1 && p.vlans[0]?.vid === 1)) return undefined;
  const pvid = p.vlans.find((v) => v.pvid && v.untagged);
  const tagged = p.vlans.filter((v) => !v.untagged).map((v) => v.vid);
  if (tagged.length === 0 && pvid) return vlanGroupName({ vlan: pvid.vid });
  return vlanGroupName({ trunk: tagged, ...(pvid ? { nativeVlan: pvid.vid } : {}) });
}
