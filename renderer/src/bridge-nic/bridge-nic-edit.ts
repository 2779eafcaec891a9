/**
 * The "bridge my NIC" wizard's logic, pure: which NICs can be bridged, what moves from the NIC to the bridge
 * (addresses, MAC, default route) and the switch that says so in the spec. The planner does the moving
 * (shared/plan/plan-bridge-nic.ts); this only writes `uplinks`, `addresses`, `mac` and `gateway`.
 */
import type { DefaultRoute, HostState, Link } from '../../../shared/model/host-state';
import { isOvsDatapathDevice } from '../../../shared/model/datapath-devices';
import { ifNameSchema } from '../../../shared/model/target';
import { globalAddresses } from '../../../shared/plan/observed';
import type { SpecDoc, SwitchDoc } from '../changes/spec-doc';

export interface NicCandidate {
  name: string;
  /** Why it cannot be bridged, when it cannot. */
  blocked?: string;
}

export interface NicMove {
  nic: string;
  mac?: string;
  addresses: string[];
  route?: DefaultRoute;
}

const NOT_NICS = new Set<Link['kind']>(['loopback', 'bridge', 'ovs-bridge', 'ovs-internal']);

/** Interfaces of the target that could become a bridge's uplink; those that cannot say why. */
export function nicCandidates(state: HostState | undefined, doc: SpecDoc | undefined): NicCandidate[] {
  const inSpec = new Map<string, string>();
  for (const s of doc?.switches ?? []) {
    for (const u of s.uplinks ?? []) inSpec.set(u, s.name);
    for (const p of s.ports ?? []) inSpec.set(p.name, s.name);
  }
  const ovsPorts = new Set((state?.ovsBridges ?? []).flatMap((b) => b.ports.map((p) => p.name)));
  return (state?.links ?? [])
    .filter((l) => !NOT_NICS.has(l.kind) && !isOvsDatapathDevice(l.name))
    .map((l): NicCandidate => {
      const used = inSpec.get(l.name);
      const blocked = used
        ? `already on ${used} in this spec`
        : l.master || ovsPorts.has(l.name)
          ? `already a port of ${l.master ?? 'an Open vSwitch bridge'}`
          : undefined;
      return { name: l.name, ...(blocked ? { blocked } : {}) };
    })
    .sort((a, b) => Number(!!a.blocked) - Number(!!b.blocked) || a.name.localeCompare(b.name));
}

export function nicMove(state: HostState | undefined, nic: string): NicMove {
  const l = state?.links.find((x) => x.name === nic);
  const route = state?.defaultRoutes?.find((r) => r.dev === nic);
  return {
    nic,
    ...(l?.mac ? { mac: l.mac.toLowerCase() } : {}),
    addresses: globalAddresses(l),
    ...(route ? { route } : {}),
  };
}

/** `br-<nic>`, cut to the kernel's 15 characters, numbered when taken. */
export function suggestBridgeName(nic: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = `br-${nic}`.slice(0, 15);
  if (!used.has(base)) return base;
  for (let n = 1; ; n++) {
    const name = `${base.slice(0, 15 - String(n).length)}${n}`;
    if (!used.has(name)) return name;
  }
}

/** Why `name` cannot be the new bridge's name, or undefined when it can. */
export function bridgeNameProblem(
  name: string,
  state: HostState | undefined,
  doc: SpecDoc | undefined,
): string | undefined {
  const r = ifNameSchema.safeParse(name);
  if (!r.success) return r.error.issues[0]?.message;
  if ((doc?.switches ?? []).some((s) => s.name === name)) return `the spec already has a switch named ${name}`;
  if (state?.links.some((l) => l.name === name)) return `an interface named ${name} exists already`;
  return undefined;
}

/** The switch that takes the NIC over. Only IPv4 routes are moved: the default route's gateway is IPv4. */
export function bridgeSwitch(move: NicMove, name: string): SwitchDoc {
  return {
    name,
    type: 'linux',
    uplinks: [move.nic],
    addresses: move.addresses,
    ...(move.mac ? { mac: move.mac } : {}),
    ...(move.route ? { gateway: move.route.gateway } : {}),
    portGroups: [],
    ports: [],
  };
}

export function addBridgedNic(doc: SpecDoc, move: NicMove, name: string): SpecDoc {
  return { ...doc, switches: [...(doc.switches ?? []), bridgeSwitch(move, name)] };
}
