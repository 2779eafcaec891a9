/**
 * What the Networks view reads besides the HostState: the live DHCP leases of libvirt networks and of the dnsmasq
 * instances NovaNet runs for its `dhcp` sections. IPC method `vmnet.leases` answers with these.
 */
import { z } from 'zod';
import { targetSchema } from './target';

export const leaseSchema = z.object({
  /** Who hands the lease out: a libvirt network's own dnsmasq, or one NovaNet runs for a `dhcp` section. */
  source: z.enum(['libvirt', 'dnsmasq']),
  /** The libvirt network name, or the `dhcp` section name. */
  network: z.string(),
  /** The interface the server listens on (the network's bridge, or `dhcp[].interface`). */
  interface: z.string().optional(),
  mac: z.string(),
  ip: z.string(),
  hostname: z.string().optional(),
  clientId: z.string().optional(),
  /** ISO 8601 time the lease ends; null for an infinite lease. */
  expiresAt: z.string().nullable(),
  /** The MAC has a reservation (`dhcp.hosts`) in the spec or the network definition. */
  reserved: z.boolean(),
});
export type Lease = z.infer<typeof leaseSchema>;

export const vmnetLeasesParamsSchema = z.object({ target: targetSchema.optional() }).strict();
export const vmnetLeasesResultSchema = z.object({
  leases: z.array(leaseSchema),
  /** A server whose leases could not be read, and why; the others are still listed. */
  errors: z.array(z.object({ network: z.string(), message: z.string() })),
});
export type VmnetLeasesResult = z.infer<typeof vmnetLeasesResultSchema>;
