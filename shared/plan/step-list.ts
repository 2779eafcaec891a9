import type { Operation, Step } from './operations';
import { displayArgv, type TargetArgs } from './render';

/** Collects steps in phases; the plan is the phases in order, so batches group by tool naturally. */
export class StepList {
  private phases = new Map<number, Omit<Step, 'index' | 'argv'>[]>();

  add(phase: number, object: string, description: string, op: Operation, inverse: Operation[]): void {
    let list = this.phases.get(phase);
    if (!list) this.phases.set(phase, (list = []));
    list.push({ op, inverse, description, object });
  }

  steps(target: TargetArgs): Step[] {
    return [...this.phases.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([, list]) => list)
      .map((s, index) => ({ index, ...s, argv: displayArgv(s.op, target) }));
  }
}

/** Removals first (members released before their bridge goes), then creations in dependency order. */
export const PHASE = {
  releaseMembers: 10,
  removeAddresses: 11,
  removeLinks: 12,
  ovsRemove: 15,
  createLinks: 30,
  configureLinks: 31,
  enslave: 32,
  addresses: 33,
  bridgeVlans: 40,
  ovs: 45,
  afterOvs: 60,
} as const;
