/**
 * The lab: a sandbox that looks like a workstation, built entirely inside network namespaces the lab creates.
 * It never touches the host's own interfaces. Every process it starts is recorded by PID and ended by PID.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, resolveTool, inNetns, type Runner } from './runner';
import { netnsNameSchema, type Target } from '../../shared/model/target';
import { ValidationError, PermissionError, UnavailableError } from '../../shared/ipc/errors';

export const DEFAULT_LAB = 'novanet-lab';
const STATE_ROOT = process.env.NOVANET_LAB_DIR ?? '/run/novanet/lab';
const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export interface LabInfo {
  name: string;
  target: Target;
  namespaces: string[];
  ovs: { running: boolean; reason?: string; pids: number[] };
}

export function labDir(name: string): string {
  return join(STATE_ROOT, name);
}

export function labTarget(name: string): Target {
  const ovsSock = join(labDir(name), 'ovs', 'db.sock');
  return existsSync(ovsSock) ? { netns: name, ovsDb: `unix:${ovsSock}` } : { netns: name };
}

function checkName(name: string): void {
  const r = netnsNameSchema.safeParse(name);
  // Peers are named `<lab>-vmN`, so keep room for the suffix inside the 64-char namespace limit.
  if (!r.success || name.length > 40) {
    throw new ValidationError(`--name: ${r.success ? 'must be at most 40 characters' : r.error.issues[0]?.message}`);
  }
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new PermissionError('the lab creates network namespaces and needs root (run with sudo)');
}

async function namespaces(runner: Runner): Promise<string[]> {
  const out = await runner(['ip', '-j', 'netns', 'list']);
  const list = JSON.parse(out.stdout || '[]') as { name: string }[];
  return list.map((n) => n.name);
}

export function labNamespaces(name: string): { main: string; upstream: string; vms: string[] } {
  return { main: name, upstream: `${name}-up`, vms: [1, 2, 3, 4, 5].map((i) => `${name}-vm${i}`) };
}

export async function labUp(name = DEFAULT_LAB, runner: Runner = run): Promise<LabInfo> {
  checkName(name);
  requireRoot();
  const ns = labNamespaces(name);
  const existing = await namespaces(runner);
  if (existing.includes(ns.main)) throw new ValidationError(`--name: a lab named ${name} is already up (run \`novanet lab down --name ${name}\`)`);
  const all = [ns.main, ns.upstream, ...ns.vms];
  try {
    await runner(['ip', '-batch', '-'], { input: all.map((n) => `netns add ${n}\n`).join('') });
    // The workstation: two "physical" NICs (veths to the upstream namespace), a bridge with an uplink and three
    // VM-like endpoints, a VXLAN over the second NIC, a macvlan.
    const [vm1, vm2, vm3, vm4, vm5] = ns.vms as [string, string, string, string, string];
    await runner(['ip', '-n', ns.main, '-batch', '-'], {
      input: [
        'link set lo up',
        `link add enp3s0 type veth peer name up0 netns ${ns.upstream}`,
        `link add enp4s0 type veth peer name up1 netns ${ns.upstream}`,
        'link add br0 type bridge stp_state 1 forward_delay 400 hello_time 200 max_age 2000',
        'link set enp3s0 master br0',
        ...[vm1, vm2, vm3].map((vm, i) => `link add vm${i + 1}-eth0 type veth peer name eth0 netns ${vm}`),
        ...[1, 2, 3].map((i) => `link set vm${i}-eth0 master br0`),
        'addr add 10.77.0.1/24 dev br0',
        'addr add 192.0.2.10/24 dev enp4s0',
        'link add vx100 type vxlan id 100 local 192.0.2.10 remote 192.0.2.20 dstport 4789 dev enp4s0',
        'link set vx100 master br0',
        'link add mv0 link enp4s0 type macvlan mode bridge',
        'addr add 192.0.2.11/24 dev mv0',
        ...['enp3s0', 'enp4s0', 'br0', 'vm1-eth0', 'vm2-eth0', 'vm3-eth0', 'vx100', 'mv0'].map((l) => `link set ${l} up`),
        `link add vm4-eth0 type veth peer name eth0 netns ${vm4}`,
        `link add vm5-eth0 type veth peer name eth0 netns ${vm5}`,
        'link set vm4-eth0 up',
        'link set vm5-eth0 up',
      ]
        .map((l) => `${l}\n`)
        .join(''),
    });
    await runner(['ip', '-n', ns.upstream, '-batch', '-'], {
      input: 'link set lo up\nlink set up0 up\nlink set up1 up\naddr add 192.0.2.1/24 dev up1\n',
    });
    for (const [i, vm] of ns.vms.entries()) {
      const addr = i < 3 ? `10.77.0.${11 + i}/24` : `10.88.0.${11 + i}/24`;
      await runner(['ip', '-n', vm, '-batch', '-'], {
        input: `link set lo up\nlink set eth0 up\naddr add ${addr} dev eth0\n`,
      });
    }
    const ovs = await startLabOvs(name, runner);
    return { name, target: labTarget(name), namespaces: all, ovs };
  } catch (err) {
    await labDown(name, runner).catch(() => undefined);
    throw err;
  }
}

async function startLabOvs(name: string, runner: Runner): Promise<LabInfo['ovs']> {
  const missing = ['ovsdb-server', 'ovs-vswitchd', 'ovsdb-tool', 'ovs-vsctl'].filter((t) => !resolveTool(t));
  if (missing.length > 0 || !existsSync(OVS_SCHEMA)) {
    return { running: false, reason: 'Open vSwitch is not installed (Debian package openvswitch-switch)', pids: [] };
  }
  const dir = join(labDir(name), 'ovs');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const db = join(dir, 'conf.db');
  const sock = join(dir, 'db.sock');
  await runner(['ovsdb-tool', 'create', db, OVS_SCHEMA]);
  // OVS daemons look for their control sockets and pid files in OVS_RUNDIR; give them the lab's own directory.
  const env = ['env', `OVS_RUNDIR=${dir}`, `OVS_LOGDIR=${dir}`, `OVS_DBDIR=${dir}`];
  await runner(
    inNetns(name, [
      ...env,
      'ovsdb-server',
      db,
      `--remote=punix:${sock}`,
      `--pidfile=${join(dir, 'ovsdb-server.pid')}`,
      `--unixctl=${join(dir, 'ovsdb-server.ctl')}`,
      `--log-file=${join(dir, 'ovsdb-server.log')}`,
      '--detach',
    ]),
  );
  await runner(['ovs-vsctl', `--db=unix:${sock}`, '--no-wait', 'init']);
  await runner(
    inNetns(name, [
      ...env,
      'ovs-vswitchd',
      `unix:${sock}`,
      `--pidfile=${join(dir, 'ovs-vswitchd.pid')}`,
      `--unixctl=${join(dir, 'ovs-vswitchd.ctl')}`,
      `--log-file=${join(dir, 'ovs-vswitchd.log')}`,
      '--detach',
    ]),
  );
  const db_ = `--db=unix:${sock}`;
  // One transaction: the userspace (netdev) datapath works whatever the kernel has.
  await runner(
    [
      'ovs-vsctl',
      db_,
      '--timeout=20',
      '--',
      'add-br',
      'ovsbr0',
      '--',
      'set',
      'bridge',
      'ovsbr0',
      'datapath_type=netdev',
      '--',
      'add-port',
      'ovsbr0',
      'ovs-gw',
      '--',
      'set',
      'interface',
      'ovs-gw',
      'type=internal',
      '--',
      'add-port',
      'ovsbr0',
      'vm4-eth0',
      'tag=10',
      '--',
      'add-port',
      'ovsbr0',
      'vm5-eth0',
      'tag=20',
      '--',
      'add-port',
      'ovsbr0',
      'enp4s0-trunk',
      'trunks=10,20',
      '--',
      'set',
      'interface',
      'enp4s0-trunk',
      'type=internal',
    ],
    { timeoutMs: 30_000 },
  );
  await runner(['ip', '-n', name, '-batch', '-'], { input: 'link set ovsbr0 up\nlink set ovs-gw up\naddr add 10.88.0.1/24 dev ovs-gw\n' });
  const pids = await labPids(name);
  return { running: true, pids };
}

async function labPids(name: string): Promise<number[]> {
  const dir = join(labDir(name), 'ovs');
  const pids: number[] = [];
  for (const f of ['ovs-vswitchd.pid', 'ovsdb-server.pid']) {
    try {
      const pid = Number.parseInt((await readFile(join(dir, f), 'utf8')).trim(), 10);
      if (Number.isInteger(pid) && pid > 1) pids.push(pid);
    } catch {
      /* not started */
    }
  }
  return pids;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Removes everything `labUp` made: its OVS daemons (by PID) and its namespaces. */
export async function labDown(name = DEFAULT_LAB, runner: Runner = run): Promise<{ removed: string[] }> {
  checkName(name);
  requireRoot();
  for (const pid of await labPids(name)) {
    try {
      process.kill(pid, 'SIGTERM');
      if (!(await waitGone(pid, 3000))) process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const ns = labNamespaces(name);
  const existing = new Set(await namespaces(runner));
  const ours = [ns.main, ns.upstream, ...ns.vms].filter((n) => existing.has(n));
  // -force: one namespace already gone must not leave the others behind.
  if (ours.length > 0) await runner(['ip', '-force', '-batch', '-'], { input: ours.map((n) => `netns del ${n}\n`).join(''), okExitCodes: [1] });
  await rm(labDir(name), { recursive: true, force: true });
  return { removed: ours };
}

export async function labStatus(name = DEFAULT_LAB, runner: Runner = run): Promise<LabInfo | null> {
  checkName(name);
  const ns = labNamespaces(name);
  const existing = new Set(await namespaces(runner));
  if (!existing.has(ns.main)) return null;
  const pids = await labPids(name);
  return {
    name,
    target: labTarget(name),
    namespaces: [ns.main, ns.upstream, ...ns.vms].filter((n) => existing.has(n)),
    ovs: { running: pids.length > 0, pids },
  };
}

export function assertLabUp(info: LabInfo | null, name: string): LabInfo {
  if (!info) throw new UnavailableError(`no lab named ${name} is up (run \`novanet lab up --name ${name}\`)`);
  return info;
}

