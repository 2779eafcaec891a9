/**
 * The typed operations a Plan is made of. One operation is one `ip -batch` / `bridge -batch` line or one
 * `ovs-vsctl` command group, so a batch that stops half-way stops between operations, never inside one.
 * The helper re-validates every operation against these schemas before it maps it to a fixed argv.
 */
import { z } from 'zod';
import { ifNameSchema, targetSchema } from '../model/target';
import { bondModes, cidrSchema, ipv4Schema, specNameSchema, vlanIdSchema } from '../spec/schema';
import { tcOperationSchemas } from './operations-tc';
import { vmnetOperations, vmnetToolOf, vmnetTools } from './operations-vmnet';
import { libvirtOperations, libvirtToolOf, libvirtTools } from './operations-libvirt';
import { bridgeNicOperations } from './operations-bridge-nic';

const name = ifNameSchema;
const bridgeParams = {
  stpState: z.boolean().optional(),
  priority: z.number().int().min(0).max(65535).optional(),
  /** Seconds, as in the spec; rendered in the kernel's centiseconds. */
  forwardDelay: z.number().int().min(2).max(30).optional(),
  helloTime: z.number().int().min(1).max(10).optional(),
  maxAge: z.number().int().min(6).max(40).optional(),
  vlanFiltering: z.boolean().optional(),
  multicastSnooping: z.boolean().optional(),
  ageingTime: z.number().int().min(0).max(1_000_000).optional(),
};
/** What NovaNet writes into a link's alias: the owning spec. */
export const aliasSchema = z.string().regex(/^novanet:[a-z0-9][a-z0-9_.-]{0,31}$/, 'must be novanet:<spec name>');

export const operationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('link.add.bridge'), name, mtu: z.number().int().min(68).max(65535).optional(), ...bridgeParams }).strict(),
  z
    .object({
      op: z.literal('link.add.vxlan'),
      name,
      vni: z.number().int().min(0).max(16_777_215),
      local: ipv4Schema.optional(),
      remote: ipv4Schema.optional(),
      group: ipv4Schema.optional(),
      dstPort: z.number().int().min(1).max(65535),
      dev: name.optional(),
    })
    .strict(),
  z.object({ op: z.literal('link.add.geneve'), name, vni: z.number().int().min(0).max(16_777_215), remote: ipv4Schema, dstPort: z.number().int().min(1).max(65535) }).strict(),
  z.object({ op: z.literal('link.add.vlan'), name, parent: name, id: vlanIdSchema }).strict(),
  z.object({ op: z.literal('link.add.bond'), name, mode: z.enum(bondModes), miimon: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ op: z.literal('link.del'), name }).strict(),
  z.object({ op: z.literal('link.set.mtu'), name, mtu: z.number().int().min(68).max(65535) }).strict(),
  z.object({ op: z.literal('link.set.master'), name, master: name.nullable() }).strict(),
  z.object({ op: z.literal('link.set.state'), name, up: z.boolean() }).strict(),
  z.object({ op: z.literal('link.set.alias'), name, alias: aliasSchema.nullable() }).strict(),
  z.object({ op: z.literal('bridge.set'), name, ...bridgeParams }).strict(),
  z.object({ op: z.literal('addr.add'), dev: name, cidr: cidrSchema }).strict(),
  z.object({ op: z.literal('addr.del'), dev: name, cidr: cidrSchema }).strict(),
  z.object({ op: z.literal('bridge.vlan.add'), dev: name, vid: vlanIdSchema, pvid: z.boolean(), untagged: z.boolean() }).strict(),
  z.object({ op: z.literal('bridge.vlan.del'), dev: name, vid: vlanIdSchema }).strict(),
  z
    .object({
      op: z.literal('ovs.br.add'),
      name,
      datapath: z.enum(['system', 'netdev']),
      owner: specNameSchema,
      failMode: z.enum(['standalone', 'secure']).optional(),
    })
    .strict(),
  z.object({ op: z.literal('ovs.br.del'), name }).strict(),
  z
    .object({
      op: z.literal('ovs.br.set'),
      name,
      failMode: z.enum(['standalone', 'secure']).nullable().optional(),
      controller: z.string().regex(/^(tcp|ssl|unix|ptcp|pssl|punix):[A-Za-z0-9_.:/[\]-]+$/).nullable().optional(),
      protocols: z.array(z.enum(['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'])).nullable().optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('ovs.port.add'),
      bridge: name,
      name,
      owner: specNameSchema,
      internal: z.boolean().optional(),
      tag: vlanIdSchema.optional(),
      trunks: z.array(vlanIdSchema).optional(),
    })
    .strict(),
  z.object({ op: z.literal('ovs.port.del'), bridge: name, name }).strict(),
  z.object({ op: z.literal('ovs.port.set'), name, tag: vlanIdSchema.nullable(), trunks: z.array(vlanIdSchema).nullable() }).strict(),
  z
    .object({
      op: z.literal('ovs.mirror.add'),
      bridge: name,
      name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/),
      owner: specNameSchema,
      srcPorts: z.array(name),
      dstPorts: z.array(name),
      vlans: z.array(vlanIdSchema),
      output: name,
    })
    .strict(),
  z.object({ op: z.literal('ovs.mirror.del'), bridge: name, name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/) }).strict(),
  ...tcOperationSchemas,
  ...vmnetOperations,
  ...libvirtOperations,
  ...bridgeNicOperations,
]);
export type Operation = z.infer<typeof operationSchema>;
export type OpName = Operation['op'];

export const toolSchema = z.enum(['ip', 'bridge', 'ovs-vsctl', 'tc', ...vmnetTools, ...libvirtTools]);
export type Tool = z.infer<typeof toolSchema>;

export function toolOf(op: Operation): Tool {
  const vmnet = vmnetToolOf(op);
  if (vmnet) return vmnet;
  const virsh = libvirtToolOf(op);
  if (virsh) return virsh;
  if (op.op.startsWith('ovs.')) return 'ovs-vsctl';
  if (op.op.startsWith('tc.')) return 'tc';
  if (op.op.startsWith('bridge.vlan.')) return 'bridge';
  return 'ip';
}

export const stepSchema = z
  .object({
    /** Position in the plan, from 0. */
    index: z.number().int().nonnegative(),
    op: operationSchema,
    /** Applied in order to undo this step; empty when the step cannot leave anything behind to undo. */
    inverse: z.array(operationSchema),
    /** One line for people: "Create Linux bridge br-lan". */
    description: z.string(),
    /** The object this step changes, for grouping in the Changes panel: "switch br-lan". */
    object: z.string(),
    /** The single command that does the same thing, for the preview. */
    argv: z.array(z.string()),
  })
  .strict();
export type Step = z.infer<typeof stepSchema>;

export const planSchema = z
  .object({
    apiVersion: z.literal('novanet/v1'),
    spec: specNameSchema,
    // Validated like every other field: the helper passes netns to `ip -n` / `ip netns exec` and ovsDb to --db=.
    target: targetSchema,
    steps: z.array(stepSchema),
    warnings: z.array(z.string()).default([]),
  })
  .strict();
export type Plan = z.infer<typeof planSchema>;
