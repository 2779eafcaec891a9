/** `novanet leases`: the DHCP leases of NovaNet's dnsmasq instances and of libvirt's networks, as the app shows them. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { NotFoundError } from '../../shared/ipc/errors';
import type { VmnetLeasesResult } from '../../shared/model/vmnet';
import { listLeases } from '../services/vmnet-leases';
import { addTargetOptions, targetFrom } from './target-options';
import { table } from './format';

export function formatLeases(r: VmnetLeasesResult): string {
  const rows = r.leases.map((l) => [
    l.network,
    l.source,
    l.interface ?? '',
    l.ip,
    l.mac,
    l.hostname ?? '',
    l.expiresAt ?? 'never',
    l.reserved ? 'yes' : '',
  ]);
  const out = [
    r.leases.length
      ? table(['NETWORK', 'SOURCE', 'INTERFACE', 'IP', 'MAC', 'HOSTNAME', 'EXPIRES', 'RESERVED'], rows)
      : 'No leases.',
  ];
  for (const e of r.errors) out.push(`warning: ${e.network}: ${e.message}`);
  return out.join('\n');
}

export function addLeasesCommand(program: Command): void {
  addTargetOptions(
    program.command('leases').description("list DHCP leases (NovaNet's dnsmasq instances and libvirt networks)"),
  )
    .option('--json', 'print { leases, errors } as JSON')
    .action(async (opts) => {
      const target = targetFrom(opts);
      if (target.netns && !existsSync(`/run/netns/${target.netns}`))
        throw new NotFoundError(`network namespace "${target.netns}" does not exist`);
      const r = await listLeases(target);
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatLeases(r)}\n`);
    });
}
