/**
 * Makes sure no qemu outlives the Node process that started it: every live VM's PID is recorded here and
 * SIGKILLed on process exit and on SIGINT/SIGTERM/SIGHUP. (qemu is also started under `setpriv --pdeathsig`,
 * which covers a SIGKILL of Node itself, where no handler runs.)
 */
const livePids = new Set<number>();
let hooksInstalled = false;

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

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // Keep the default "die on signal" unless someone else handles it.
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

export function trackPid(pid: number): void {
  installHooks();
  livePids.add(pid);
}

export function untrackPid(pid: number): void {
  livePids.delete(pid);
}
