/**
 * What discovery observes of NovaNet's own DHCP servers, its nftables table and IP forwarding: the planner compares
 * the spec's `dhcp` and `nat` sections with this to plan only what differs.
 */
import { z } from 'zod';
import type { DhcpSpec } from '../spec/vm-networks';

const status = z.object({
  status: z.enum(['ok', 'skipped', 'unavailable', 'error']),
  message: z.string().optional(),
  durationMs: z.number(),
});

export const dnsmasqInstanceSchema = z.object({
  /** The spec that runs it (its directory under the helper's run directory). */
  owner: z.string(),
  name: z.string(),
  interface: z.string(),
  /** The entry its config was generated from (read back with parseDnsmasqConf). */
  config: z.custom<DhcpSpec>((v) => typeof v === 'object' && v !== null),
  pid: z.number().int().optional(),
  running: z.boolean(),
  leaseFile: z.string(),
});
export type DnsmasqInstance = z.infer<typeof dnsmasqInstanceSchema>;

const natModel = {
  masquerade: z.array(z.object({ name: z.string(), sources: z.array(z.string()), outInterface: z.string() })),
  forwards: z.array(
    z.object({
      name: z.string(),
      protocol: z.enum(['tcp', 'udp']),
      port: z.number().int(),
      to: z.string(),
      inInterface: z.string(),
    }),
  ),
};

export const hostVmnetSchema = z.object({
  dnsmasq: z.array(dnsmasqInstanceSchema),
  /** Table `inet novanet`; null when the table could not be read (see sources.nft). */
  nft: z
    .object({
      exists: z.boolean(),
      ...natModel,
      drift: z.array(z.string()),
      /** The spec that loaded it. */ owner: z.string().optional(),
    })
    .nullable(),
  /** net.ipv4.ip_forward; `restoreTo` is set while NovaNet keeps it on for NAT (the value it had before). */
  forwarding: z.object({ enabled: z.boolean(), restoreTo: z.boolean().optional() }).nullable(),
  sources: z.object({ dnsmasq: status, nft: status, sysctl: status }),
});
export type HostVmnet = z.infer<typeof hostVmnetSchema>;
