/**
 * The trial's DNS probe: resolve a name through the target's own resolver. For a namespace target `ip netns exec`
 * bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf, so the lookup asks the namespace's nameservers
 * exactly as its programs would. getent has no timeout of its own (glibc may retry for 10 s and more), so the
 * helper ends it: a resolver that does not answer within PROBE_DNS_MS counts as broken.
 */
import type { Target } from '../../shared/model/target';
import { runTool, toolPath } from './tools';

export const PROBE_DNS_MS = 3000;

export async function probeDns(target: Target, name: string): Promise<boolean> {
  // `--` ends getent's options: the name is validated as a hostname too, but never read as a flag.
  const args = ['ahosts', '--', name];
  let getent: string;
  try {
    getent = toolPath('getent');
  } catch {
    // Without getent there is no DNS probe: it fails before the change, so the trial does not use it.
    return false;
  }
  const r = target.netns
    ? await runTool('ip', ['netns', 'exec', target.netns, getent, ...args], undefined, PROBE_DNS_MS)
    : await runTool('getent', args, undefined, PROBE_DNS_MS);
  return r.exitCode === 0 && r.stdout.trim() !== '';
}
