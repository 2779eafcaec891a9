import type { Command } from 'commander';
import { targetFromFlags, type Target } from '../../shared/model/target';

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--netns <name>', 'read a network namespace instead of the host')
    .option('--ovs-db <unix:PATH>', 'Open vSwitch database socket (default: the system socket)')
    .option('--libvirt <uri>', 'libvirt connection URI (default: qemu:///system on the host)');
}

export function targetFrom(opts: { netns?: string; ovsDb?: string; libvirt?: string }): Target {
  return targetFromFlags(opts);
}
