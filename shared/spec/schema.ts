/**
 * NetworkSpec (desired state), `apiVersion: novanet/v1`, `kind: HostNetwork`. This zod schema is the single source
 * of the TypeScript types, validation messages (path + reason), `novanet schema` (JSON Schema) and the editor forms.
 * The vocabulary is fixed by the product: extend it, don't rename it.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import { vmNetworkSections } from './vm-networks';

export const vlanIdSchema = z
  .number({ error: 'must be a whole number from 1 to 4094' })
  .int('must be a whole number from 1 to 4094')
  .min(1, 'must be from 1 to 4094')
  .max(4094, 'must be from 1 to 4094');

/** A trunk entry: one VLAN or an inclusive range "30-40". */
export const vlanRangeSchema = z.union([
  vlanIdSchema,
  z
    .string()
    .regex(/^\d{1,4}-\d{1,4}$/, 'must be a VLAN id or a range like "30-40"')
    .refine((s) => {
      const [a, b] = s.split('-').map(Number) as [number, number];
      return a >= 1 && b <= 4094 && a <= b;
    }, 'range must be within 1-4094 with start <= end'),
]);

export const cidrSchema = z
  .string()
  .regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/, 'must be an address with prefix, like 10.10.0.1/24');
export const ipv4Schema = z
  .string()
  .regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/, 'must be an IPv4 address like 192.0.2.10');

/** A unicast, non-zero MAC written as the kernel prints it (lowercase, colons). */
export const bridgeMacSchema = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'must be a MAC address like 52:54:00:12:34:56 (lowercase)')
  .refine((m) => m !== '00:00:00:00:00:00', 'must not be all zeros')
  .refine((m) => (parseInt(m.slice(0, 2), 16) & 1) === 0, 'is a multicast address; a bridge needs a unicast MAC');

export const mtuSchema = z.number().int('must be a whole number').min(68, 'must be from 68 to 65535').max(65535, 'must be from 68 to 65535');

export const stpSchema = z
  .object({
    enabled: z.boolean(),
    priority: z.number().int().min(0).max(65535).optional(),
    forwardDelay: z.number().int().min(2, 'must be from 2 to 30 seconds').max(30, 'must be from 2 to 30 seconds').optional(),
    helloTime: z.number().int().min(1, 'must be from 1 to 10 seconds').max(10, 'must be from 1 to 10 seconds').optional(),
    maxAge: z.number().int().min(6, 'must be from 6 to 40 seconds').max(40, 'must be from 6 to 40 seconds').optional(),
  })
  .strict();

export const portGroupSchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'"),
    vlan: vlanIdSchema.optional(),
    trunk: z.array(vlanRangeSchema).min(1).optional(),
    nativeVlan: vlanIdSchema.optional(),
  })
  .strict()
  .refine((g) => !(g.vlan !== undefined && g.trunk), { message: 'a port group is either an access VLAN (vlan) or a trunk, not both', path: ['trunk'] })
  .refine((g) => g.nativeVlan === undefined || g.trunk, { message: 'nativeVlan needs a trunk', path: ['nativeVlan'] });

export const switchPortSchema = z
  .object({
    name: ifNameSchema,
    portGroup: z.string().optional(),
    /** OVS only: an internal port NovaNet creates (a host-side interface on the switch). */
    internal: z.boolean().optional(),
  })
  .strict();

export const controllerSchema = z
  .object({
    target: z.string().regex(/^(tcp|ssl|unix|ptcp|pssl|punix):[A-Za-z0-9_.:/[\]-]+$/, 'must be an OpenFlow target like tcp:127.0.0.1:6653'),
    protocols: z.array(z.enum(['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'])).optional(),
  })
  .strict();

export const switchSchema = z
  .object({
    name: ifNameSchema,
    type: z.enum(['linux', 'ovs']).default('linux'),
    uplinks: z.array(ifNameSchema).default([]),
    addresses: z.array(cidrSchema).default([]),
    mtu: mtuSchema.optional(),
    stp: stpSchema.optional(),
    vlanFiltering: z.boolean().optional(),
    multicastSnooping: z.boolean().optional(),
    ageingTime: z.number().int().min(0).max(1_000_000).optional(),
    datapath: z.enum(['auto', 'system', 'netdev']).optional(),
    failMode: z.enum(['standalone', 'secure']).optional(),
    controller: controllerSchema.optional(),
    portGroups: z.array(portGroupSchema).default([]),
    ports: z.array(switchPortSchema).default([]),
    /** Linux only ("bridge my NIC"): the bridge's MAC, e.g. its uplink's, so DHCP reservations still match. */
    mac: bridgeMacSchema.optional(),
    /** Linux only: the IPv4 default route goes through this switch via this gateway (moved from an uplink). */
    gateway: ipv4Schema.optional(),
  })
  .strict();

export const vlanSchema = z.object({ name: ifNameSchema, parent: ifNameSchema, id: vlanIdSchema }).strict();

export const bondModes = ['active-backup', 'balance-rr', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;
export const bondSchema = z
  .object({
    name: ifNameSchema,
    mode: z.enum(bondModes).default('active-backup'),
    members: z.array(ifNameSchema).min(1, 'a bond needs at least one member'),
    /** Link monitoring interval in ms; 0 turns it off. */
    miimon: z.number().int().min(0).max(10_000).default(100),
  })
  .strict();

export const overlaySchema = z
  .object({
    name: ifNameSchema,
    type: z.enum(['vxlan', 'geneve']),
    vni: z.number().int('must be a whole number').min(0, 'must be from 0 to 16777215').max(16_777_215, 'must be below 2^24 (16777216)'),
    local: ipv4Schema.optional(),
    remote: ipv4Schema.optional(),
    group: ipv4Schema.optional(),
    dstPort: z.number().int().min(1).max(65535).optional(),
    dev: ifNameSchema.optional(),
    switch: ifNameSchema.optional(),
  })
  .strict()
  .refine((o) => o.type === 'vxlan' || o.remote, { message: 'a GENEVE tunnel needs a remote', path: ['remote'] })
  .refine((o) => !(o.remote && o.group), { message: 'remote and group exclude each other', path: ['group'] });

/** Port mirroring: copies of the sources' traffic go to the output port (an analyser, a capture). */
export const mirrorSchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "may contain only letters, digits, '_', '.' and '-'"),
    switch: ifNameSchema,
    sources: z.array(ifNameSchema).default([]),
    /** ingress: what the sources send into the switch; egress: what the switch sends to them. */
    direction: z.enum(['ingress', 'egress', 'both']).default('both'),
    /** OVS only: mirror these VLANs (on every port) in addition to, or instead of, source ports. */
    vlans: z.array(vlanIdSchema).default([]),
    output: ifNameSchema,
  })
  .strict()
  .refine((m) => m.sources.length > 0 || m.vlans.length > 0, { message: 'a mirror needs sources or vlans', path: ['sources'] })
  .refine((m) => !m.sources.includes(m.output), { message: 'the output port cannot also be a source', path: ['output'] });

export const specNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "must start with a lowercase letter or digit and contain only a-z, 0-9, '_', '.' and '-'");

export const networkSpecSchema = z
  .object({
    apiVersion: z.literal('novanet/v1', { error: 'must be novanet/v1' }),
    kind: z.literal('HostNetwork', { error: 'must be HostNetwork' }),
    metadata: z.object({ name: specNameSchema, description: z.string().max(500).optional() }).strict(),
    switches: z.array(switchSchema).default([]),
    vlans: z.array(vlanSchema).default([]),
    bonds: z.array(bondSchema).default([]),
    overlays: z.array(overlaySchema).default([]),
    mirrors: z.array(mirrorSchema).default([]),
    // networks, vms, dhcp, nat (issue 5): defined beside their validation in vm-networks.ts.
    ...vmNetworkSections,
  })
  .strict();

export type NetworkSpec = z.infer<typeof networkSpecSchema>;
export type NetworkSpecInput = z.input<typeof networkSpecSchema>;
export type SwitchSpec = z.infer<typeof switchSchema>;
export type PortGroupSpec = z.infer<typeof portGroupSchema>;
export type VlanSpec = z.infer<typeof vlanSchema>;
export type BondSpec = z.infer<typeof bondSchema>;
export type MirrorSpec = z.infer<typeof mirrorSchema>;
export type OverlaySpec = z.infer<typeof overlaySchema>;

/** Expands trunk entries ("30-40") into sorted unique VLAN ids. */
export function expandTrunk(trunk: readonly (number | string)[]): number[] {
  const out = new Set<number>();
  for (const t of trunk) {
    if (typeof t === 'number') out.add(t);
    else {
      const [a, b] = t.split('-').map(Number) as [number, number];
      for (let v = a; v <= b; v++) out.add(v);
    }
  }
  return [...out].sort((x, y) => x - y);
}
