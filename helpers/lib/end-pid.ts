/**
 * Ends one process by PID: SIGTERM, then SIGKILL if it is still there after the grace period. Used by the helper
 * (dnsmasq restarts) and by the test harnesses, which must end only processes they started, by PID.
 */
export async function endPid(pid: number, graceMs = 3000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  if (alive()) process.kill(pid, 'SIGKILL');
}
