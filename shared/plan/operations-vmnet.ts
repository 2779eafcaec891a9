/**
 * Operations for NovaNet's own DHCP servers (dnsmasq), its nftables table `inet novanet` and IP forwarding.
 * They carry structured fields only: the helper regenerates the dnsmasq config (dnsmasq-conf.ts) and the nft
 * script (nft-ruleset.ts) from them, so a plan never carries configuration text a caller could have written.
 */
import { z } from 'zod';
import { ifNameSchema } from '../model/target';
import { specNameSchema } from '../spec/schema';
import { dhcpSpecSchema } from '../spec/vm-networks';
import { objectNameSchema } from '../spec/vm-network-fields';
import { IPV4_CIDR_RE } from '../spec/ipv4';

const forwardTo = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/, 'must be IPv4:port');

/** The NAT model of nft-ruleset.ts, as a schema: the helper builds the table from exactly this. */
export const natRulesSchema = z
  .object({
    masquerade: z.array(
      z
        .object({
          name: objectNameSchema,
          sources: z.array(z.string().regex(IPV4_CIDR_RE, 'must be an IPv4 CIDR')).min(1),
          outInterface: ifNameSchema,
        })
        .strict(),
    ),
    forwards: z.array(
      z
        .object({
          name: objectNameSchema,
          protocol: z.enum(['tcp', 'udp']),
          port: z.number().int().min(1).max(65535),
          to: forwardTo,
          inInterface: ifNameSchema,
        })
        .strict(),
    ),
  })
  .strict();

export const vmnetOperations = [
  /** Writes the config, checks it (`dnsmasq --test`), stops a running instance by its pid file and starts it. */
  z.object({ op: z.literal('dhcp.start'), owner: specNameSchema, dhcp: dhcpSpecSchema }).strict(),
  /** Stops the instance by the PID in its pid file and removes its config, pid and lease files. */
  z.object({ op: z.literal('dhcp.stop'), owner: specNameSchema, name: objectNameSchema }).strict(),
  /** Replaces the whole table `inet novanet` atomically (`nft -c -f`, then `nft -f`). */
  z.object({ op: z.literal('nft.table.load'), owner: specNameSchema, nat: natRulesSchema }).strict(),
  z.object({ op: z.literal('nft.table.delete') }).strict(),
  /**
   * Sets net.ipv4.ip_forward. `restoreTo` is the value to put back when the last NAT goes: the helper keeps it in
   * its run directory (null removes the note), since the next plan can no longer observe it.
   */
  z.object({ op: z.literal('sysctl.forward'), enabled: z.boolean(), restoreTo: z.boolean().nullable() }).strict(),
] as const;

export const vmnetOperationSchema = z.discriminatedUnion('op', [...vmnetOperations]);
export type VmnetOperation = z.infer<typeof vmnetOperationSchema>;
export type NatRules = z.infer<typeof natRulesSchema>;

export const vmnetTools = ['dnsmasq', 'nft', 'sysctl'] as const;
export type VmnetTool = (typeof vmnetTools)[number];

export function isVmnetOp(op: { op: string }): op is VmnetOperation {
  return op.op.startsWith('dhcp.') || op.op.startsWith('nft.') || op.op.startsWith('sysctl.');
}

export function vmnetToolOf(op: { op: string }): VmnetTool | undefined {
  if (op.op.startsWith('dhcp.')) return 'dnsmasq';
  if (op.op.startsWith('nft.')) return 'nft';
  if (op.op.startsWith('sysctl.')) return 'sysctl';
  return undefined;
}

/**
 * Where the helper keeps what it runs for a target: root-owned, readable by the app (it lists leases from here).
 * One directory per namespace, one per owning spec inside it, so two specs never stop each other's servers.
 */
export const VMNET_RUN_DIR = '/run/novanet/vmnet';

export function scopeDir(netns: string | undefined, root: string = VMNET_RUN_DIR): string {
  return `${root}/${netns ? `netns-${netns}` : 'host'}`;
}

export function dnsmasqFiles(netns: string | undefined, owner: string, name: string) {
  const base = `${scopeDir(netns)}/dnsmasq/${owner}/${name}`;
  return { conf: `${base}.conf`, pidFile: `${base}.pid`, leaseFile: `${base}.leases` };
}

/**
 * What the helper last loaded into the table: `{ owner, nat }` (JSON). It says which spec's NAT the table holds
 * (nftables 1.0.6 keeps no owner mark NovaNet could read back), and stands in for the table where reading
 * nftables needs root and the app runs without it.
 */
export function nftRecordFile(netns: string | undefined): string {
  return `${scopeDir(netns)}/nft.json`;
}

/** The note that says NovaNet turned forwarding on, and what it was before. */
export function forwardNoteFile(netns: string | undefined): string {
  return `${scopeDir(netns)}/ip_forward.before`;
}

/** The one command that does the same as `op`, for the plan preview (the helper's own argv is in the audit). */
export function vmnetDisplayArgv(op: VmnetOperation, netns: string | undefined): string[] {
  const exec = netns ? ['ip', 'netns', 'exec', netns] : [];
  switch (op.op) {
    case 'dhcp.start':
      return [...exec, 'dnsmasq', '-C', dnsmasqFiles(netns, op.owner, op.dhcp.name).conf];
    case 'dhcp.stop':
      return ['kill', '-TERM', `<the PID in ${dnsmasqFiles(netns, op.owner, op.name).pidFile}>`];
    case 'nft.table.load':
      return [...exec, 'nft', '-f', '-'];
    case 'nft.table.delete':
      return [...exec, 'nft', 'delete', 'table', 'inet', 'novanet'];
    case 'sysctl.forward':
      return [...exec, 'sysctl', '-w', `net.ipv4.ip_forward=${op.enabled ? 1 : 0}`];
  }
}
