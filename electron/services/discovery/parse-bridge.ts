/** Parsers for `bridge -j link` and `bridge -j vlan`, merged into the bridges read from `ip -d link`. */
import { z } from 'zod';
import type { LinuxBridge } from '../../../shared/model/host-state';
import { parseJson } from './tool-output';

const bridgeLinkSchema = z.array(
  z
    .object({
      ifname: z.string(),
      master: z.string().optional(),
      state: z.string().optional(),
      priority: z.number().optional(),
      cost: z.number().optional(),
    })
    .passthrough(),
);

const bridgeVlanSchema = z.array(
  z
    .object({
      ifname: z.string(),
      vlans: z
        .array(
          z
            .object({ vlan: z.number().int(), vlanEnd: z.number().int().optional(), flags: z.array(z.string()).default([]) })
            .passthrough(),
        )
        .default([]),
    })
    .passthrough(),
);

export type BridgeVlans = Map<string, LinuxBridge['ports'][number]['vlans']>;

export function parseBridgeVlans(text: string): BridgeVlans {
  const rows = parseJson('bridge -j vlan', text || '[]', bridgeVlanSchema);
  const out: BridgeVlans = new Map();
  for (const row of rows) {
    const vlans = row.vlans.flatMap((v) => {
      const end = v.vlanEnd ?? v.vlan;
      const list = [];
      for (let vid = v.vlan; vid <= end; vid++) {
        list.push({ vid, pvid: v.flags.includes('PVID'), untagged: v.flags.includes('Egress Untagged') });
      }
      return list;
    });
    out.set(row.ifname, vlans);
  }
  return out;
}

/** Brings port state, cost and priority from `bridge link`, and VLANs from `bridge vlan`, onto each bridge. */
export function mergeBridgeInfo(bridges: LinuxBridge[], linkText: string, vlans: BridgeVlans): LinuxBridge[] {
  const rows = parseJson('bridge -j link', linkText || '[]', bridgeLinkSchema);
  const byName = new Map(rows.map((r) => [r.ifname, r]));
  return bridges.map((b) => ({
    ...b,
    ports: b.ports.map((p) => {
      const row = byName.get(p.name);
      return {
        ...p,
        state: row?.state ?? p.state,
        cost: row?.cost ?? p.cost,
        priority: row?.priority ?? p.priority,
        vlans: vlans.get(p.name) ?? [],
      };
    }),
  }));
}
