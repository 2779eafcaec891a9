/**
 * Edits of the spec's `vms` section for the VM list: where a card goes, adding and detaching NovaNet's own cards,
 * and which cards NovaNet may change at all.
 */
import type { HostState } from '../../../shared/model/host-state';
import { parseNicMetadata } from '../../../shared/plan/libvirt-interface-xml';
import type { SpecDoc } from '../changes/spec-doc';
import { putItem, sectionOf, type NicDoc, type VmDoc } from './net-edit';
/** Where a VM NIC goes: a libvirt network, or a switch with an optional port group. */
export type NicTarget = { network: string; portGroup?: string } | { switch: string; portGroup?: string };

/**
 * Points one NIC of a VM at `target`, adding the NIC (with the model the host reports) when the spec does not
 * list it yet. The VM's other NICs stay as they are.
 */
export function setNicTarget(vm: VmDoc, mac: string, model: string | undefined, target: NicTarget): VmDoc {
  const nics = vm.nics ?? [];
  const j = nics.findIndex((n) => n.mac.toLowerCase() === mac.toLowerCase());
  const old: NicDoc = nics[j] ?? { mac, ...(model ? { model: model as NicDoc['model'] } : {}) };
  const { network: _n, switch: _s, portGroup: _p, ...rest } = old;
  const nic: NicDoc = { ...rest, ...target };
  if ('portGroup' in nic && !nic.portGroup) delete nic.portGroup;
  return { ...vm, nics: j < 0 ? [...nics, nic] : nics.map((x, k) => (k === j ? nic : x)) };
}

/** The spec's entry for a VM and its index, or a new entry when the spec does not name the VM yet. */
export function vmEntry(doc: SpecDoc | undefined, vm: string): { index: number | undefined; vm: VmDoc } {
  const vms = sectionOf(doc, 'vms');
  const i = vms.findIndex((v) => v.name === vm);
  return i < 0 ? { index: undefined, vm: { name: vm, nics: [] } } : { index: i, vm: vms[i]! };
}

/** The same edit on the whole document: the VM joins the `vms` section when it is not there yet. */
export function moveNic(doc: SpecDoc, vm: string, mac: string, model: string | undefined, target: NicTarget): SpecDoc {
  const e = vmEntry(doc, vm);
  return putItem(doc, 'vms', e.index, setNicTarget(e.vm, mac, model, target));
}

/** Where the host says a NIC is attached now, in the spec's words (a direct/macvtap NIC has no such target). */
export function hostNicTarget(nic: { type?: string; source?: string; portGroup?: string }): NicTarget | undefined {
  if (!nic.source) return undefined;
  if (nic.type === 'network')
    return { network: nic.source, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) } as NicTarget;
  if (nic.type === 'bridge') return { switch: nic.source, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  return undefined;
}

/** What the spec says a NIC should attach to, when it says anything. */
export function nicTargetOf(doc: SpecDoc | undefined, vm: string, mac: string): NicTarget | undefined {
  const nic = sectionOf(doc, 'vms')
    .find((v) => v.name === vm)
    ?.nics?.find((n) => n.mac.toLowerCase() === mac.toLowerCase());
  if (!nic) return undefined;
  if (nic.network) return { network: nic.network, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  if (nic.switch) return { switch: nic.switch, ...(nic.portGroup ? { portGroup: nic.portGroup } : {}) };
  return undefined;
}

export function describeTarget(t: NicTarget): string {
  const group = t.portGroup ? ` / ${t.portGroup}` : '';
  return 'network' in t ? `network ${t.network}${group}` : `switch ${t.switch}${group}`;
}

/**
 * Why a VM's card cannot be changed by this spec, or null when it can. NovaNet changes only cards it attached: the
 * domain's NovaNet metadata names the spec and lists their MACs. The button says so before the validator would.
 */
export function nicLock(
  domain: { owner?: string; xml?: string; persistent?: boolean },
  specName: string | undefined,
  mac: string,
): string | null {
  const vm = vmLock(domain, specName);
  if (vm) return vm;
  if (specName && domain.owner === specName && attachedByNovanet(domain.xml, mac)) return null;
  return 'NovaNet did not attach this card, so it leaves it alone: add a card of its own instead.';
}

/** Why this spec cannot give the VM cards at all, or null. */
export function vmLock(domain: { owner?: string; persistent?: boolean }, specName: string | undefined): string | null {
  if (domain.persistent === false) return 'This VM is transient: it has no definition to keep NovaNet’s cards in.';
  if (domain.owner && domain.owner !== specName)
    return `The cards of this VM are managed by spec ${domain.owner}; one spec manages a VM's cards.`;
  return null;
}

function attachedByNovanet(xml: string | undefined, mac: string): boolean {
  if (!xml) return false;
  try {
    return parseNicMetadata(xml)?.nics.some((n) => n.mac === mac.toLowerCase()) ?? false;
  } catch {
    return false;
  }
}

/** A locally administered-looking libvirt MAC (52:54:00 is QEMU's prefix) that no VM and no spec entry uses. */
export function freshMac(taken: Iterable<string>, random: () => number = Math.random): string {
  const used = new Set([...taken].map((m) => m.toLowerCase()));
  for (;;) {
    const tail = [0, 1, 2].map(() =>
      Math.floor(random() * 256)
        .toString(16)
        .padStart(2, '0'),
    );
    const mac = `52:54:00:${tail.join(':')}`;
    if (!used.has(mac)) return mac;
  }
}

/** Every MAC in use: on the host's VMs and in the spec's `vms`. */
export function macsInUse(doc: SpecDoc | undefined, state: HostState | undefined): string[] {
  return [
    ...(state?.domains ?? []).flatMap((d) => d.nics.map((n) => n.mac)),
    ...sectionOf(doc, 'vms').flatMap((v) => (v.nics ?? []).map((n) => n.mac)),
  ];
}

/** Takes a card out of the spec: NovaNet detaches it on apply (it only ever lists cards it attached). */
export function removeNic(doc: SpecDoc, vm: string, mac: string): SpecDoc {
  const e = vmEntry(doc, vm);
  if (e.index === undefined) return doc;
  const nics = (e.vm.nics ?? []).filter((n) => n.mac.toLowerCase() !== mac.toLowerCase());
  return putItem(doc, 'vms', e.index, { ...e.vm, nics });
}
