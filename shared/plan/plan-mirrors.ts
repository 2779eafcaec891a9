/** OVS port mirrors: created whole and replaced whole (a mirror row has no partial update worth the risk). */
import type { HostState } from '../model/host-state';
import type { NetworkSpec } from '../spec/schema';
import type { Operation } from './operations';
import { OWNER_KEY } from './ownership';
import { PHASE, type StepList } from './step-list';

type MirrorAdd = Extract<Operation, { op: 'ovs.mirror.add' }>;

const key = (m: Omit<MirrorAdd, 'op' | 'owner'>) =>
  JSON.stringify([[...m.srcPorts].sort(), [...m.dstPorts].sort(), [...m.vlans].sort((a, b) => a - b), m.output]);

export function planMirrors(out: StepList, spec: NetworkSpec, state: HostState): void {
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
      const observed: MirrorAdd = { op: 'ovs.mirror.add', bridge: b.name, name: m.name, owner, srcPorts: m.selectSrcPorts, dstPorts: m.selectDstPorts, vlans: m.selectVlans, output: m.outputPort };
      const want = wanted.get(`${b.name}/${m.name}`);
      if (want && key(want) === key(observed)) {
        wanted.delete(`${b.name}/${m.name}`);
        continue;
      }
      // Gone from the spec or changed: remove it (and, for a change, add the new one below).
      out.add(PHASE.ovsRemove - 1, `mirror ${m.name}`, `Remove mirror ${m.name} from ${b.name}`, { op: 'ovs.mirror.del', bridge: b.name, name: m.name }, [observed]);
    }
  }
  for (const w of wanted.values()) {
    const what = [...new Set([...w.srcPorts, ...w.dstPorts])].join(', ') || `VLAN ${w.vlans.join(', ')}`;
    out.add(PHASE.ovs + 1, `mirror ${w.name}`, `Mirror ${what} to ${w.output} on ${w.bridge}`, w, [{ op: 'ovs.mirror.del', bridge: w.bridge, name: w.name }]);
  }
}
