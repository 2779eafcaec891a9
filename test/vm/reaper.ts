/**
 * Makes sure no qemu outlives the Node process that started it. Every live VM's PID is recorded and SIGKILLed
 * when the process exits. Signals are covered by `setpriv --pdeathsig KILL` (the kernel kills qemu when Node
 * dies, even by SIGKILL), so no signal handler is installed then: a handler would change whether Node dies on
 * SIGINT (and confuses execa's signal-exit, which re-raises only when its own handlers are the last ones).
 * Without setpriv, SIGINT/SIGTERM/SIGHUP handlers kill the VMs, step aside and re-raise the signal.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const livePids = new Set<number>();
let exitHook = false;
let signalHooks = false;

function killAll(): void {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  livePids.clear();
}

function installSignalHooks(): void {
  signalHooks = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      process.off(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** `parentDeathSignal`: qemu was started under setpriv --pdeathsig, so signals need no handler. */
export function trackPid(pid: number, parentDeathSignal: boolean): void {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', killAll);
  }
  if (!parentDeathSignal && !signalHooks) installSignalHooks();
  livePids.add(pid);
}

export function untrackPid(pid: number): void {
  livePids.delete(pid);
}

/** Work directories of sessions whose Node process died without cleaning up (SIGKILL): the owner PID is gone. */
export async function removeStaleWorkDirs(parent: string, prefix: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const owner = Number(await readFile(join(parent, name, 'owner.pid'), 'utf8').catch(() => ''));
    if (!owner || owner === process.pid) continue;
    try {
      process.kill(owner, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH')
        await rm(join(parent, name), { recursive: true, force: true });
    }
  }
}
