/** Runs plan steps as batches: one `ip -batch`, `bridge -batch` or `tc -batch`, or one `ovs-vsctl` transaction each. */
import type { Operation, Plan, Step, Tool } from '../../shared/plan/operations';
import { toolOf } from '../../shared/plan/operations';
import { batchText, ovsTransaction } from '../../shared/plan/render';
import type { HelperEvent } from '../../shared/plan/helper-protocol';
import { runTool } from './tools';
import { runVmnetOps } from './vmnet';
import { isVmnetOp } from '../../shared/plan/operations-vmnet';
import { runVirshOps } from './virsh';
import { isLibvirtOp } from '../../shared/plan/operations-libvirt';

export interface Batch {
  tool: Tool;
  steps: Step[];
}

export function batchesOf(steps: readonly Step[]): Batch[] {
  const out: Batch[] = [];
  for (const s of steps) {
    const tool = toolOf(s.op);
    const last = out[out.length - 1];
    // virsh changes one object per call: a batch per step lets the journal say exactly which calls ran.
    if (last && last.tool === tool && tool !== 'virsh') last.steps.push(s);
    else out.push({ tool, steps: [s] });
  }
  return out;
}

export type Emit = (e: HelperEvent) => void;

/** `ip -batch` stops at the first failing line and names it: "Command failed -:3". */
export function failedLine(stderr: string): number | undefined {
  const m = /Command failed -:(\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

function firstError(stderr: string): string {
  return (
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('Command failed'))[0] ?? 'failed'
  );
}

/** Runs operations of one tool. Returns how many ran before the first failure (all of them on success). */
export async function runOps(tool: Tool, ops: Operation[], target: Plan['target'], emit: Emit, force = false): Promise<{ done: number; error?: string }> {
  if (ops.length === 0) return { done: 0 };
  if (tool === 'dnsmasq' || tool === 'nft' || tool === 'sysctl') return runVmnetOps(ops.filter(isVmnetOp), target, emit, force);
  if (tool === 'virsh') return runVirshOps(ops.filter(isLibvirtOp), target, emit, force);
  if (tool === 'ovs-vsctl') {
    const base = [...(target.ovsDb ? [`--db=${target.ovsDb}`] : []), '--timeout=30'];
    if (force) {
      // Undoing: one transaction per operation, so one that no longer applies does not block the rest.
      let error: string | undefined;
      for (const op of ops) {
        const r = await runTool('ovs-vsctl', [...base, '--', ...ovsTransaction([op])]);
        emit({ type: 'command', argv: r.argv, exitCode: r.exitCode, ...(r.stderr ? { stderr: r.stderr.trim() } : {}) });
        if (r.exitCode !== 0) error ??= firstError(r.stderr);
      }
      return { done: ops.length, error };
    }
    const r = await runTool('ovs-vsctl', [...base, '--', ...ovsTransaction(ops)]);
    emit({ type: 'command', argv: r.argv, exitCode: r.exitCode, ...(r.stderr ? { stderr: r.stderr.trim() } : {}) });
    return r.exitCode === 0 ? { done: ops.length } : { done: 0, error: firstError(r.stderr) };
  }
  const args = [...(target.netns ? ['-n', target.netns] : []), ...(force ? ['-force'] : []), '-batch', '-'];
  const text = batchText(ops);
  const r = await runTool(tool, args, text);
  emit({ type: 'command', argv: r.argv, input: text.trimEnd().split('\n'), exitCode: r.exitCode, ...(r.stderr ? { stderr: r.stderr.trim() } : {}) });
  if (r.exitCode === 0) return { done: ops.length };
  if (force) {
    // iproute2 aborts the whole batch on a malformed argument (a device that is gone), -force or not: finish
    // the rest one line at a time so one stale inverse does not strand the others.
    const stopped = failedLine(r.stderr);
    if (r.exitCode !== 255 && stopped === undefined) return { done: ops.length, error: firstError(r.stderr) };
    for (const op of ops.slice(stopped ?? 0)) {
      const line = batchText([op]);
      const one = await runTool(tool, [...(target.netns ? ['-n', target.netns] : []), '-batch', '-'], line);
      emit({ type: 'command', argv: one.argv, input: [line.trimEnd()], exitCode: one.exitCode, ...(one.stderr ? { stderr: one.stderr.trim() } : {}) });
    }
    return { done: ops.length, error: firstError(r.stderr) };
  }
  const line = failedLine(r.stderr);
  return { done: line ? line - 1 : 0, error: firstError(r.stderr) };
}

/** Undo: every inverse, newest step first, tolerating what no longer applies. True when all of it ran cleanly. */
export async function undo(steps: readonly Step[], target: Plan['target'], emit: Emit): Promise<boolean> {
  const ordered = [...steps].reverse();
  const ops = ordered.flatMap((s) => s.inverse);
  let clean = true;
  const groups: { tool: Tool; ops: Operation[] }[] = [];
  for (const op of ops) {
    const tool = toolOf(op);
    const last = groups[groups.length - 1];
    if (last && last.tool === tool) last.ops.push(op);
    else groups.push({ tool, ops: [op] });
  }
  for (const g of groups) {
    const r = await runOps(g.tool, g.ops, target, emit, true);
    if (r.error) clean = false;
  }
  for (const s of ordered) emit({ type: 'step', index: s.index, status: 'undone' });
  return clean;
}
