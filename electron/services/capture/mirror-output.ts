/**
 * The output device of a mirror that copies every one of `ports` in both directions: an OVS mirror (by port or
 * all ports), or NovaNet's tc mirred filters on a Linux bridge (any spec's, recognised by the cookie's prefix).
 */
import type { HostState } from '../../../shared/model/host-state';
import { TC_COOKIE_PREFIX, TC_PREF_MAX, TC_PREF_MIN } from '../../../shared/plan/operations-tc';

export function mirrorOutputFor(state: HostState, ports: readonly string[]): string | undefined {
  for (const b of state.ovsBridges) {
    for (const m of b.mirrors) {
      if (!m.outputPort) continue;
      const covers = (sel: string[]) => m.selectAll || ports.every((p) => sel.includes(p));
      if (covers(m.selectSrcPorts) && covers(m.selectDstPorts)) {
        const out = b.ports.find((p) => p.name === m.outputPort);
        return out?.interfaces[0]?.name ?? m.outputPort;
      }
    }
  }
  const ours = (state.tc?.filters ?? []).filter(
    (f) => f.mirredTo && f.cookie?.startsWith(TC_COOKIE_PREFIX) && f.pref >= TC_PREF_MIN && f.pref <= TC_PREF_MAX,
  );
  const outputs = new Set(ours.map((f) => f.mirredTo as string));
  for (const out of outputs) {
    const hooked = (dev: string, direction: 'ingress' | 'egress') =>
      ours.some((f) => f.dev === dev && f.direction === direction && f.mirredTo === out);
    if (ports.every((p) => hooked(p, 'ingress') && hooked(p, 'egress'))) return out;
  }
  return undefined;
}
