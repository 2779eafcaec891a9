/** Parser for `bridge -j vlan`, merged into the bridges read from `ip -d`. */
import { z } from 'zod';
import type { LinuxBridge } from '../../../shared/model/host-state';
import { parseJson } from './tool-output';

const bridgeVlanSchema = z.array(
  z
    .object({
      ifname: z.string(),
      vlans: z
        .array(
          z
            .object({ vlan: z.number().int().min(0).max(4095), vlanEnd: z.number().int().min(0).max(4095).optional(), flags: z.array(z.string()).default([]) })
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

/** Brings VLANs from `bridge vlan` onto each bridge's ports (state, cost and priority come from `ip -d`). */
export function applyBridgeVlans(bridges: LinuxBridge[], vlans: BridgeVlans): LinuxBridge[] {
  if (vlans.size === 0) return bridges;
  return bridges.map((b) => ({ ...b, ports: b.ports.map((p) => ({ ...p, vlans: vlans.get(p.name) ?? [] })) }));
}
