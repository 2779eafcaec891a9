/**
 * libvirt's `<vlan>` element, shared by network port groups and domain interfaces: an access VLAN is one tag, a
 * trunk is `trunk='yes'` with one tag per VLAN, and a native VLAN is the tag marked `nativeMode='untagged'`.
 * Only Open vSwitch honours it in libvirt 9; the callers decide where it may appear.
 */
import { z } from 'zod';
import type { PortGroupSpec } from '../spec/schema';
import { expandTrunk } from '../spec/schema';
import { arr, attr, compact, obj, XmlParseError, type X } from './xml-common';

const vid = z.number().int().min(1, 'VLAN must be from 1 to 4094').max(4094, 'VLAN must be from 1 to 4094');

export const vlanFields = { vlan: vid.optional(), trunk: z.array(vid).optional(), nativeVlan: vid.optional() };

/** The rules between the VLAN fields, for any strict object that carries them. */
export function withVlanRules<T extends z.ZodType<VlanXml>>(s: T) {
  return (
    s
      .refine((v) => !(v.vlan !== undefined && v.trunk), {
        message: 'either an access VLAN or a trunk, not both',
        path: ['trunk'],
      })
      .refine((v) => v.nativeVlan === undefined || !!v.trunk, {
        message: 'nativeVlan needs a trunk',
        path: ['nativeVlan'],
      })
      // A trunk whose only VLAN is the native one is legal (trunk [5], nativeVlan 5): no tagged VLANs remain.
      .refine((v) => !v.trunk || v.trunk.length > 0 || v.nativeVlan !== undefined, {
        message: 'a trunk needs a VLAN',
        path: ['trunk'],
      })
  );
}

export const vlanSchema = withVlanRules(z.object(vlanFields).strict());

export interface VlanXml {
  vlan?: number;
  /** Tagged VLANs, sorted, without the native one. */
  trunk?: number[];
  nativeVlan?: number;
}

export function buildVlanXml(v: VlanXml): X | undefined {
  if (v.vlan !== undefined) return { tag: [{ '@id': String(v.vlan) }] };
  if (!v.trunk) return undefined;
  const tags: X[] = [];
  if (v.nativeVlan !== undefined) tags.push({ '@id': String(v.nativeVlan), '@nativeMode': 'untagged' });
  for (const t of [...new Set(v.trunk)].sort((a, b) => a - b)) if (t !== v.nativeVlan) tags.push({ '@id': String(t) });
  return { '@trunk': 'yes', tag: tags };
}

export function parseVlanXml(v: unknown): VlanXml {
  if (v === undefined) return {};
  const tags = arr(obj(v).tag).map((t) => {
    const id = attr(t, 'id') ?? '';
    if (!/^\d{1,4}$/.test(id)) throw new XmlParseError(`VLAN tag id ${JSON.stringify(id)} is not a number`);
    return { id: Number(id), native: attr(t, 'nativeMode') === 'untagged' };
  });
  const native = tags.find((t) => t.native)?.id;
  const tagged = tags.filter((t) => !t.native).map((t) => t.id);
  // libvirt reads more than one tag as a trunk even without trunk='yes'.
  if (attr(v, 'trunk') === 'yes' || tags.length > 1 || native !== undefined) {
    return compact({ trunk: [...new Set(tagged)].sort((a, b) => a - b), nativeVlan: native });
  }
  return tags[0] ? { vlan: tags[0].id } : {};
}

/** A switch port group's VLANs in the form libvirt writes back (trunk expanded and sorted, native apart). */
export function vlanOfGroup(g: Pick<PortGroupSpec, 'vlan' | 'trunk' | 'nativeVlan'>): VlanXml {
  if (g.vlan !== undefined) return { vlan: g.vlan };
  if (!g.trunk) return {};
  return compact({ trunk: expandTrunk(g.trunk).filter((t) => t !== g.nativeVlan), nativeVlan: g.nativeVlan });
}
