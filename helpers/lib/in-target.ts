/** Runs a helper tool inside the Target's namespace (`ip netns exec NS /abs/tool ...`), and reports the command. */
import { chmodSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Emit } from './execute';
import { runTool, toolPath, type HelperTool, type Ran } from './tools';

export async function runInTarget(
  netns: string | undefined,
  tool: HelperTool,
  args: string[],
  emit: Emit,
  input?: string,
): Promise<Ran> {
  const r = netns
    ? await runTool('ip', ['netns', 'exec', netns, toolPath(tool), ...args], input)
    : await runTool(tool, args, input);
  emit({
    type: 'command',
    argv: r.argv,
    exitCode: r.exitCode,
    ...(input ? { input: input.trimEnd().split('\n') } : {}),
    ...(r.stderr.trim() ? { stderr: r.stderr.trim() } : {}),
  });
  return r;
}

/** The first line of a tool's complaint, for the step's failure message. */
export function complaint(r: Ran): string {
  return (r.stderr.trim() || r.stdout.trim()).split('\n')[0] || `exit code ${r.exitCode}`;
}

/** Removes `dir` and its parents while they are empty, stopping below `top` (which stays). */
export function pruneEmptyDirs(dir: string, top: string): void {
  for (let d = dir; d.startsWith(`${top}/`); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}

/**
 * Creates a directory under the helper's run directory, readable by the app (0755), and lets the app pass through
 * the parent /run/novanet (search permission only: other helpers' directories in it keep their own 0700).
 */
export function makeRunDir(dir: string, runDir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const parent = dirname(runDir);
  const mode = statSync(parent).mode & 0o7777;
  if ((mode & 0o011) !== 0o011) chmodSync(parent, mode | 0o011);
}
