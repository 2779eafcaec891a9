/**
 * The helper's only way to run programs: fixed absolute paths, a minimal environment, argv arrays, no shell.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CANDIDATES: Record<string, string[]> = {
  ip: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'],
  bridge: ['/usr/sbin/bridge', '/sbin/bridge', '/usr/bin/bridge'],
  tc: ['/usr/sbin/tc', '/sbin/tc', '/usr/bin/tc'],
  'ovs-vsctl': ['/usr/bin/ovs-vsctl', '/usr/sbin/ovs-vsctl'],
  ping: ['/usr/bin/ping', '/bin/ping'],
  getent: ['/usr/bin/getent', '/bin/getent'],
  tcpdump: ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'],
  virsh: ['/usr/bin/virsh', '/usr/sbin/virsh'],
  dnsmasq: ['/usr/sbin/dnsmasq', '/sbin/dnsmasq'],
  nft: ['/usr/sbin/nft', '/sbin/nft'],
  sysctl: ['/usr/sbin/sysctl', '/sbin/sysctl'],
};
export type HelperTool = keyof typeof CANDIDATES;

export function toolPath(tool: HelperTool): string {
  for (const p of CANDIDATES[tool] ?? []) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  throw new Error(`${tool} is not installed`);
}

export const HELPER_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

export interface Ran {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function runTool(tool: HelperTool, args: string[], input?: string, timeoutMs = 60_000): Promise<Ran> {
  const path = toolPath(tool);
  return new Promise((resolve) => {
    const child = spawn(path, args, { env: HELPER_ENV, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ argv: [path, ...args], exitCode: 127, stdout, stderr: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ argv: [path, ...args], exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    // A tool that reads no stdin (ovs-vsctl) may exit before this write lands: the EPIPE that follows is no news
    // (the exit status says how it went), and unhandled it would kill the helper half-way through a batch or a rollback.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
