/**
 * Operations on libvirt through `virsh`, one virsh call per operation and object. They carry structured fields
 * only: the helper rebuilds every XML document with libvirt-xml.ts / libvirt-interface-xml.ts, so a plan cannot
 * smuggle XML (a `<hostdev>`, a `<script>`, a second `<interface>`) into libvirt.
 */
import { z } from 'zod';
import { DEFAULT_LIBVIRT_URI } from '../model/target';
import { specNameSchema } from '../spec/schema';
import { dhcpHostSchema } from '../spec/vm-networks';
import { objectNameSchema } from '../spec/vm-network-fields';
import { buildDhcpHostXml, networkXmlModelSchema, uuidSchema } from './libvirt-xml';
import { buildNicMetadata, interfaceSchema, nicRecordSchema } from './libvirt-interface-xml';
import { NOVANET_XMLNS, NOVANET_XMLNS_KEY } from './xml-common';

const name = objectNameSchema;
/** Also on the running domain (`--live`), besides its persistent definition (`--config`). */
const live = z.boolean();

export const libvirtOperations = [
  /** `net-define FILE`, the file written by the helper from these fields. */
  z.object({ op: z.literal('virsh.net.define'), network: networkXmlModelSchema, uuid: uuidSchema.optional() }).strict(),
  z.object({ op: z.literal('virsh.net.undefine'), name }).strict(),
  z.object({ op: z.literal('virsh.net.start'), name }).strict(),
  z.object({ op: z.literal('virsh.net.destroy'), name }).strict(),
  z.object({ op: z.literal('virsh.net.autostart'), name, enabled: z.boolean() }).strict(),
  /** A DHCP reservation added or deleted with `net-update` (libvirt updates its dnsmasq without a restart). */
  z
    .object({
      op: z.literal('virsh.net.dhcp-host'),
      name,
      action: z.enum(['add', 'delete']),
      host: dhcpHostSchema,
      live,
    })
    .strict(),
  /** `attach-device` of an `<interface>` built from `nic`. */
  z.object({ op: z.literal('virsh.dom.attach'), domain: name, nic: interfaceSchema, live }).strict(),
  /** `detach-interface DOMAIN TYPE --mac MAC`: found by MAC, so only that NIC can go. */
  z
    .object({
      op: z.literal('virsh.dom.detach'),
      domain: name,
      type: z.enum(['network', 'bridge']),
      mac: interfaceSchema.shape.mac,
      live,
    })
    .strict(),
  /** `update-device`: the NIC with `nic.mac` moves to another source, port group, VLAN or model. */
  z.object({ op: z.literal('virsh.dom.update'), domain: name, nic: interfaceSchema, live }).strict(),
  /** NovaNet's `<nics>` metadata: which NICs it attached and the Linux-bridge VLANs the qemu hook applies. */
  z
    .object({
      op: z.literal('virsh.dom.metadata'),
      domain: name,
      owner: specNameSchema.nullable(),
      nics: z.array(nicRecordSchema),
      live,
    })
    .strict(),
  /** Sets the Linux-bridge VLANs of a running domain's taps from its metadata (what the qemu hook does at start). */
  z.object({ op: z.literal('virsh.dom.tap-vlans'), domain: name }).strict(),
  /**
   * Puts the taps of running VMs back on a restarted network's bridge: libvirt 9 leaves them detached after
   * net-destroy + net-start (it reconnects them only when the daemon itself restarts).
   */
  z.object({ op: z.literal('virsh.net.reconnect'), name }).strict(),
  /** Installs /etc/libvirt/hooks/qemu.d/novanet, which keeps those VLANs across VM restarts. */
  z.object({ op: z.literal('virsh.hook.install') }).strict(),
] as const;

export const libvirtOperationSchema = z.discriminatedUnion('op', [...libvirtOperations]);
export type LibvirtOperation = z.infer<typeof libvirtOperationSchema>;

export const libvirtTools = ['virsh'] as const;

export function isLibvirtOp(op: { op: string }): op is LibvirtOperation {
  return op.op.startsWith('virsh.');
}

export function libvirtToolOf(op: { op: string }): 'virsh' | undefined {
  return isLibvirtOp(op) ? 'virsh' : undefined;
}

/** Where the helper writes the XML files it hands to virsh: root-owned, mode 0700. */
export const LIBVIRT_RUN_DIR = '/run/novanet/libvirt';
export const QEMU_HOOK_PATH = '/etc/libvirt/hooks/qemu.d/novanet';

const flags = (isLive: boolean) => (isLive ? ['--live', '--config'] : ['--config']);

/**
 * The virsh arguments (after `virsh -c URI`) of one operation. `file` is the XML file the helper wrote for define,
 * attach and update (the preview shows where it would be). Undefined for the operations the helper does itself.
 */
export function virshArgs(op: LibvirtOperation, file: string): string[] | undefined {
  switch (op.op) {
    case 'virsh.net.define':
      return ['net-define', file];
    case 'virsh.net.undefine':
      return ['net-undefine', op.name];
    case 'virsh.net.start':
      return ['net-start', op.name];
    case 'virsh.net.destroy':
      return ['net-destroy', op.name];
    case 'virsh.net.autostart':
      return ['net-autostart', op.name, ...(op.enabled ? [] : ['--disable'])];
    case 'virsh.net.dhcp-host':
      // A one-line element: virsh takes XML text or a file name here, and text keeps no file behind.
      return [
        'net-update',
        op.name,
        op.action === 'add' ? 'add-last' : 'delete',
        'ip-dhcp-host',
        buildDhcpHostXml(op.host).replace(/\s*\n\s*/g, ' '),
        ...flags(op.live),
      ];
    case 'virsh.dom.attach':
      return ['attach-device', op.domain, file, ...flags(op.live)];
    case 'virsh.dom.update':
      return ['update-device', op.domain, file, ...flags(op.live)];
    case 'virsh.dom.detach':
      return ['detach-interface', op.domain, op.type, '--mac', op.mac, ...flags(op.live)];
    case 'virsh.dom.metadata':
      return op.owner === null
        ? ['metadata', op.domain, NOVANET_XMLNS, '--remove', ...flags(op.live)]
        : [
            'metadata',
            op.domain,
            NOVANET_XMLNS,
            '--key',
            NOVANET_XMLNS_KEY,
            '--set',
            buildNicMetadata(op.owner, op.nics),
            ...flags(op.live),
          ];
    case 'virsh.dom.tap-vlans':
    case 'virsh.net.reconnect':
    case 'virsh.hook.install':
      return undefined;
  }
}

/** What the preview shows; the helper runs the same arguments with its own file names. */
export function libvirtDisplayArgv(op: LibvirtOperation, uri: string | undefined): string[] {
  const what = 'network' in op ? op.network.name : 'domain' in op ? op.domain : 'name' in op ? op.name : 'hook';
  const args = virshArgs(op, `${LIBVIRT_RUN_DIR}/${what}.xml`);
  if (args) return ['virsh', '-c', uri ?? DEFAULT_LIBVIRT_URI, ...args];
  if (op.op === 'virsh.hook.install') return ['install', '-m', '0755', QEMU_HOOK_PATH];
  if (op.op === 'virsh.net.reconnect')
    return ['ip', 'link', 'set', 'dev', '…', 'master', `(bridge of ${what}, per VM tap)`];
  return ['bridge', 'vlan', 'add', '…', `(taps of ${what})`];
}
