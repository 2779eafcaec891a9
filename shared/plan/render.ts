/**
 * Operations -> the exact text each tool runs. Used by the planner for the preview and by the helper for
 * execution, so what people read is what runs. Every value comes from a validated schema: names cannot carry
 * whitespace, newlines or a leading '-', so a batch line cannot be split or turned into an option.
 */
import type { Operation } from './operations';
import { toolOf, type Tool } from './operations';
import { tcWords } from './operations-tc';
import { isVmnetOp, vmnetDisplayArgv } from './operations-vmnet';
import { isLibvirtOp, libvirtDisplayArgv } from './operations-libvirt';
import { bridgeNicWords, isBridgeNicOp } from './operations-bridge-nic';

const cs = (s: number) => String(s * 100);

function bridgeArgs(op: Extract<Operation, { op: 'link.add.bridge' | 'bridge.set' }>): string[] {
  const a: string[] = [];
  if (op.stpState !== undefined) a.push('stp_state', op.stpState ? '1' : '0');
  if (op.priority !== undefined) a.push('priority', String(op.priority));
  if (op.forwardDelay !== undefined) a.push('forward_delay', cs(op.forwardDelay));
  if (op.helloTime !== undefined) a.push('hello_time', cs(op.helloTime));
  if (op.maxAge !== undefined) a.push('max_age', cs(op.maxAge));
  if (op.vlanFiltering !== undefined) a.push('vlan_filtering', op.vlanFiltering ? '1' : '0');
  if (op.multicastSnooping !== undefined) a.push('mcast_snooping', op.multicastSnooping ? '1' : '0');
  if (op.ageingTime !== undefined) a.push('ageing_time', cs(op.ageingTime));
  return a;
}

/** Arguments after `ip`, `bridge` or `tc` (one batch line, split into words). */
export function batchWords(op: Operation): string[] {
  if (op.op.startsWith('tc.')) return tcWords(op);
  if (isBridgeNicOp(op)) return bridgeNicWords(op);
  switch (op.op) {
    case 'link.add.bridge':
      return ['link', 'add', op.name, ...(op.mtu ? ['mtu', String(op.mtu)] : []), 'type', 'bridge', ...bridgeArgs(op)];
    case 'link.add.vxlan':
      return [
        'link', 'add', op.name, 'type', 'vxlan', 'id', String(op.vni),
        ...(op.local ? ['local', op.local] : []),
        ...(op.remote ? ['remote', op.remote] : []),
        ...(op.group ? ['group', op.group] : []),
        'dstport', String(op.dstPort),
        ...(op.dev ? ['dev', op.dev] : []),
      ];
    case 'link.add.geneve':
      return ['link', 'add', op.name, 'type', 'geneve', 'id', String(op.vni), 'remote', op.remote, 'dstport', String(op.dstPort)];
    case 'link.add.bond':
      return ['link', 'add', op.name, 'type', 'bond', 'mode', op.mode, 'miimon', String(op.miimon)];
    case 'link.add.vlan':
      return ['link', 'add', 'link', op.parent, 'name', op.name, 'type', 'vlan', 'id', String(op.id)];
    case 'link.del':
      return ['link', 'del', 'dev', op.name];
    case 'link.set.mtu':
      return ['link', 'set', 'dev', op.name, 'mtu', String(op.mtu)];
    case 'link.set.master':
      return op.master ? ['link', 'set', 'dev', op.name, 'master', op.master] : ['link', 'set', 'dev', op.name, 'nomaster'];
    case 'link.set.state':
      return ['link', 'set', 'dev', op.name, op.up ? 'up' : 'down'];
    case 'link.set.alias':
      // An empty alias clears it; the batch reader takes "" as an empty word.
      return ['link', 'set', 'dev', op.name, 'alias', op.alias ?? '""'];
    case 'bridge.set':
      return ['link', 'set', 'dev', op.name, 'type', 'bridge', ...bridgeArgs(op)];
    case 'addr.add':
      return ['addr', 'add', op.cidr, 'dev', op.dev];
    case 'addr.del':
      return ['addr', 'del', op.cidr, 'dev', op.dev];
    case 'bridge.vlan.add':
      return ['vlan', 'add', 'dev', op.dev, 'vid', String(op.vid), ...(op.pvid ? ['pvid'] : []), ...(op.untagged ? ['untagged'] : [])];
    case 'bridge.vlan.del':
      return ['vlan', 'del', 'dev', op.dev, 'vid', String(op.vid)];
    default:
      throw new Error(`${op.op} is not an ip/bridge operation`);
  }
}

/** One `ovs-vsctl` command group (without the leading `--`); several are joined into one transaction. */
export function ovsWords(op: Operation): string[] {
  switch (op.op) {
    case 'ovs.br.add':
      return [
        'add-br', op.name, '--', 'set', 'bridge', op.name, `datapath_type=${op.datapath}`, `external_ids:novanet-owner=${op.owner}`,
        ...(op.failMode ? [`fail_mode=${op.failMode}`] : []),
      ];
    case 'ovs.br.del':
      return ['--if-exists', 'del-br', op.name];
    case 'ovs.br.set': {
      const w: string[] = [];
      const group = (words: string[]) => w.push(...(w.length ? ['--'] : []), ...words);
      if (op.failMode !== undefined) group(op.failMode ? ['set', 'bridge', op.name, `fail_mode=${op.failMode}`] : ['clear', 'bridge', op.name, 'fail_mode']);
      if (op.protocols !== undefined) group(op.protocols?.length ? ['set', 'bridge', op.name, `protocols=${op.protocols.join(',')}`] : ['clear', 'bridge', op.name, 'protocols']);
      if (op.controller !== undefined) group(op.controller ? ['set-controller', op.name, op.controller] : ['del-controller', op.name]);
      return w;
    }
    case 'ovs.port.add':
      return [
        'add-port', op.bridge, op.name,
        ...(op.tag !== undefined ? [`tag=${op.tag}`] : []),
        ...(op.trunks?.length ? [`trunks=${op.trunks.join(',')}`] : []),
        '--', 'set', 'port', op.name, `external_ids:novanet-owner=${op.owner}`,
        ...(op.internal ? ['--', 'set', 'interface', op.name, 'type=internal'] : []),
      ];
    case 'ovs.port.del':
      return ['--if-exists', 'del-port', op.bridge, op.name];
    case 'ovs.port.set': {
      const w = op.tag !== null ? ['set', 'port', op.name, `tag=${op.tag}`] : ['clear', 'port', op.name, 'tag'];
      w.push('--', ...(op.trunks?.length ? ['set', 'port', op.name, `trunks=${op.trunks.join(',')}`] : ['clear', 'port', op.name, 'trunks']));
      return w;
    }
    case 'ovs.mirror.add': {
      // Row ids are local to the transaction; the mirror's name keeps them apart from other operations'.
      const id = `@nnm_${op.name.replace(/[^A-Za-z0-9]/g, '_')}`;
      const ports = [...new Set([...op.srcPorts, ...op.dstPorts, op.output])];
      const ref = (p: string) => `${id}_p${ports.indexOf(p)}`;
      return [
        ...ports.flatMap((p) => [`--id=${ref(p)}`, 'get', 'port', p, '--']),
        `--id=${id}`, 'create', 'mirror', `name=${op.name}`,
        ...(op.srcPorts.length ? [`select_src_port=${op.srcPorts.map(ref).join(',')}`] : []),
        ...(op.dstPorts.length ? [`select_dst_port=${op.dstPorts.map(ref).join(',')}`] : []),
        ...(op.vlans.length ? [`select_vlan=${op.vlans.join(',')}`] : []),
        `output_port=${ref(op.output)}`, `external_ids:novanet-owner=${op.owner}`,
        '--', 'add', 'bridge', op.bridge, 'mirrors', id,
      ];
    }
    case 'ovs.mirror.del': {
      const id = `@nnm_${op.name.replace(/[^A-Za-z0-9]/g, '_')}_del`;
      return [`--id=${id}`, 'get', 'mirror', op.name, '--', 'remove', 'bridge', op.bridge, 'mirrors', id];
    }
    default:
      throw new Error(`${op.op} is not an ovs-vsctl operation`);
  }
}

export interface TargetArgs {
  netns?: string;
  ovsDb?: string;
  libvirtUri?: string;
}

/** The one command that performs `op` alone, as shown in the plan preview. */
export function displayArgv(op: Operation, t: TargetArgs): string[] {
  if (isVmnetOp(op)) return vmnetDisplayArgv(op, t.netns);
  if (isLibvirtOp(op)) return libvirtDisplayArgv(op, t.libvirtUri);
  const tool: Tool = toolOf(op);
  if (tool === 'ovs-vsctl') return ['ovs-vsctl', ...(t.ovsDb ? [`--db=${t.ovsDb}`] : []), ...ovsWords(op)];
  const words = batchWords(op).map((w) => (w === '""' ? '' : w));
  return [tool, ...(t.netns ? ['-n', t.netns] : []), ...words];
}

/** A batch file for `ip -batch -` / `bridge -batch -`: one line per operation. */
export function batchText(ops: readonly Operation[]): string {
  return ops.map((op) => `${batchWords(op).join(' ')}\n`).join('');
}

/** The argv tail of one `ovs-vsctl` transaction for several operations. */
export function ovsTransaction(ops: readonly Operation[]): string[] {
  const out: string[] = [];
  for (const op of ops) {
    const w = ovsWords(op);
    if (w.length === 0) continue;
    out.push(...(out.length ? ['--'] : []), ...w);
  }
  return out;
}
