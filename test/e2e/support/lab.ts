/** What the lab-driven e2e suites share: waiting for the lab to forward, polling, throwaway state folders. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The URL is printed once the lab exists, but its bridge forwards only after STP's delay: wait for a reply. */
export async function labAnswers(lab: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const r = spawnSync('ip', ['netns', 'exec', `${lab}-vm1`, 'ping', '-c', '1', '-W', '1', '10.77.0.12'], {
      stdio: 'ignore',
    });
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`lab ${lab}: vm1 never reached vm2`);
}

/** Polls until `fn` gives a value; the error names what was awaited and, given `show`, what was last seen. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  show?: () => Promise<unknown>,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${show ? `; last seen ${JSON.stringify(await show())}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Rules, history, journals and captures of a run go to throwaway folders; returns them for removal. */
export function throwawayStateDirs(prefix: string): string[] {
  return ['NOVANET_CONFIG_DIR', 'NOVANET_HELPER_STATE_DIR', 'NOVANET_CAPTURE_DIR'].map((v) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    process.env[v] = d;
    return d;
  });
}
