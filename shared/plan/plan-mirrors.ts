/**
 * Port mirrors. OVS: mirror rows, created whole and replaced whole (a row has no partial update worth the risk).
 * Linux bridges: tc mirred filters on the source ports.
 */
import type { HostState, TcFilter } from '../model/host-state';
import type { NetworkSpec } from '../spec/schema';
import type { Operation } from './operations';
import { OWNER_KEY } from './ownership';
import { TC_PREF_MAX, TC_PREF_MIN, tcCookieFor } from './operations-tc';
import { PHASE, type StepList } from './step-list';

type MirrorAdd = Extract<Operation, { op: 'ovs.mirror.add' }>;

const key = (m: Omit<MirrorAdd, 'op' | 'owner'>) =>
  JSON.stringify([[...m.srcPorts].sort(), [...m.dstPorts].sort(), [...m.vlans].sort((a, b) => a - b), m.output]);

/** `recreated`: links this plan deletes and creates again (their tc filters and qdiscs go with the old device). */
export function planMirrors(
  out: StepList,
  spec: NetworkSpec,
  state: HostState,
  recreated: ReadonlySet<string> = new Set(),
): void {
  planTcMirrors(out, spec, state, recreated);
  const owner = spec.metadata.name;
  const wanted = new Map<string, MirrorAdd>();
  for (const m of spec.mirrors) {
    if (!spec.switches.some((s) => s.name === m.switch && s.type === 'ovs')) continue;
    const ingress = m.direction !== 'egress';
    const egress = m.direction !== 'ingress';
    wanted.set(`${m.switch}/${m.name}`, {
      op: 'ovs.mirror.add',
      bridge: m.switch,
      name: m.name,
      owner,
      srcPorts: ingress ? m.sources : [],
      dstPorts: egress ? m.sources : [],
      vlans: m.vlans,
      output: m.output,
    });
  }
  for (const b of state.ovsBridges) {
    for (const m of b.mirrors) {
      if (m.externalIds[OWNER_KEY] !== owner || !m.outputPort) continue;
      const observed: MirrorAdd = {
        op: 'ovs.mirror.add',
        bridge: b.name,
        name: m.name,
        owner,
        srcPorts: m.selectSrcPorts,
        dstPorts: m.selectDstPorts,
        vlans: m.selectVlans,
        output: m.outputPort,
      };
      const want = wanted.get(`${b.name}/${m.name}`);
      if (want && key(want) === key(observed)) {
        wanted.delete(`${b.name}/${m.name}`);
        continue;
      }
      // Gone from the spec or changed: remove it (and, for a change, add the new one below).
      out.add(
        PHASE.ovsRemove - 1,
        `mirror ${m.name}`,
        `Remove mirror ${m.name} from ${b.name}`,
        { op: 'ovs.mirror.del', bridge: b.name, name: m.name },
        [observed],
      );
    }
  }
  for (const w of wanted.values()) {
    const what = [...new Set([...w.srcPorts, ...w.dstPorts])].join(', ') || `VLAN ${w.vlans.join(', ')}`;
    out.add(PHASE.ovs + 1, `mirror ${w.name}`, `Mirror ${what} to ${w.output} on ${w.bridge}`, w, [
      { op: 'ovs.mirror.del', bridge: w.bridge, name: w.name },
    ]);
  }
}

type TcMirrorAdd = Extract<Operation, { op: 'tc.mirror.add' }>;
type Direction = TcMirrorAdd['direction'];
const tcKey = (dev: string, direction: Direction, output: string) => `${dev}|${direction}|${output}`;

/**
 * Linux-bridge mirrors: one tc filter per source port and direction on the port's clsact qdisc, its mirred action
 * marked with the spec's cookie. Only filters carrying that cookie, in NovaNet's priority range, are ever removed;
 * a clsact qdisc is removed only when none of anybody's filters would be left on it. A filter on (or to) a device
 * the plan re-creates goes with the old device, so it is removed first and added again to the new one.
 */
export function planTcMirrors(
  out: StepList,
  spec: NetworkSpec,
  state: HostState,
  recreated: ReadonlySet<string> = new Set(),
): void {
  const cookie = tcCookieFor(spec.metadata.name);
  const tc = state.tc ?? { clsact: [], filters: [] };
  const wanted = wantedTcMirrors(spec);
  const ours = tc.filters.filter(
    (f) => f.cookie === cookie && f.mirredTo && f.pref >= TC_PREF_MIN && f.pref <= TC_PREF_MAX,
  );
  const removed = new Set<TcFilter>();
  for (const f of ours) {
    const stays = !recreated.has(f.dev) && !recreated.has(f.mirredTo as string);
    if (stays && wanted.delete(tcKey(f.dev, f.direction, f.mirredTo as string))) continue;
    removed.add(f);
    const back: Operation = {
      op: 'tc.mirror.add',
      dev: f.dev,
      direction: f.direction,
      pref: f.pref,
      output: f.mirredTo as string,
      cookie,
    };
    const del: Operation = { op: 'tc.mirror.del', dev: f.dev, direction: f.direction, pref: f.pref };
    out.add(
      PHASE.releaseMembers - 2,
      `mirror on ${f.dev}`,
      `Stop mirroring ${f.dev} (${f.direction}) to ${f.mirredTo}`,
      del,
      [back],
    );
  }
  // The first mirror needing a device's qdisc names the step, so the Changes panel groups it with that mirror.
  const adding = new Map<string, string>();
  for (const w of wanted.values()) if (!adding.has(w.dev)) adding.set(w.dev, w.mirror);
  const left = (dev: string) => tc.filters.some((f) => f.dev === dev && !removed.has(f));
  const emptied = tc.clsact.filter((dev) => !left(dev) && ours.some((f) => f.dev === dev && removed.has(f)));
  for (const dev of emptied) {
    if (adding.has(dev) && !recreated.has(dev)) continue;
    out.add(
      PHASE.releaseMembers - 1,
      `mirror on ${dev}`,
      `Remove the clsact qdisc NovaNet added to ${dev}`,
      { op: 'tc.clsact.del', dev },
      [{ op: 'tc.clsact.add', dev }],
    );
  }
  for (const [dev, mirror] of adding) {
    if (tc.clsact.includes(dev) && !recreated.has(dev)) continue;
    out.add(
      PHASE.ovs + 2,
      `mirror ${mirror}`,
      `Add a clsact qdisc to ${dev} for mirroring`,
      { op: 'tc.clsact.add', dev },
      [{ op: 'tc.clsact.del', dev }],
    );
  }
  const used = new Set(
    tc.filters.filter((f) => !removed.has(f) && !recreated.has(f.dev)).map((f) => `${f.dev}|${f.direction}|${f.pref}`),
  );
  for (const w of wanted.values()) {
    let pref = TC_PREF_MIN;
    while (used.has(`${w.dev}|${w.direction}|${pref}`)) pref++;
    if (pref > TC_PREF_MAX)
      throw new Error(`no free tc filter priority left on ${w.dev} (${w.direction}) for mirror ${w.mirror}`);
    used.add(`${w.dev}|${w.direction}|${pref}`);
    const add: TcMirrorAdd = {
      op: 'tc.mirror.add',
      dev: w.dev,
      direction: w.direction,
      pref,
      output: w.output,
      cookie,
    };
    const what = w.direction === 'ingress' ? `what ${w.dev} sends` : `what ${w.dev} receives`;
    out.add(PHASE.ovs + 3, `mirror ${w.mirror}`, `Mirror ${what} to ${w.output}`, add, [
      { op: 'tc.mirror.del', dev: w.dev, direction: w.direction, pref },
    ]);
  }
}

/** One entry per source port and direction of the spec's Linux-bridge mirrors, keyed device|direction|output. */
function wantedTcMirrors(
  spec: NetworkSpec,
): Map<string, { dev: string; direction: Direction; output: string; mirror: string }> {
  const wanted = new Map<string, { dev: string; direction: Direction; output: string; mirror: string }>();
  for (const m of spec.mirrors) {
    if (!spec.switches.some((s) => s.name === m.switch && s.type === 'linux')) continue;
    const dirs: Direction[] = m.direction === 'both' ? ['ingress', 'egress'] : [m.direction];
    for (const dev of m.sources)
      for (const direction of dirs)
        wanted.set(tcKey(dev, direction, m.output), { dev, direction, output: m.output, mirror: m.name });
  }
  return wanted;
}
