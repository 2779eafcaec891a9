/**
 * The VM-network sections of the NetworkSpec: libvirt `networks`, VM NIC attachments (`vms`), standalone
 * `dhcp` (dnsmasq per interface) and `nat` (NovaNet's nftables table). The vocabulary is fixed by issue 5:
 * extend it, don't rename it. The main schema spreads `vmNetworkSections` into its object.
 *
 * The schema checks formats and which fields go together; everything that needs more than one entry or the host
 * (subnets, ranges, references) is in `validateVmNetworks`, so the two never report the same thing twice.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import {
  descriptionSchema,
  domainNameSchema,
  forwardTargetSchema,
  hostnameSchema,
  ipv4AddressSchema,
  ipv4CidrSchema,
  ipv4InterfaceSchema,
  leaseTimeSchema,
  macSchema,
  objectNameSchema,
  portSchema,
} from './vm-network-fields';

export const networkModes = ['nat', 'route', 'open', 'isolated', 'bridge'] as const;
export const nicModels = ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'igb', 'ne2k_pci', 'pcnet'] as const;

export const dhcpRangeSchema = z
  .object({
    start: ipv4AddressSchema,
    end: ipv4AddressSchema,
    /** Absent: the tool's default (one hour for both libvirt and dnsmasq). */
    leaseTime: leaseTimeSchema.optional(),
  })
  .strict();

export const dhcpHostSchema = z
  .object({
    mac: macSchema,
    /** Optional: a reservation by MAC alone is enough for both libvirt and dnsmasq. */
    name: hostnameSchema.optional(),
    ip: ipv4AddressSchema,
  })
  .strict();

export const libvirtNetworkSpecSchema = z
  .object({
    name: objectNameSchema,
    mode: z.enum(networkModes, { error: 'must be one of nat, route, open, isolated, bridge' }).default('nat'),
    /** The bridge libvirt creates; for mode bridge, an existing switch (from `switches`) the network points at. */
    bridge: ifNameSchema.optional(),
    ipv4: z
      .object({
        address: ipv4InterfaceSchema,
        dhcp: z
          .object({ ranges: z.array(dhcpRangeSchema).default([]), hosts: z.array(dhcpHostSchema).default([]) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    dns: z.object({ domain: domainNameSchema }).strict().optional(),
    autostart: z.boolean().default(true),
    /** Shown in the UI; kept in NovaNet's libvirt metadata (libvirt 9.0 has no network <description>). */
    description: descriptionSchema.optional(),
  })
  .strict()
  .superRefine((n, ctx) => {
    const add = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (n.mode === 'bridge') {
      if (!n.bridge) add('bridge', 'mode bridge needs the switch to attach to (bridge: SWITCH)');
      if (n.ipv4)
        add(
          'ipv4',
          'mode bridge takes no address: the switch carries it (switches[].addresses) and DHCP comes from `dhcp`',
        );
      if (n.dns) add('dns', "mode bridge has no libvirt DNS; use the LAN's own DNS");
    } else if ((n.mode === 'nat' || n.mode === 'route') && !n.ipv4) {
      add(
        'ipv4',
        `mode ${n.mode} needs an address (libvirt refuses ${n.mode} forwarding without one), e.g. ipv4: { address: 192.168.150.1/24 }`,
      );
    }
  });

export const vmNicSchema = z
  .object({
    mac: macSchema,
    /** A libvirt network (from `networks` or an existing one). */
    network: objectNameSchema.optional(),
    /** A switch (from `switches`) the NIC is bridged to directly. */
    switch: ifNameSchema.optional(),
    /** A port group of the switch, or of the network when it has port groups. */
    portGroup: objectNameSchema.optional(),
    model: z.enum(nicModels, { error: `must be one of ${nicModels.join(', ')}` }).default('virtio'),
  })
  .strict()
  .superRefine((n, ctx) => {
    if (!n.network === !n.switch) {
      ctx.addIssue({
        code: 'custom',
        path: [n.network ? 'switch' : 'network'],
        message: 'a NIC attaches to exactly one of network or switch',
      });
    }
  });

export const vmSpecSchema = z
  .object({
    /** An existing libvirt domain: NovaNet manages its NICs, never the domain itself. */
    name: objectNameSchema,
    nics: z.array(vmNicSchema).default([]),
  })
  .strict();

export const dhcpSpecSchema = z
  .object({
    name: objectNameSchema,
    /** Must carry an address (switches[].addresses or already on the host): dnsmasq serves that subnet. */
    interface: ifNameSchema,
    ranges: z.array(dhcpRangeSchema).min(1, 'a DHCP server needs at least one range'),
    hosts: z.array(dhcpHostSchema).default([]),
    options: z
      .object({
        /** Absent: dnsmasq announces its own address on the interface as the router. */
        router: ipv4AddressSchema.optional(),
        dns: z.array(ipv4AddressSchema).max(8, 'at most 8 DNS servers').optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const portForwardSchema = z
  .object({
    protocol: z.enum(['tcp', 'udp'], { error: 'must be tcp or udp' }),
    port: portSchema,
    to: forwardTargetSchema,
  })
  .strict();

export const natSpecSchema = z
  .object({
    name: objectNameSchema,
    /** Subnets masqueraded behind outInterface's address. */
    sources: z.array(ipv4CidrSchema).default([]),
    outInterface: ifNameSchema,
    portForwards: z.array(portForwardSchema).default([]),
  })
  .strict()
  .refine((n) => n.sources.length > 0 || n.portForwards.length > 0, {
    message: 'a NAT entry needs sources or portForwards',
    path: ['sources'],
  });

/** The shape the main spec schema spreads in: `z.object({ ...existing, ...vmNetworkSections })`. */
export const vmNetworkSections = {
  networks: z.array(libvirtNetworkSpecSchema).default([]),
  vms: z.array(vmSpecSchema).default([]),
  dhcp: z.array(dhcpSpecSchema).default([]),
  nat: z.array(natSpecSchema).default([]),
};

/** The four sections alone (tests, and the helper's own re-validation of a fragment). */
export const vmNetworkSectionsSchema = z.object(vmNetworkSections).strict();

export type VmNetworkSections = z.infer<typeof vmNetworkSectionsSchema>;
export type LibvirtNetworkSpec = z.infer<typeof libvirtNetworkSpecSchema>;
export type NetworkMode = (typeof networkModes)[number];
export type DhcpRangeSpec = z.infer<typeof dhcpRangeSchema>;
export type DhcpHostSpec = z.infer<typeof dhcpHostSchema>;
export type VmSpec = z.infer<typeof vmSpecSchema>;
export type VmNicSpec = z.infer<typeof vmNicSchema>;
export type DhcpSpec = z.infer<typeof dhcpSpecSchema>;
export type NatSpec = z.infer<typeof natSpecSchema>;
export type PortForwardSpec = z.infer<typeof portForwardSchema>;

export { validateVmNetworks } from './vm-networks-validate';
export { vmNetworkWarnings } from './vm-networks-warnings';
export type { VmNetworkSpecView } from './vm-networks-subnets';
export { suggestSubnet, suggestIpv4 } from './vm-networks-suggest';
