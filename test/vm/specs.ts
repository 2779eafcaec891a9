/**
 * The NetworkSpecs the kernel-feature suite hands to `novanet apply` inside the guest, typed against the schema so
 * a vocabulary change breaks the build rather than the VM run. One spec (`ws`) gives the workstation namespace
 * every feature NovaNet has words for, as a user's host spec would; the GENEVE overlay's far end has its own.
 * guest-scripts.ts builds what surrounds them (namespaces, cables, far ends): the names must agree.
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

type SwitchInput = NonNullable<NetworkSpecInput['switches']>[number];
type OverlayInput = NonNullable<NetworkSpecInput['overlays']>[number];

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

/** The namespace NovaNet manages, standing in for the workstation; every other namespace is a far end. */
export const WS = 'nv';
/** Where the suite runs its own ovsdb-server and ovs-vswitchd (inside WS); the guest's /run is tmpfs. */
export const OVS_DIR = '/run/novanet-ovs';
export const OVS_DB = `unix:${OVS_DIR}/db.sock`;

/** A VLAN-filtering bridge with three access groups and a trunk (a range, a single VLAN and a native VLAN). */
const vlanFilteringSwitch: SwitchInput = {
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
};

/** A bridge carrying the workstation's address, whose uplink is a bond of two cables. */
const bondedSwitch: SwitchInput = { name: 'br-up', uplinks: ['bond0'], addresses: ['198.18.50.1/24'] };

/** A tenant switch with the overlay address; the GENEVE tunnel is its port. `self` is 1 here, 2 at the far end. */
const tenantSwitch = (self: 1 | 2): SwitchInput => ({ name: 'br-t', addresses: [`198.18.61.${self}/24`] });
const geneveOverlay = (self: 1 | 2): OverlayInput => ({
  name: 'gnv0',
  type: 'geneve',
  vni: 42,
  remote: `198.18.60.${3 - self}`,
  switch: 'br-t',
});

/** Open vSwitch on the kernel datapath: two access groups and an internal port NovaNet creates. */
const ovsSwitch: SwitchInput = {
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
};

export const workstationSpec = doc('ws', {
  switches: [vlanFilteringSwitch, bondedSwitch, tenantSwitch(1), ovsSwitch],
  // 802.1Q sub-interfaces on the cable to q-2 (configured there by hand, with VID 201 where this side has 200).
  vlans: [
    { name: 'q0.100', parent: 'q0', id: 100 },
    { name: 'q0.200', parent: 'q0', id: 200 },
  ],
  bonds: [{ name: 'bond0', mode: 'active-backup', members: ['m1', 'm2'], miimon: 50 }],
  overlays: [geneveOverlay(1)],
});

/** The same spec name with nothing in it: applying it removes everything spec `ws` owns, and only that. */
export const workstationRemoval = doc('ws');

/** The GENEVE overlay's far end, in its own namespace. */
export const geneveFarEndSpec = doc('gn', { switches: [tenantSwitch(2)], overlays: [geneveOverlay(2)] });

/** GENEVE has no local address: validation must refuse this (it used to apply, fail verification and roll back). */
export const geneveWithLocalSpec = doc('gl', {
  overlays: [{ name: 'gnv9', type: 'geneve', vni: 9, local: '198.18.60.1', remote: '198.18.60.2' }],
});

export const workstationApply: SpecApply = { file: 'ws.yaml', spec: workstationSpec, netns: WS, ovsDb: OVS_DB };
export const geneveFarEndApply: SpecApply = { file: 'gn.yaml', spec: geneveFarEndSpec, netns: 'gn-2' };
