/**
 * Which DNS probe the trial runs, chosen on the unprivileged side: the nameservers come from the target's
 * resolv.conf (a namespace's own /etc/netns/<ns>/resolv.conf when it has one, as `ip netns exec` does), the name
 * from NOVANET_DNS_PROBE_NAME or a default. The helper keeps the probe only if the lookup works before the change,
 * so a host without working DNS (or offline, for the default name) simply gets no DNS probe.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../shared/model/target';
import { dnsProbeNameSchema, type Probe } from '../../shared/plan/helper-protocol';
import { ValidationError } from '../../shared/ipc/errors';

/** Reserved by IANA for documentation and answered by every public resolver: a stable name to look up. */
export const DEFAULT_DNS_PROBE_NAME = 'example.com';

/** `nameserver` lines of a resolv.conf, in order. */
export function nameserversOf(resolvConf: string): string[] {
  const out: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

export function resolvConfPath(target: Target): string[] {
  return target.netns ? [join('/etc/netns', target.netns, 'resolv.conf'), '/etc/resolv.conf'] : ['/etc/resolv.conf'];
}

export function probeName(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.NOVANET_DNS_PROBE_NAME ?? DEFAULT_DNS_PROBE_NAME;
  const r = dnsProbeNameSchema.safeParse(name);
  if (!r.success) throw new ValidationError(`NOVANET_DNS_PROBE_NAME: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return name;
}

export function dnsProbeFor(name: string, nameservers: string[]): Probe[] {
  if (nameservers.length === 0) return [];
  const label = `DNS lookup of ${name} via ${nameservers.join(', ')}`;
  return [{ kind: 'dns', name, label: label.length > 80 ? `${label.slice(0, 79)}…` : label }];
}

export async function dnsProbes(target: Target): Promise<Probe[]> {
  const name = probeName();
  for (const path of resolvConfPath(target)) {
    try {
      return dnsProbeFor(name, nameserversOf(await readFile(path, 'utf8')));
    } catch {
      // No such file: the next candidate, as `ip netns exec` falls back to the host's.
    }
  }
  return [];
}
