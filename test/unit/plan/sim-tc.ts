/** The tc part of the in-memory host (sim.ts): clsact qdiscs and mirred filters, as the kernel keeps them. */
import type { HostState } from '../../../shared/model/host-state';
import type { Operation } from '../../../shared/plan/operations';
import { SimError } from './sim';

/** Applies a tc operation in place; false for any other operation. Throws where tc would refuse. */
export function mutateTc(s: HostState, op: Operation): boolean {
  if (!op.op.startsWith('tc.')) return false;
  const tc = (s.tc ??= { clsact: [], filters: [] });
  const hasDev = (dev: string) => s.links.some((l) => l.name === dev);
  const dev = (op as { dev: string }).dev;
  if (!hasDev(dev)) throw new SimError(`${op.op}: Cannot find device "${dev}"`);
  switch (op.op) {
    case 'tc.clsact.add':
      if (tc.clsact.includes(op.dev)) throw new SimError(`${op.op}: Exclusivity flag on, cannot modify (${op.dev})`);
      tc.clsact.push(op.dev);
      break;
    case 'tc.clsact.del':
      if (!tc.clsact.includes(op.dev))
        throw new SimError(`${op.op}: Cannot find specified qdisc on specified device (${op.dev})`);
      tc.clsact = tc.clsact.filter((d) => d !== op.dev);
      tc.filters = tc.filters.filter((f) => f.dev !== op.dev);
      break;
    case 'tc.mirror.add': {
      if (!tc.clsact.includes(op.dev))
        throw new SimError(`${op.op}: Cannot find specified qdisc on specified device (${op.dev})`);
      if (!hasDev(op.output)) throw new SimError(`${op.op}: Cannot find device "${op.output}"`);
      if (tc.filters.some((f) => f.dev === op.dev && f.direction === op.direction && f.pref === op.pref))
        throw new SimError(`${op.op}: filter pref ${op.pref} exists`);
      tc.filters.push({
        dev: op.dev,
        direction: op.direction,
        pref: op.pref,
        kind: 'u32',
        mirredTo: op.output,
        cookie: op.cookie,
      });
      break;
    }
    case 'tc.mirror.del': {
      const n = tc.filters.length;
      tc.filters = tc.filters.filter((f) => !(f.dev === op.dev && f.direction === op.direction && f.pref === op.pref));
      if (tc.filters.length === n) throw new SimError(`${op.op}: Cannot find specified filter chain`);
      break;
    }
  }
  return true;
}

/** A deleted device takes its qdiscs and filters with it. */
export function dropTcOf(s: HostState, dev: string): void {
  if (!s.tc) return;
  s.tc.clsact = s.tc.clsact.filter((d) => d !== dev);
  s.tc.filters = s.tc.filters.filter((f) => f.dev !== dev);
}

export function canonicalTc(s: HostState) {
  return {
    clsact: [...(s.tc?.clsact ?? [])].sort(),
    filters: (s.tc?.filters ?? [])
      .map((f) => `${f.dev} ${f.direction} ${f.pref} ${f.kind} ${f.mirredTo ?? ''} ${f.cookie ?? ''}`)
      .sort(),
  };
}
