/**
 * Which discovered interfaces a switch may take as uplinks or ports. Kept out: loopback, bridges' own devices,
 * OVS's datapath devices, interfaces enslaved to something else; interfaces the spec already gives to another
 * switch (or to this one in another role) are listed but disabled, with where they are used.
 */
import type { HostState, Link } from '../../../shared/model/host-state';
import { isOvsDatapathDevice } from '../../../shared/model/datapath-devices';
import type { SwitchDoc } from '../changes/spec-doc';

export interface NicChoice {
  name: string;
  kind: Link['kind'] | 'unknown';
  operState: string;
  mac?: string;
  /** Where the spec already uses it, when not here. */
  usedBy?: string;
  /** The host has no such interface (a name the spec carries). */
  missing?: boolean;
}

const HIDDEN_KINDS = new Set<Link['kind']>(['loopback', 'bridge', 'ovs-bridge']);

/** Interfaces taken by the spec, by name, with a phrase saying where. */
function usage(switches: readonly SwitchDoc[]): Map<string, { sw: number; text: string }> {
  const used = new Map<string, { sw: number; text: string }>();
  switches.forEach((s, i) => {
    for (const u of s.uplinks ?? []) used.set(u, { sw: i, text: `uplink of ${s.name}` });
    for (const p of s.ports ?? []) if (!used.has(p.name)) used.set(p.name, { sw: i, text: `port of ${s.name}` });
  });
  return used;
}

export function nicChoices(
  state: HostState | undefined,
  switches: readonly SwitchDoc[],
  index: number,
  role: 'uplink' | 'port',
): { choices: NicChoice[]; hidden: number } {
  const sw = switches[index];
  if (!sw) return { choices: [], hidden: 0 };
  const used = usage(switches);
  const switchNames = new Set(switches.map((s) => s.name));
  const mine = new Set(role === 'uplink' ? (sw.uplinks ?? []) : (sw.ports ?? []).map((p) => p.name));
  const ovsPortOf = new Map<string, string>();
  for (const b of state?.ovsBridges ?? [])
    for (const p of b.ports) if (p.name !== b.name) ovsPortOf.set(p.name, b.name);

  let hidden = 0;
  const choices: NicChoice[] = [];
  for (const l of state?.links ?? []) {
    if (HIDDEN_KINDS.has(l.kind) || isOvsDatapathDevice(l.name) || switchNames.has(l.name)) continue;
    const elsewhere =
      (l.master && l.master !== sw.name) || (ovsPortOf.has(l.name) && ovsPortOf.get(l.name) !== sw.name);
    // Members of a switch in this spec may move between its switches; others' are not ours to take.
    const masterInSpec = l.master !== undefined && switchNames.has(l.master);
    if (elsewhere && !masterInSpec && !mine.has(l.name)) {
      hidden++;
      continue;
    }
    const u = used.get(l.name);
    const usedHere = mine.has(l.name);
    const usedBy = u && !usedHere ? (u.sw === index ? u.text.replace(/ of .*/, ' of this switch') : u.text) : undefined;
    choices.push({
      name: l.name,
      kind: l.kind,
      operState: l.operState,
      ...(l.mac ? { mac: l.mac } : {}),
      ...(usedBy ? { usedBy } : {}),
    });
  }
  for (const name of mine) {
    if (!choices.some((c) => c.name === name))
      choices.push({ name, kind: 'unknown', operState: 'missing', missing: true });
  }
  // Physical NICs first, then by name: the usual uplinks lead.
  const rank = (c: NicChoice) => (c.kind === 'physical' ? 0 : c.missing ? 2 : 1);
  choices.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, undefined, { numeric: true }));
  return { choices, hidden };
}

export const kindLabel: Record<NicChoice['kind'], string> = {
  physical: 'Ethernet',
  loopback: 'Loopback',
  bridge: 'Bridge',
  veth: 'veth',
  vlan: 'VLAN',
  vxlan: 'VXLAN',
  geneve: 'GENEVE',
  bond: 'Bond',
  tun: 'TUN',
  tap: 'TAP',
  macvlan: 'macvlan',
  'ovs-bridge': 'OVS bridge',
  'ovs-internal': 'OVS internal',
  dummy: 'Dummy',
  wireguard: 'WireGuard',
  other: 'Other',
  unknown: 'Not found',
};
