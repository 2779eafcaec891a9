/**
 * The simulator's part for "bridge my NIC": a bridge's MAC and the IPv4 default routes, as the kernel keeps them.
 * A route needs its gateway inside a subnet of its device, and the kernel drops it with the last such address.
 */
import type { HostState, Link } from '../../../shared/model/host-state';
import type { Operation } from '../../../shared/plan/operations';
import { contains, ipToInt, parseCidr } from '../../../shared/spec/ipv4';
import { globalAddresses } from '../../../shared/plan/observed';
import { SimError } from './sim';

const reaches = (l: Link, gateway: string) =>
  globalAddresses(l).some((c) => !c.includes(':') && contains(parseCidr(c), ipToInt(gateway)));

/** Applies the op when it is one of these; false for every other op. */
export function mutateBridgeNic(s: HostState, op: Operation): boolean {
  const what = op.op;
  if (op.op === 'link.set.address') {
    const l = s.links.find((x) => x.name === op.name);
    if (!l) throw new SimError(`${what}: Cannot find device "${op.name}"`);
    l.mac = op.mac;
    return true;
  }
  if (op.op !== 'route.add.default' && op.op !== 'route.del.default') return false;
  const routes = (s.defaultRoutes ??= []);
  const i = routes.findIndex(
    (r) => r.gateway === op.gateway && r.dev === op.dev && (r.metric ?? 0) === (op.metric ?? 0),
  );
  if (op.op === 'route.del.default') {
    if (i < 0) throw new SimError(`${what}: RTNETLINK answers: No such process`);
    routes.splice(i, 1);
    return true;
  }
  const l = s.links.find((x) => x.name === op.dev);
  if (!l) throw new SimError(`${what}: Cannot find device "${op.dev}"`);
  if (!reaches(l, op.gateway)) throw new SimError(`${what}: Error: Nexthop has invalid gateway.`);
  if (routes.some((r) => (r.metric ?? 0) === (op.metric ?? 0)))
    throw new SimError(`${what}: RTNETLINK answers: File exists`);
  routes.push({ gateway: op.gateway, dev: op.dev, ...(op.metric !== undefined ? { metric: op.metric } : {}) });
  return true;
}

/** After an address goes: routes whose gateway the device no longer reaches go with it. */
export function dropUnreachableRoutes(s: HostState, dev: string): void {
  const l = s.links.find((x) => x.name === dev);
  if (s.defaultRoutes && l) s.defaultRoutes = s.defaultRoutes.filter((r) => r.dev !== dev || reaches(l, r.gateway));
}

export function canonicalRoutes(s: HostState) {
  return [...(s.defaultRoutes ?? [])].map((r) => `${r.gateway} ${r.dev} ${r.metric ?? 0}`).sort();
}
