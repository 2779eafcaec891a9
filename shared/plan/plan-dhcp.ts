/**
 * NovaNet's own DHCP servers: one dnsmasq per `dhcp` entry. A server whose generated config equals the running
 * one is left alone, so re-planning an applied spec gives no steps; a changed one is restarted with the new config
 * (undone by a restart with the old one); one gone from the spec is stopped. Only the spec's own servers are seen.
 */
import type { HostState } from '../model/host-state';
import type { DnsmasqInstance } from '../model/host-vmnet';
import type { NetworkSpec } from '../spec/schema';
import type { DhcpSpec } from '../spec/vm-networks';
import { buildDnsmasqConf } from './dnsmasq-conf';
import { dnsmasqFiles } from './operations-vmnet';
import { VMNET_PHASE } from './plan-nat';
import type { StepList } from './step-list';

/** The config text each entry generates; unequal when either cannot be built (it must then be rewritten). */
function sameConfig(a: DhcpSpec, b: DhcpSpec, paths: { leaseFile: string; pidFile: string }): boolean {
  try {
    return buildDnsmasqConf(a, paths) === buildDnsmasqConf(b, paths);
  } catch {
    return false;
  }
}

export function planDhcp(out: StepList, spec: NetworkSpec, state: HostState): void {
  const owner = spec.metadata.name;
  const netns = state.target.netns;
  const running = new Map<string, DnsmasqInstance>();
  for (const i of state.vmnet?.dnsmasq ?? []) if (i.owner === owner) running.set(i.name, i);
  for (const d of spec.dhcp) {
    const cur = running.get(d.name);
    running.delete(d.name);
    if (cur?.running && sameConfig(cur.config, d, dnsmasqFiles(netns, owner, d.name))) continue;
    const back = cur?.running
      ? [{ op: 'dhcp.start' as const, owner, dhcp: cur.config }]
      : [{ op: 'dhcp.stop' as const, owner, name: d.name }];
    const what = cur?.running
      ? `Restart DHCP server ${d.name} on ${d.interface} with its new settings`
      : `Start DHCP server ${d.name} on ${d.interface}`;
    out.add(VMNET_PHASE.start, `dhcp ${d.name}`, what, { op: 'dhcp.start', owner, dhcp: d }, back);
  }
  for (const cur of running.values()) {
    const back = cur.running ? [{ op: 'dhcp.start' as const, owner, dhcp: cur.config }] : [];
    out.add(
      VMNET_PHASE.stop,
      `dhcp ${cur.name}`,
      `Stop DHCP server ${cur.name} on ${cur.interface}`,
      { op: 'dhcp.stop', owner, name: cur.name },
      back,
    );
  }
}
