/**
 * The DHCP / NAT / forwarding part of the in-memory host: what the helper's operations leave behind, as discovery
 * (electron/services/discovery/vmnet.ts) would then report it. Strict where the real tools are: dnsmasq does not
 * start on an interface that does not exist.
 */
import type { HostState } from '../../../shared/model/host-state';
import type { HostVmnet } from '../../../shared/model/host-vmnet';
import type { Operation } from '../../../shared/plan/operations';
import { dnsmasqFiles, isVmnetOp } from '../../../shared/plan/operations-vmnet';
import { applyOp, SimError } from './sim';

const ok = { status: 'ok' as const, durationMs: 0 };

export function emptyVmnet(forwarding: HostVmnet['forwarding'] = { enabled: false }): HostVmnet {
  return {
    dnsmasq: [],
    nft: { exists: false, masquerade: [], forwards: [], drift: [] },
    forwarding,
    sources: { dnsmasq: ok, nft: ok, sysctl: ok },
  };
}

/** Applies a DHCP/NAT/forwarding operation in place; false for any other operation. */
export function mutateVmnet(s: HostState, op: Operation): boolean {
  if (!isVmnetOp(op)) return false;
  const v = (s.vmnet ??= emptyVmnet());
  switch (op.op) {
    case 'dhcp.start': {
      if (!s.links.some((l) => l.name === op.dhcp.interface))
        throw new SimError(`dnsmasq: unknown interface ${op.dhcp.interface}`);
      v.dnsmasq = v.dnsmasq.filter((i) => !(i.owner === op.owner && i.name === op.dhcp.name));
      const leaseFile = dnsmasqFiles(s.target.netns, op.owner, op.dhcp.name).leaseFile;
      v.dnsmasq.push({
        owner: op.owner,
        name: op.dhcp.name,
        interface: op.dhcp.interface,
        config: structuredClone(op.dhcp),
        running: true,
        pid: 4242,
        leaseFile,
      });
      break;
    }
    case 'dhcp.stop':
      v.dnsmasq = v.dnsmasq.filter((i) => !(i.owner === op.owner && i.name === op.name));
      break;
    case 'nft.table.load':
      v.nft = { exists: true, ...structuredClone(op.nat), drift: [], owner: op.owner };
      break;
    case 'nft.table.delete':
      v.nft = { exists: false, masquerade: [], forwards: [], drift: [] };
      break;
    case 'sysctl.forward':
      v.forwarding = { enabled: op.enabled, ...(op.restoreTo === null ? {} : { restoreTo: op.restoreTo }) };
      break;
  }
  return true;
}

/** Applies operations of every kind: vmnet ones here, the rest through sim.ts. */
export function applyAll(state: HostState, ops: readonly Operation[]): HostState {
  let s = structuredClone(state);
  for (const op of ops) if (!mutateVmnet(s, op)) s = applyOp(s, op);
  return s;
}

/** The vmnet part for "exactly as before" comparisons. */
export function canonicalVmnet(s: HostState) {
  const v = s.vmnet ?? emptyVmnet();
  return {
    dnsmasq: [...v.dnsmasq]
      .sort((a, b) => `${a.owner}/${a.name}`.localeCompare(`${b.owner}/${b.name}`))
      .map((i) => ({ owner: i.owner, name: i.name, running: i.running, config: i.config })),
    nft: v.nft,
    forwarding: v.forwarding,
  };
}
