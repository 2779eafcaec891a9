/**
 * The capture verb: compile the filter, then run tcpdump with its stdout handed straight to ours, so packets
 * reach the unprivileged caller without passing through this process. The caller writes the files, as itself.
 * Ends when the caller closes our stdin (or says "stop"), or when tcpdump reaches its packet count.
 */
import { spawn } from 'node:child_process';
import type { CaptureRequest, HelperEvent } from '../../shared/plan/helper-protocol';
import { HELPER_ENV, runTool, toolPath } from './tools';

export type Emit = (e: HelperEvent) => void;

function tcpdumpArgv(req: CaptureRequest, compileOnly: boolean): { tool: 'ip' | 'tcpdump'; args: string[] } {
  const base = compileOnly
    ? ['-d', '-i', req.interface]
    : // Immediate mode: packets reach the caller as they arrive (and the last ones before a stop are not lost);
      // a 32 MiB buffer rides out a busy CPU instead of dropping.
      ['-i', req.interface, '--immediate-mode', '-B', '32768', '-U', '-w', '-', '-s', String(req.snaplen), '-n', ...(req.count ? ['-c', String(req.count)] : [])];
  // '--' ends the options: the filter is data, whatever it says.
  const tcpdump = [...base, '--', ...(req.filter.trim() ? [req.filter] : [])];
  return req.target.netns ? { tool: 'ip', args: ['netns', 'exec', req.target.netns, toolPath('tcpdump'), ...tcpdump] } : { tool: 'tcpdump', args: tcpdump };
}

/** tcpdump's closing counters: "12 packets captured", "12 packets received by filter", "0 packets dropped by kernel". */
export function parseTcpdumpStats(stderr: string): { captured: number; received: number; dropped: number } {
  const n = (what: string) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(stderr)?.[1] ?? 0);
  return { captured: n('captured'), received: n('received by filter'), dropped: n('dropped by kernel') };
}

export async function capture(req: CaptureRequest, lines: AsyncIterator<string>, emit: Emit): Promise<number> {
  const compile = tcpdumpArgv(req, true);
  const checked = await runTool(compile.tool, compile.args, undefined, 15_000);
  if (checked.exitCode !== 0) {
    const why = checked.stderr.split('\n').map((l) => l.replace(/^tcpdump: /, '').trim()).filter(Boolean)[0] ?? 'tcpdump refused the filter';
    emit({ type: 'error', message: `filter: ${why}` });
    return 2;
  }
  const run = tcpdumpArgv(req, false);
  const child = spawn(toolPath(run.tool), run.args, { env: HELPER_ENV, stdio: ['ignore', 1, 'pipe'], shell: false });
  let stderr = '';
  let announced = false;
  child.stderr?.on('data', (d) => {
    if (stderr.length < 65_536) stderr += d;
    // tcpdump may print its banner in pieces: look at everything so far.
    const m = announced ? null : /listening on \S+, link-type (\S+)/.exec(stderr);
    if (m) {
      announced = true;
      emit({ type: 'capture-started', interface: req.interface, linkType: m[1] });
    }
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 0)));
  // The caller going away, or saying "stop", ends the capture; tcpdump flushes and prints its counters.
  void (async () => {
    for (;;) {
      const next = await lines.next();
      if (next.done || next.value.trim() === 'stop') break;
    }
    child.kill('SIGINT');
  })();
  const code = await exited;
  emit({ type: 'capture-ended', ...parseTcpdumpStats(stderr) });
  return code === 0 || code === 130 ? 0 : 1;
}
