import type { Link, OvsBridge } from '../../../shared/model/host-state';
import { isOvsDatapathDevice } from '../../../shared/model/datapath-devices';


/**
 * The kernel sees OVS bridges and internal ports as tap (userspace datapath) or openvswitch (kernel datapath)
 * devices. OVSDB knows what they really are, so its answer wins.
 */
export function reconcileOvsLinks(links: Link[], ovs: OvsBridge[]): Link[] {
  const bridgeNames = new Set(ovs.map((b) => b.name));
  const internal = new Map<string, string>();
  const members = new Map<string, string>();
  for (const b of ovs) {
    for (const p of b.ports) {
      for (const i of p.interfaces) {
        if (i.type === 'internal' && i.name !== b.name) internal.set(i.name, b.name);
        else if (i.name !== b.name) members.set(i.name, b.name);
      }
    }
  }
  return links.map((l) => {
    if (bridgeNames.has(l.name)) return { ...l, kind: 'ovs-bridge' };
    if (internal.has(l.name)) return { ...l, kind: 'ovs-internal', master: l.master ?? internal.get(l.name) };
    if (members.has(l.name) && (!l.master || isOvsDatapathDevice(l.master))) return { ...l, master: members.get(l.name) };
    return l;
  });
}
