/**
 * Devices OVS makes for its own datapath (ovs-system for the kernel one, ovs-netdev for the userspace one). They
 * carry no user traffic of their own, so the graph, the Monitor and the NIC pickers all leave them out.
 */
const OVS_DATAPATH_DEVICES: ReadonlySet<string> = new Set(['ovs-system', 'ovs-netdev']);

export function isOvsDatapathDevice(name: string): boolean {
  return OVS_DATAPATH_DEVICES.has(name);
}
