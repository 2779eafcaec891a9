/**
 * "Bridge my NIC": a Linux switch whose uplink carries the host's addresses and default route takes them over.
 * The spec says it with the switch's own fields: `addresses` that an uplink (or port) carries now are moved from
 * it, `mac` gives the bridge the NIC's MAC (DHCP reservations and MAC filters upstream still match), `gateway`
 * routes the default route through the bridge. Every step is an `ip` line in the phases of the switch's own
 * steps, so enslaving, moving the addresses and moving the route run as one `ip -batch`.
 *
 * Order matters twice. The kernel drops a default route together with the last address that reaches its gateway,
 * so the NIC's route is removed explicitly before its address: the rollback (inverses in reverse) then puts the
 * address back first and the route after it, exactly as before. The bridge's route is added after its address.
 */
import type { HostState, Link } from '../model/host-state';
import type { SwitchSpec } from '../spec/schema';
import { globalAddresses } from './observed';
import { PHASE, type StepList } from './step-list';

/** After the switch's addresses (the gateway must be reachable), before bridge VLANs (another tool's batch). */
const ROUTES = PHASE.addresses + 0.5;

export function planBridgeNic(
  out: StepList,
  sw: SwitchSpec,
  state: HostState,
  links: Map<string, Link>,
  bridge: Link | undefined,
): void {
  const obj = `switch ${sw.name}`;
  if (sw.mac && bridge?.mac?.toLowerCase() !== sw.mac) {
    const back = bridge?.mac ? [{ op: 'link.set.address' as const, name: sw.name, mac: bridge.mac.toLowerCase() }] : [];
    out.add(
      PHASE.configureLinks,
      obj,
      `Give ${sw.name} the MAC address ${sw.mac}`,
      { op: 'link.set.address', name: sw.name, mac: sw.mac },
      back,
    );
  }
  const routes = state.defaultRoutes ?? [];
  const members = [...sw.uplinks, ...sw.ports.map((p) => p.name)];
  for (const m of members) {
    const moving = globalAddresses(links.get(m)).filter((c) => sw.addresses.includes(c));
    if (moving.length === 0) continue;
    if (sw.gateway) {
      for (const r of routes.filter((x) => x.dev === m)) {
        out.add(
          PHASE.enslave,
          obj,
          `Remove the default route via ${r.gateway} from ${m}`,
          { op: 'route.del.default', ...r },
          [{ op: 'route.add.default', ...r }],
        );
      }
    }
    for (const cidr of moving) {
      out.add(PHASE.enslave, obj, `Move address ${cidr} from ${m} to ${sw.name}`, { op: 'addr.del', dev: m, cidr }, [
        { op: 'addr.add', dev: m, cidr },
      ]);
    }
  }
  if (sw.gateway && !routes.some((r) => r.dev === sw.name && r.gateway === sw.gateway)) {
    // The NIC's route keeps its metric on the bridge, so it ranks against other default routes as it did.
    const metric = routes.find((r) => members.includes(r.dev) && r.gateway === sw.gateway)?.metric;
    const r = { gateway: sw.gateway, dev: sw.name, ...(metric !== undefined ? { metric } : {}) };
    out.add(
      ROUTES,
      obj,
      `Route the default route via ${sw.gateway} through ${sw.name}`,
      { op: 'route.add.default', ...r },
      [{ op: 'route.del.default', ...r }],
    );
  }
}
