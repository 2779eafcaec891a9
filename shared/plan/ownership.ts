/** Who owns what: NovaNet marks what it creates with the spec name, where each tool allows a mark. */
import type { HostState, Link, OvsBridge, OvsPort } from '../model/host-state';

export const OWNER_KEY = 'novanet-owner';
export const aliasFor = (spec: string) => `novanet:${spec}`;

export function linkOwner(l: Pick<Link, 'alias'>): string | undefined {
  return l.alias?.startsWith('novanet:') ? l.alias.slice('novanet:'.length) : undefined;
}
export function ovsBridgeOwner(b: Pick<OvsBridge, 'externalIds'>): string | undefined {
  return b.externalIds[OWNER_KEY];
}
export function ovsPortOwner(p: Pick<OvsPort, 'externalIds'>): string | undefined {
  return p.externalIds[OWNER_KEY];
}

export interface Owned {
  links: Link[];
  ovsBridges: OvsBridge[];
  ovsPorts: { bridge: string; port: OvsPort }[];
}

export function ownedBy(state: HostState, spec: string): Owned {
  return {
    links: state.links.filter((l) => linkOwner(l) === spec),
    ovsBridges: state.ovsBridges.filter((b) => ovsBridgeOwner(b) === spec),
    ovsPorts: state.ovsBridges.flatMap((b) => b.ports.filter((p) => ovsPortOwner(p) === spec).map((port) => ({ bridge: b.name, port }))),
  };
}
