/**
 * `vmnet.leases`: the live DHCP leases of the dnsmasq instances NovaNet runs for `dhcp` sections (their lease
 * files in the helper's run directory, 0644) and of libvirt's networks (libvirt's status files). Files only, no
 * process: measured here, `virsh net-dhcp-leases` costs ~24 ms per network, the file read well under 1 ms for all.
 * A server whose leases cannot be read is reported in `errors`; the others are still listed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Handlers } from '../../shared/ipc/contract';
import { DEFAULT_LIBVIRT_URI, type Target } from '../../shared/model/target';
import type { Lease, VmnetLeasesResult } from '../../shared/model/vmnet';
import { parseDnsmasqLeases } from '../../shared/plan/dnsmasq-leases';
import { libvirtConfInterface, parseLibvirtHostsfile, parseLibvirtStatus } from '../../shared/plan/libvirt-leases';
import { readDnsmasqInstances } from './discovery/vmnet';

export const LIBVIRT_DNSMASQ_DIR = '/var/lib/libvirt/dnsmasq';

export interface LeaseDirs {
  /** The helper's run directory (default /run/novanet/vmnet). */
  runDir?: string;
  libvirtDir?: string;
}

type Errors = VmnetLeasesResult['errors'];
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

async function dnsmasqLeases(target: Target, dirs: LeaseDirs, errors: Errors): Promise<Lease[]> {
  const instances = await readDnsmasqInstances(target.netns, dirs.runDir);
  const out = await Promise.all(
    instances.map(async (i) => {
      const reserved = new Set(i.config.hosts.map((h) => h.mac.toLowerCase()));
      try {
        const text = await readFile(i.leaseFile, 'utf8');
        return parseDnsmasqLeases(text).map((l): Lease => ({
          source: 'dnsmasq',
          network: i.name,
          interface: i.interface,
          ...l,
          reserved: reserved.has(l.mac),
        }));
      } catch (err) {
        if (!missing(err)) errors.push({ network: i.name, message: `cannot read ${i.leaseFile}: ${message(err)}` });
        return [];
      }
    }),
  );
  return out.flat();
}

/** libvirt's files describe the system daemon on the host: read them for that target only. */
function readsLibvirt(target: Target): boolean {
  if (target.libvirtUri) return target.libvirtUri === DEFAULT_LIBVIRT_URI;
  return !target.netns;
}

async function libvirtLeases(dir: string, errors: Errors): Promise<Lease[]> {
  let confs: string[];
  try {
    confs = (await readdir(dir)).filter((f) => f.endsWith('.conf'));
  } catch (err) {
    if (!missing(err)) errors.push({ network: 'libvirt', message: `cannot read ${dir}: ${message(err)}` });
    return [];
  }
  const out = await Promise.all(
    confs.map(async (f) => {
      const network = basename(f, '.conf');
      try {
        const bridge = libvirtConfInterface(await readFile(`${dir}/${f}`, 'utf8'));
        if (!bridge) return [];
        const [status, hosts] = await Promise.all([
          readFile(`${dir}/${bridge}.status`, 'utf8').catch((err) => (missing(err) ? '' : Promise.reject(err))),
          readFile(`${dir}/${network}.hostsfile`, 'utf8').catch((err) => (missing(err) ? '' : Promise.reject(err))),
        ]);
        const reserved = parseLibvirtHostsfile(hosts);
        return parseLibvirtStatus(status).map((l): Lease => ({
          source: 'libvirt',
          network,
          interface: bridge,
          ...l,
          reserved: reserved.has(l.mac),
        }));
      } catch (err) {
        errors.push({ network, message: message(err) });
        return [];
      }
    }),
  );
  return out.flat();
}

export async function listLeases(target: Target, dirs: LeaseDirs = {}): Promise<VmnetLeasesResult> {
  const errors: Errors = [];
  const [ours, libvirt] = await Promise.all([
    dnsmasqLeases(target, dirs, errors).catch((err) => {
      errors.push({ network: 'dnsmasq', message: message(err) });
      return [];
    }),
    readsLibvirt(target) ? libvirtLeases(dirs.libvirtDir ?? LIBVIRT_DNSMASQ_DIR, errors) : [],
  ]);
  const leases = [...ours, ...libvirt].sort(
    (a, b) => a.network.localeCompare(b.network) || a.ip.localeCompare(b.ip, 'en', { numeric: true }),
  );
  return { leases, errors };
}

export function createVmnetHandlers(defaultTarget: Target, dirs: LeaseDirs = {}): Pick<Handlers, 'vmnet.leases'> {
  return { 'vmnet.leases': async ({ target }) => listLeases(target ?? defaultTarget, dirs) };
}
