/**
 * Runs NovaNet's own command line inside the guest: the bundles built on the host (out/cli, out/helper) are seen
 * through the read-only 9p root, specs travel through the job share, history and the helper's journal go to
 * tmpfs. Every invocation is timed: Node runs about ten times slower under TCG, so the suite keeps them few.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostState } from '../../shared/model/host-state';
import type { Plan } from '../../shared/plan/operations';
import type { TopologyGraph } from '../../shared/topology/graph';
import { GUEST_JOB_DIR, type VmRunResult, type VmSession } from './harness';
import { toYaml, type SpecApply } from './specs';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
/** What `novanet topology --json` prints. */
export interface Topology {
  state: HostState;
  graph: TopologyGraph;
}
export type Target = Pick<SpecApply, 'netns' | 'ovsDb'>;

const GUEST_STATE = '/tmp/novanet-vm';
const shq = (s: string) => (/^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const targetArgs = (t: Target) => ['--netns', t.netns, ...(t.ovsDb ? ['--ovs-db', t.ovsDb] : [])];

export function describeRun(r: VmRunResult, what: string): string {
  return `${what} exited ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

export class GuestNovanet {
  constructor(
    private readonly vm: VmSession,
    /** Called with a label and the wall time of each invocation, as the host saw it. */
    private readonly record: (label: string, ms: number) => void,
  ) {}

  /** Writes the spec into the job share; returns its path in the guest. */
  async writeSpec(a: Pick<SpecApply, 'file' | 'spec'>): Promise<string> {
    const dir = join(this.vm.hostJobDir, 'specs');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, a.file), toYaml(a.spec));
    return `${GUEST_JOB_DIR}/specs/${a.file}`;
  }

  async run(label: string, args: string[], env: Record<string, string> = {}): Promise<VmRunResult> {
    const vars = {
      NOVANET_CONFIG_DIR: `${GUEST_STATE}/config`,
      NOVANET_HELPER_STATE_DIR: `${GUEST_STATE}/helper`,
      ...env,
    };
    const prefix = Object.entries(vars).map(([k, v]) => `${k}=${shq(v)}`);
    const r = await this.vm.run(
      `${prefix.join(' ')} node ${shq(`${REPO_ROOT}/bin/novanet.js`)} ${args.map(shq).join(' ')}`,
      {
        timeoutMs: 180_000,
      },
    );
    this.record(`novanet ${label}`, Math.round(r.durationMs));
    return r;
  }

  /** `novanet apply --yes`: plan, helper, verification by re-discovery, commit. Returns the raw result. */
  async apply(a: SpecApply, env: Record<string, string> = {}): Promise<VmRunResult> {
    const path = await this.writeSpec(a);
    const how = Object.entries(env).map(([k, v]) => `, ${k}=${v}`);
    return this.run(
      `apply ${a.file} (${a.netns}${how.join('')})`,
      ['apply', '-f', path, ...targetArgs(a), '--yes'],
      env,
    );
  }

  /** Applies and insists on exit 0 (committed, or nothing to do). */
  async applyOk(a: SpecApply): Promise<VmRunResult> {
    const r = await this.apply(a);
    if (r.exitCode !== 0) throw new Error(describeRun(r, `novanet apply -f ${a.file} --netns ${a.netns}`));
    return r;
  }

  async plan(a: SpecApply): Promise<Plan> {
    const path = await this.writeSpec(a);
    const r = await this.run(`plan ${a.file} (${a.netns})`, ['plan', '-f', path, ...targetArgs(a), '--json']);
    if (r.exitCode !== 0) throw new Error(describeRun(r, `novanet plan -f ${a.file}`));
    return JSON.parse(r.stdout) as Plan;
  }

  async topology(t: Target): Promise<Topology> {
    const r = await this.run(`topology (${t.netns})`, ['topology', ...targetArgs(t), '--json']);
    if (r.exitCode !== 0) throw new Error(describeRun(r, `novanet topology --netns ${t.netns}`));
    return JSON.parse(r.stdout) as Topology;
  }
}
