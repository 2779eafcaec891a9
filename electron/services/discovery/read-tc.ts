import type { Link, TcState } from '../../../shared/model/host-state';
import type { Target } from '../../../shared/model/target';
import type { Runner } from '../runner';
import { clsactPorts, filterBatch, parseFilterBatch, TC_QDISC_ARGS } from './parse-tc';

/**
 * The tc part of a snapshot (see parse-tc.ts). Undefined when tc is missing or fails: mirrors on Linux bridges
 * are then unknown, and the rest of the snapshot stands.
 */
export async function readTc(
  run: Runner,
  target: Target,
  links: readonly Link[],
  timeoutMs: number,
): Promise<TcState | undefined> {
  const ns = target.netns ? ['-n', target.netns] : [];
  try {
    const { clsact, ports } = clsactPorts((await run(['tc', ...ns, ...TC_QDISC_ARGS], { timeoutMs })).stdout, links);
    if (ports.length === 0) return { clsact, filters: [] };
    const res = await run(['tc', ...ns, '-j', '-batch', '-'], { timeoutMs, input: filterBatch(ports) });
    return parseFilterBatch(res.stdout, ports, clsact);
  } catch {
    return undefined;
  }
}
