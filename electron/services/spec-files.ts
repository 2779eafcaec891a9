/** Reading a spec from YAML and preparing a plan against a target: shared by the CLI, the app and web mode. */
import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { parseSpec, validateSpec } from '../../shared/spec/validate';
import type { NetworkSpec } from '../../shared/spec/schema';
import type { HostState } from '../../shared/model/host-state';
import type { Target } from '../../shared/model/target';
import type { Plan } from '../../shared/plan/operations';
import { plan as makePlan } from '../../shared/plan/planner';
import { ValidationError } from '../../shared/ipc/errors';
import { discover } from './discovery/index';
import { hostCapabilities } from './capabilities';

export function specFromYaml(text: string, source = 'spec'): NetworkSpec {
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true, strict: true, uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
    throw new ValidationError(`${source}: not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  return specFromData(data);
}

export function specFromData(data: unknown): NetworkSpec {
  const { spec, issues } = parseSpec(data);
  if (!spec) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('\n'), { issues });
  return spec;
}

export async function readSpecFile(path: string): Promise<NetworkSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ValidationError(`-f: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return specFromYaml(text, path);
}

/** The host as the planner needs it: discovery plus the kernel's capabilities (probed when root). */
export async function observe(target: Target): Promise<HostState> {
  const [state, capabilities] = await Promise.all([
    discover(target),
    hostCapabilities().catch(() => undefined),
  ]);
  return capabilities ? { ...state, capabilities } : state;
}

export interface Prepared {
  state: HostState;
  plan: Plan;
}

/** Validate against the host and plan; invalid input changes nothing and names every field at fault. */
export async function prepare(target: Target, spec: NetworkSpec, state?: HostState): Promise<Prepared> {
  const observed = state ?? (await observe(target));
  const issues = validateSpec(spec, observed);
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('\n'), { issues });
  return {
    state: observed,
    plan: makePlan(observed, spec, { ovsKernelDatapath: observed.capabilities?.features.ovsKernelDatapath?.available ?? false }),
  };
}
