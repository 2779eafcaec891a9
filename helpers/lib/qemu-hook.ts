/**
 * The libvirt qemu hook that keeps Linux-bridge port-group VLANs across VM restarts (libvirt 9 cannot tag on a
 * Linux bridge). The installed file is a two-line loader: it imports this helper's own bundle, which sees it was
 * started as the hook and runs `qemuHook` instead of reading a request. libvirt runs it as root with
 * `DOMAIN OPERATION SUB-OPERATION EXTRA` and the domain XML on stdin; at `started` the taps exist and get their
 * VLANs from NovaNet's metadata in that XML. No shell, no user strings as commands: `bridge` with an argv built
 * from validated names and numbers. It always exits 0, so it can never keep a VM from starting.
 */
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QEMU_HOOK_PATH } from '../../shared/plan/operations-libvirt';
import { tapVlanCommands } from '../../shared/plan/tap-vlans';
import { runTool } from './tools';

function hookPath(): string {
  // Tests install into their own directory (libvirt's is the host's); under pkexec the environment is not trusted.
  const dir = process.env.PKEXEC_UID === undefined ? process.env.NOVANET_QEMU_HOOK_DIR : undefined;
  return dir ? join(dir, basename(QEMU_HOOK_PATH)) : QEMU_HOOK_PATH;
}

/** The loader's text: node by absolute path, this bundle by absolute file URL (JSON-quoted), nothing else. */
export function hookText(nodePath: string, bundlePath: string): string {
  return [
    `#!${nodePath}`,
    '// NovaNet: sets Linux-bridge port-group VLANs on VM taps at start (installed by novanet-helper).',
    `import(${JSON.stringify(pathToFileURL(bundlePath).href)}).catch(() => process.exit(0));`,
    '',
  ].join('\n');
}

/** Where the running libvirt daemon (monolithic, or the modular QEMU one) writes its PID. */
const DAEMON_PID_FILES = ['/run/libvirtd.pid', '/run/libvirt/virtqemud.pid'];

/**
 * libvirt looks for hook scripts when it starts and when it reloads (SIGHUP, what `systemctl reload` sends): a
 * hook installed while it runs is ignored until then. Returns the PID signalled, if any.
 */
function reloadLibvirt(): number | undefined {
  for (const f of DAEMON_PID_FILES) {
    try {
      const pid = Number(readFileSync(f, 'utf8').trim());
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!Number.isInteger(pid) || pid <= 1 || !['libvirtd', 'virtqemud'].includes(comm)) continue;
      process.kill(pid, 'SIGHUP');
      return pid;
    } catch {
      /* not this daemon */
    }
  }
  return undefined;
}

/** Writes the hook when it is missing or different; libvirt is told to look again only then. */
export function installQemuHook(): { path: string; reloaded?: number } {
  const path = hookPath();
  const text = hookText(process.execPath, realpathSync(process.argv[1] ?? ''));
  let same = false;
  try {
    same = readFileSync(path, 'utf8') === text;
  } catch {
    /* not installed yet */
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, text, { mode: 0o755 });
  chmodSync(path, 0o755);
  return { path, reloaded: same || path !== QEMU_HOOK_PATH ? undefined : reloadLibvirt() };
}

/** True when this process is the installed hook (the loader is argv[1]). */
export function startedAsHook(argv1: string | undefined): boolean {
  return !!argv1 && basename(argv1) === basename(QEMU_HOOK_PATH) && basename(dirname(argv1)) === 'qemu.d';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function qemuHook(args: string[]): Promise<number> {
  const xml = await readStdin();
  if (args[1] !== 'started') return 0;
  try {
    for (const cmd of tapVlanCommands(xml)) {
      const r = await runTool('bridge', cmd);
      if (r.exitCode !== 0) process.stderr.write(`novanet hook: bridge ${cmd.join(' ')}: ${r.stderr.trim()}\n`);
    }
  } catch (e) {
    process.stderr.write(`novanet hook: ${(e as Error).message}\n`);
  }
  return 0;
}
