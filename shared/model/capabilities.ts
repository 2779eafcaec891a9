import { z } from 'zod';

/** Kernel and userspace features NovaNet depends on; probed once per Target. */
export const capabilityNames = [
  'bridgeVlanFiltering',
  'vlan8021q',
  'bonding',
  'geneve',
  'vxlan',
  'vrf',
  'ovsKernelDatapath',
  'ovsUserspaceDatapath',
  'htb',
  'netem',
  'fqCodel',
  'tcMirred',
  'nftInet',
  'nftBridge',
  'nftNetdev',
] as const;
export const capabilityNameSchema = z.enum(capabilityNames);
export type CapabilityName = z.infer<typeof capabilityNameSchema>;

export const capabilitySchema = z.object({
  available: z.boolean(),
  /** False when the feature could not be tried (not root): unknown, not missing. */
  probed: z.boolean().default(true),
  /** Why it is missing (the kernel's or tool's own words), or how it was proven. */
  detail: z.string().optional(),
});

export const capabilitiesSchema = z.object({
  kernel: z.string(),
  probedAt: z.string(),
  features: z.record(capabilityNameSchema, capabilitySchema),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const capabilityLabels: Record<CapabilityName, string> = {
  bridgeVlanFiltering: 'Linux bridge VLAN filtering',
  vlan8021q: '802.1Q VLAN sub-interfaces',
  bonding: 'Bonding',
  geneve: 'GENEVE tunnels',
  vxlan: 'VXLAN tunnels',
  vrf: 'VRF',
  ovsKernelDatapath: 'Open vSwitch kernel datapath',
  ovsUserspaceDatapath: 'Open vSwitch userspace datapath',
  htb: 'HTB traffic shaping',
  netem: 'netem (delay/loss emulation)',
  fqCodel: 'fq_codel queueing',
  tcMirred: 'tc mirred mirroring (clsact, u32)',
  nftInet: 'nftables inet family',
  nftBridge: 'nftables bridge family',
  nftNetdev: 'nftables netdev family',
};
