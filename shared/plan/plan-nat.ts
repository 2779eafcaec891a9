/**
 * NAT and port forwards: the whole table `inet novanet` is planned as one load (it is replaced atomically), and
 * only when the spec's rules differ from the loaded ones. IP forwarding is turned on only when NAT needs it, and
 * put back to what it was (noted by the helper when it turned it on) once no NovaNet table remains.
 *
 * The table holds one spec's NAT per target: a spec without `nat` leaves another spec's table alone.
 */
import type { HostState } from '../model/host-state';
import type { HostVmnet } from '../model/host-vmnet';
import type { NetworkSpec } from '../spec/schema';
import type { Operation } from './operations';
import { natRulesModel, type NatRulesModel } from './nft-ruleset';
import type { StepList } from './step-list';

/** Stops and removals run before any link changes (a server on a bridge about to go), starts after everything. */
export const VMNET_PHASE = { stop: 5, restoreForwarding: 6, start: 70, forwarding: 71 } as const;

const key = (m: NatRulesModel) => JSON.stringify([m.masquerade, m.forwards]);

function describe(m: NatRulesModel): string {
  const parts = [
    ...m.masquerade.map((r) => `masquerade ${r.sources.join(', ')} out of ${r.outInterface}`),
    ...m.forwards.map((f) => `forward ${f.protocol}/${f.port} on ${f.inInterface} to ${f.to}`),
  ];
  return parts.join('; ');
}

function observedLoad(nft: NonNullable<HostVmnet['nft']>, owner: string): Operation[] {
  return [
    { op: 'nft.table.load', owner: nft.owner ?? owner, nat: { masquerade: nft.masquerade, forwards: nft.forwards } },
  ];
}

export function planNat(out: StepList, spec: NetworkSpec, state: HostState): void {
  const owner = spec.metadata.name;
  const want = natRulesModel(spec.nat);
  const wantsTable = want.masquerade.length + want.forwards.length > 0;
  const nft = state.vmnet?.nft;
  const theirs = !!nft?.exists && nft.owner !== owner;
  if (wantsTable) {
    const same = !!nft?.exists && !theirs && nft.drift.length === 0 && key(nft) === key(want);
    if (!same) {
      const back: Operation[] = nft?.exists ? observedLoad(nft, owner) : [{ op: 'nft.table.delete' }];
      out.add(
        VMNET_PHASE.start,
        'nat',
        `Load NAT table inet novanet: ${describe(want)}`,
        { op: 'nft.table.load', owner, nat: want },
        back,
      );
    }
  } else if (nft?.exists && !theirs) {
    out.add(
      VMNET_PHASE.stop,
      'nat',
      'Remove NAT table inet novanet',
      { op: 'nft.table.delete' },
      observedLoad(nft, owner),
    );
  }
  planForwarding(out, state, wantsTable, wantsTable || theirs);
}

function planForwarding(out: StepList, state: HostState, needed: boolean, tableStays: boolean): void {
  const fw = state.vmnet?.forwarding;
  if (!fw) return;
  if (needed && !fw.enabled) {
    out.add(
      VMNET_PHASE.forwarding,
      'nat',
      'Turn on IPv4 forwarding (net.ipv4.ip_forward=1) for NAT',
      { op: 'sysctl.forward', enabled: true, restoreTo: false },
      [{ op: 'sysctl.forward', enabled: false, restoreTo: null }],
    );
  } else if (!tableStays && fw.restoreTo !== undefined) {
    const to = fw.restoreTo;
    out.add(
      VMNET_PHASE.restoreForwarding,
      'nat',
      `Put IPv4 forwarding back ${to ? 'on' : 'off'}, as it was before NAT`,
      { op: 'sysctl.forward', enabled: to, restoreTo: null },
      [{ op: 'sysctl.forward', enabled: fw.enabled, restoreTo: to }],
    );
  }
}
