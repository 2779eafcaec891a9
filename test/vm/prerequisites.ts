/** What the kernel-feature suite needs on the host; the guest runs the host's own binaries over 9p. */
import { vmUnavailableReason } from './harness';
import { resolveTool } from '../../electron/services/runner';

/** Debian packages the suite needs on the host. */
export const VM_PACKAGES = [
  'qemu-system-x86',
  'linux-image-amd64',
  'busybox-static',
  'openvswitch-switch',
  'iproute2',
  'iputils-ping',
  'nftables',
  'kmod',
];
const GUEST_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  tc: 'iproute2',
  genl: 'iproute2',
  ping: 'iputils-ping',
  nft: 'nftables',
  modprobe: 'kmod',
  'ovs-vswitchd': 'openvswitch-switch',
  'ovsdb-server': 'openvswitch-switch',
  'ovsdb-tool': 'openvswitch-switch',
  'ovs-vsctl': 'openvswitch-switch',
  'ovs-dpctl': 'openvswitch-switch',
  'ovs-appctl': 'openvswitch-switch',
};

/** Null when the suite can run; otherwise one line naming what is missing and the Debian packages to install. */
export function unavailableReason(): string | null {
  const vm = vmUnavailableReason();
  if (vm) return vm;
  const missing = Object.entries(GUEST_TOOLS).filter(([tool]) => !resolveTool(tool));
  if (missing.length === 0) return null;
  const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
  return `missing ${missing.map(([t]) => t).join(', ')}: install the Debian package(s) ${pkgs}`;
}
