/**
 * Checks between a spec's libvirt networks and the VMs on the host that no single section sees: an owned network
 * that leaves the spec while a VM NIC the plan keeps is still on it (libvirt would stop the network under the VM).
 */
import type { Domain, HostState } from '../model/host-state';
import { parseNicMetadata } from '../plan/libvirt-interface-xml';
import type { NetworkSpec } from './schema';
import type { SpecIssue } from './validate';

/** MACs of the NICs the plan detaches from `d`: NovaNet's own (metadata) that the spec no longer lists there. */
function detachedByPlan(d: Domain, spec: NetworkSpec): Set<string> {
  if (d.owner !== spec.metadata.name || !d.xml) return new Set();
  let mine: string[] = [];
  try {
    mine = parseNicMetadata(d.xml)?.nics.map((n) => n.mac) ?? [];
  } catch {
    return new Set();
  }
  const listed = new Set(spec.vms.find((v) => v.name === d.name)?.nics.map((n) => n.mac) ?? []);
  return new Set(mine.filter((m) => !listed.has(m)));
}

/**
 * Without a reading of libvirt the planner cannot tell what exists or is NovaNet's: it would define networks anew
 * every time (and never remove one). A target in a namespace reads libvirt only when given its URI.
 */
function unread(spec: NetworkSpec, state: HostState): SpecIssue[] {
  const src = state.sources.libvirt;
  if (src?.status === 'ok') return [];
  const why = src?.message ? ` (${src.message})` : '';
  const section = spec.networks.length ? 'networks' : spec.vms.length ? 'vms' : undefined;
  if (!section) return [];
  return [
    {
      path: section,
      message: `libvirt was not read for this target${why}; start libvirtd or pass --libvirt URI (for a namespace target)`,
    },
  ];
}

export function validateLibvirtUse(spec: NetworkSpec, state: HostState): SpecIssue[] {
  const missing = unread(spec, state);
  if (missing.length) return missing;
  const kept = new Set(spec.networks.map((n) => n.name));
  const leaving = state.networks.filter((n) => n.owner === spec.metadata.name && !kept.has(n.name));
  const issues: SpecIssue[] = [];
  for (const n of leaving) {
    for (const d of state.domains) {
      const gone = detachedByPlan(d, spec);
      for (const x of d.nics.filter((x) => x.type === 'network' && x.source === n.name)) {
        if (gone.has(x.mac.toLowerCase())) continue;
        issues.push({
          path: 'networks',
          message: `network ${n.name} would be removed while VM ${d.name} has a NIC (${x.mac}) on it; move or detach that NIC first, or keep the network`,
        });
      }
    }
  }
  return issues;
}
