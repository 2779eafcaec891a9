/** Runs DHCP, NAT and forwarding operations one at a time (each is its own transaction: a process, one `nft -f`). */
import type { Plan } from '../../shared/plan/operations';
import type { VmnetOperation } from '../../shared/plan/operations-vmnet';
import { dhcpStart, dhcpStop } from './dnsmasq';
import type { Emit } from './execute';
import { nftDelete, nftLoad, setForwarding } from './nft';

function runOne(op: VmnetOperation, netns: string | undefined, emit: Emit): Promise<string | undefined> {
  switch (op.op) {
    case 'dhcp.start':
      return dhcpStart(op, netns, emit);
    case 'dhcp.stop':
      return dhcpStop(op, netns, emit);
    case 'nft.table.load':
      return nftLoad(op, netns, emit);
    case 'nft.table.delete':
      return nftDelete(netns, emit);
    case 'sysctl.forward':
      return setForwarding(op, netns, emit);
  }
}

/** Same contract as runOps: how many ran before the first failure; when undoing (force), all of them are tried. */
export async function runVmnetOps(
  ops: VmnetOperation[],
  target: Plan['target'],
  emit: Emit,
  force = false,
): Promise<{ done: number; error?: string }> {
  let error: string | undefined;
  for (const [i, op] of ops.entries()) {
    let failed: string | undefined;
    try {
      failed = await runOne(op, target.netns, emit);
    } catch (err) {
      failed = err instanceof Error ? err.message : String(err);
    }
    if (failed && !force) return { done: i, error: failed };
    error ??= failed;
  }
  return { done: ops.length, ...(error ? { error } : {}) };
}
