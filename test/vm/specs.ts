/**
 * The NetworkSpecs the kernel-feature suite hands to `novanet apply` inside the guest, typed against the schema so
 * a vocabulary change breaks the build rather than the VM run. Each targets a namespace that guest-scripts.ts
 * wires up; the names here and there must agree.
 */
import { stringify } from 'yaml';
import type { NetworkSpecInput } from '../../shared/spec/schema';

export interface SpecApply {
  /** The file name in the job share, also used in timing labels. */
  file: string;
  spec: NetworkSpecInput;
  netns: string;
  ovsDb?: string;
}

const doc = (
  name: string,
  body: Omit<NetworkSpecInput, 'apiVersion' | 'kind' | 'metadata'> = {},
): NetworkSpecInput => ({
  apiVersion: 'novanet/v1',
  kind: 'HostNetwork',
  metadata: { name },
  ...body,
});

export const toYaml = (spec: NetworkSpecInput): string => stringify(spec);

/** A VLAN-filtering bridge with three access groups and a trunk (a range, a single VLAN and a native VLAN). */
export const vlanFilteringSpec = doc('vf', {
  switches: [
    {
      name: 'br0',
      type: 'linux',
      vlanFiltering: true,
      portGroups: [
        { name: 'servers', vlan: 10 },
        { name: 'guests', vlan: 20 },
        { name: 'mgmt', vlan: 99 },
        { name: 'uplink', trunk: ['10-11', 20], nativeVlan: 99 },
      ],
      ports: [
        { name: 'p-a', portGroup: 'servers' },
        { name: 'p-b', portGroup: 'servers' },
        { name: 'p-c', portGroup: 'guests' },
        { name: 'p-d', portGroup: 'mgmt' },
        { name: 'p-t', portGroup: 'uplink' },
      ],
    },
  ],
});

/** The same spec name with nothing in it: applying it removes everything spec `vf` owns. */
export const vlanFilteringRemoval = doc('vf');

/** 802.1Q sub-interfaces on q-1's end of a veth cable (the far end, q-2, is configured by hand). */
export const vlanSubinterfaceSpec = doc('q', {
  vlans: [
    { name: 'eth0.100', parent: 'eth0', id: 100 },
    { name: 'eth0.200', parent: 'eth0', id: 200 },
  ],
});

/** A bond of two cables as the uplink of a bridge that carries the host's address. */
export const bondUplinkSpec = doc('bd', {
  bonds: [{ name: 'bond0', mode: 'active-backup', members: ['m1', 'm2'], miimon: 50 }],
  switches: [{ name: 'br-up', uplinks: ['bond0'], addresses: ['198.18.50.1/24'] }],
});

/** One end of a GENEVE overlay, bridged into a tenant switch that carries the overlay address. */
export const geneveSpec = (self: 1 | 2) =>
  doc('gn', {
    switches: [{ name: 'br-t', addresses: [`198.18.61.${self}/24`] }],
    overlays: [{ name: 'gnv0', type: 'geneve', vni: 42, remote: `198.18.60.${3 - self}`, switch: 'br-t' }],
  });

/** GENEVE has no local address: validation must refuse this (it used to apply, fail verification and roll back). */
export const geneveWithLocalSpec = doc('gl', {
  overlays: [{ name: 'gnv9', type: 'geneve', vni: 9, local: '198.18.60.1', remote: '198.18.60.2' }],
});

/** Where the suite runs its own ovsdb-server; the guest's /run is tmpfs. */
export const OVS_DIR = '/run/novanet-ovs';
export const OVS_DB = `unix:${OVS_DIR}/db.sock`;

/** An OVS switch on the kernel datapath with two access groups and an internal port NovaNet creates. */
export const ovsSpec = doc('ov', {
  switches: [
    {
      name: 'ovbr',
      type: 'ovs',
      datapath: 'system',
      portGroups: [
        { name: 'ten', vlan: 10 },
        { name: 'twenty', vlan: 20 },
      ],
      ports: [
        { name: 'ov-a', portGroup: 'ten' },
        { name: 'ov-b', portGroup: 'ten' },
        { name: 'ov-c', portGroup: 'twenty' },
        { name: 'ov-gw', portGroup: 'ten', internal: true },
      ],
    },
  ],
});
