/**
 * Runs libvirt operations: one `virsh -c URI` call per operation, XML rebuilt here from the operation's structured
 * fields and written to the helper's own root-owned directory (never a path or text from the caller).
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIBVIRT_URI } from '../../shared/model/target';
import type { Plan } from '../../shared/plan/operations';
import { LIBVIRT_RUN_DIR, virshArgs, type LibvirtOperation } from '../../shared/plan/operations-libvirt';
import { buildNetworkXml, parseNetworkXml } from '../../shared/plan/libvirt-xml';
import { ifNameSchema } from '../../shared/model/target';
import { buildInterfaceXml } from '../../shared/plan/libvirt-interface-xml';
import { networkTaps, tapVlanCommands } from '../../shared/plan/tap-vlans';
import { runTool, type Ran } from './tools';
import { installQemuHook } from './qemu-hook';
import type { Emit } from './execute';

let serial = 0;

/** Undoing, these mean the inverse has nothing left to do (the object is already as the inverse wants it). */
const GONE =
  /not active|is already active|no (network|domain) with matching|not found|no matching|already exists|couldn't locate a matching|there is an existing dhcp host|no interface found/i;

function runDir(): string {
  mkdirSync(LIBVIRT_RUN_DIR, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone; this one must stay root-only.
  chmodSync(LIBVIRT_RUN_DIR, 0o700);
  return LIBVIRT_RUN_DIR;
}

/** The XML file an operation hands to virsh, or '' when it takes none. */
function xmlFor(op: LibvirtOperation): string | undefined {
  if (op.op === 'virsh.net.define') return buildNetworkXml(op.network, op.uuid);
  if (op.op === 'virsh.dom.attach' || op.op === 'virsh.dom.update') return buildInterfaceXml(op.nic);
  return undefined;
}

const report = (emit: Emit, r: Ran, input?: string) =>
  emit({
    type: 'command',
    argv: r.argv,
    ...(input ? { input: input.trimEnd().split('\n') } : {}),
    exitCode: r.exitCode,
    ...(r.stderr ? { stderr: r.stderr.trim() } : {}),
  });

/** virsh's one-line reason ("error: Failed to start network x" + "error: <why>"), without the prefixes. */
function virshError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^error:\s*/, '').trim())
    .filter(Boolean);
  return lines.join(': ') || 'virsh failed';
}

async function tapVlans(base: string[], domain: string, emit: Emit): Promise<string | undefined> {
  const dump = await runTool('virsh', [...base, 'dumpxml', domain]);
  report(emit, { ...dump, stdout: '' });
  if (dump.exitCode !== 0) return virshError(dump.stderr);
  for (const args of tapVlanCommands(dump.stdout)) {
    const r = await runTool('bridge', args);
    report(emit, r);
    if (r.exitCode !== 0) return r.stderr.trim() || 'bridge vlan failed';
  }
  return undefined;
}

/** The taps of running domains whose NIC uses network `name`, put back on its bridge (all of them, then the first error). */
async function reconnect(base: string[], name: string, emit: Emit): Promise<string | undefined> {
  const net = await runTool('virsh', [...base, 'net-dumpxml', name]);
  report(emit, { ...net, stdout: '' });
  if (net.exitCode !== 0) return virshError(net.stderr);
  const bridge = parseNetworkXml(net.stdout).bridge;
  if (!bridge || !ifNameSchema.safeParse(bridge).success) return undefined;
  const list = await runTool('virsh', [...base, 'list', '--name']);
  if (list.exitCode !== 0) return virshError(list.stderr);
  let error: string | undefined;
  for (const dom of list.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const dump = await runTool('virsh', [...base, 'dumpxml', dom]);
    if (dump.exitCode !== 0) continue; // gone meanwhile
    for (const tap of networkTaps(dump.stdout, name)) {
      const r = await runTool('ip', ['link', 'set', 'dev', tap, 'master', bridge]);
      report(emit, r);
      if (r.exitCode !== 0) error ??= r.stderr.trim() || `could not put ${tap} on ${bridge}`;
    }
  }
  return error;
}

async function runOne(op: LibvirtOperation, base: string[], emit: Emit): Promise<string | undefined> {
  if (op.op === 'virsh.hook.install') {
    const { path, reloaded } = installQemuHook();
    emit({ type: 'command', argv: ['install', '-m', '0755', path], exitCode: 0 });
    if (reloaded) emit({ type: 'command', argv: ['kill', '-HUP', String(reloaded)], exitCode: 0 });
    return undefined;
  }
  if (op.op === 'virsh.dom.tap-vlans') return tapVlans(base, op.domain, emit);
  if (op.op === 'virsh.net.reconnect') return reconnect(base, op.name, emit);
  const xml = xmlFor(op);
  const file = xml === undefined ? '' : join(runDir(), `${process.pid}-${++serial}.xml`);
  try {
    if (xml !== undefined) writeFileSync(file, xml, { mode: 0o600 });
    const r = await runTool('virsh', [...base, ...(virshArgs(op, file) ?? [])]);
    report(emit, r, xml);
    return r.exitCode === 0 ? undefined : virshError(r.stderr);
  } finally {
    if (file) rmSync(file, { force: true });
  }
}

/**
 * Runs the operations in order and stops at the first failure (virsh changes one object per call, so nothing of a
 * failed call is left to undo). Forced (undoing), every operation runs and failures are only counted.
 */
export async function runVirshOps(
  ops: LibvirtOperation[],
  target: Plan['target'],
  emit: Emit,
  force = false,
): Promise<{ done: number; error?: string }> {
  const base = ['-q', '-c', target.libvirtUri ?? DEFAULT_LIBVIRT_URI];
  let error: string | undefined;
  for (const [i, op] of ops.entries()) {
    const why = await runOne(op, base, emit);
    if (why === undefined) continue;
    if (!force) return { done: i, error: why };
    if (!GONE.test(why)) error ??= why;
  }
  return { done: ops.length, error };
}
