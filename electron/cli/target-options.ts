import type { Command } from 'commander';
import { targetSchema, type Target } from '../../shared/model/target';
import { validationErrorFrom } from '../../shared/ipc/errors';

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--netns <name>', 'read a network namespace instead of the host')
    .option('--ovs-db <unix:PATH>', 'Open vSwitch database socket (default: the system socket)')
    .option('--libvirt <uri>', 'libvirt connection URI (default: qemu:///system on the host)');
}

export function targetFrom(opts: { netns?: string; ovsDb?: string; libvirt?: string }): Target {
  const raw = { netns: opts.netns, ovsDb: opts.ovsDb, libvirtUri: opts.libvirt };
  const parsed = targetSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    // Name the flag the user typed, not the internal field.
    const err = validationErrorFrom(parsed.error, 'target');
    throw Object.assign(err, {
      message: err.message.replace('target.netns', '--netns').replace('target.ovsDb', '--ovs-db').replace('target.libvirtUri', '--libvirt'),
    });
  }
  return parsed.data;
}
